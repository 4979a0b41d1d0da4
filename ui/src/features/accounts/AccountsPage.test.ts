import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { account, appError, fakeApi, networkInfos } from '../../fixtures';
import type { Account, DisconnectOutcome } from '../../ipc';
import AccountsPage from './AccountsPage.svelte';

function setup(accounts: Account[], props: { canConnect?: boolean; checkOnOpen?: boolean } = {}) {
  const backend = fakeApi({ accounts });
  const onshown = vi.fn();
  const onopenSettings = vi.fn();
  const user = userEvent.setup();
  render(AccountsPage, { networks: networkInfos(), api: backend.api, onshown, onopenSettings, ...props });
  return { ...backend, onshown, onopenSettings, user };
}

const two = () => [
  account(),
  account({ id: 'acc-2', network: 'facebook', externalId: 'page/2', kind: 'page', displayName: 'Pizzeria Da Gino' }),
];

describe('AccountsPage', () => {
  it('shows a friendly empty state with its own Connect button', async () => {
    const { onshown } = setup([]);
    const empty = await screen.findByTestId('empty-state');
    expect(empty).toHaveTextContent('No accounts connected yet');
    expect(within(empty).getByRole('button', { name: 'Connect' })).toBeEnabled();
    expect(screen.getByTestId('connect-button')).toBeEnabled();
    expect(onshown).toHaveBeenCalledTimes(1);
  });

  it('shows one card per account in the grid', async () => {
    const { onshown } = setup(two());
    await screen.findByTestId('accounts-grid');
    const cards = screen.getAllByTestId('account-card');
    expect(cards.map((c) => c.dataset.accountId)).toEqual(['acc-1', 'acc-2']);
    expect(cards[1]).toHaveTextContent('Facebook');
    expect(onshown).toHaveBeenCalledTimes(1);
  });

  it('reloads when the backend says the accounts changed', async () => {
    const backend = setup([]);
    await screen.findByTestId('empty-state');
    await waitFor(() => expect(backend.listenerCount()).toBe(1));
    backend.setAccounts(two());
    backend.emitAccountsChanged();
    expect(await screen.findAllByTestId('account-card')).toHaveLength(2);
    expect(backend.onshown).toHaveBeenCalledTimes(1);
  });

  it('refreshes statuses in the background when asked to', async () => {
    const { api } = setup(two(), { checkOnOpen: true });
    await waitFor(() => expect(api.accountsCheck).toHaveBeenCalledTimes(1));
  });

  it('does not refresh statuses unless asked', async () => {
    const { api } = setup(two());
    await screen.findByTestId('accounts-grid');
    expect(api.accountsCheck).not.toHaveBeenCalled();
  });

  it('disables Connect while the keyring is unavailable', async () => {
    setup([], { canConnect: false });
    await screen.findByTestId('empty-state');
    expect(screen.getByTestId('connect-button')).toBeDisabled();
    expect(screen.getByTestId('connect-button')).toHaveAccessibleDescription(
      'Connecting is off until the system keyring is available.',
    );
  });

  it('opens the connect popup', async () => {
    const { user } = setup([]);
    await screen.findByTestId('empty-state');
    await user.click(screen.getByTestId('connect-button'));
    expect(screen.getByRole('dialog', { name: 'Connect an account' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('connect-button')).toHaveFocus();
  });

  it('asks before disconnecting, and Cancel keeps the account', async () => {
    const { api, user } = setup(two());
    await screen.findByTestId('accounts-grid');
    await user.click(screen.getAllByTestId('card-menu')[0]);
    await user.click(screen.getByTestId('menu-disconnect'));
    const dialog = screen.getByRole('dialog', { name: 'Disconnect Bottega Rossi?' });
    expect(dialog).toHaveTextContent('revoke');
    expect(dialog).toHaveTextContent('delete the stored sign-in');
    expect(within(dialog).getByTestId('confirm-cancel')).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.accountsDisconnect).not.toHaveBeenCalled();
  });

  it.each<[DisconnectOutcome, string]>([
    [{ revoke: 'revoked', detail: null }, 'Disconnected.'],
    [{ revoke: 'not_supported', detail: null }, 'Disconnected.'],
    [
      { revoke: 'failed', detail: 'HTTP 503 from revoke endpoint' },
      'Disconnected here, but Google Business Profile could not be told to revoke access: remove Herald in your Google Business Profile security settings. Details: HTTP 503 from revoke endpoint',
    ],
    [
      { revoke: 'kept_for_other_accounts', detail: null },
      'Disconnected. Other locations signed in with the same Google account still use that sign-in.',
    ],
  ])('disconnects and reports the outcome %j', async (outcome, text) => {
    const backend = setup(two());
    const { api, user } = backend;
    api.accountsDisconnect.mockImplementation(async (id) => {
      backend.setAccounts(two().filter((a) => a.id !== id));
      return outcome;
    });
    await screen.findByTestId('accounts-grid');
    await user.click(screen.getAllByTestId('card-menu')[0]);
    await user.click(screen.getByTestId('menu-disconnect'));
    await user.click(screen.getByTestId('confirm-disconnect'));

    expect(api.accountsDisconnect).toHaveBeenCalledWith('acc-1');
    const notice = await screen.findByTestId('notice');
    expect(notice.closest('[role="status"]')).not.toBeNull();
    expect(notice).toHaveTextContent(text);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getAllByTestId('account-card').map((c) => c.dataset.accountId)).toEqual(['acc-2']);
  });

  it('says plainly when the network cannot be asked to revoke (Instagram)', async () => {
    const { user } = setup([
      account(),
      account({ id: 'acc-ig', network: 'instagram', externalId: '178', kind: 'profile', displayName: '@fornorossi' }),
    ]);
    await screen.findByTestId('accounts-grid');
    await user.click(screen.getAllByTestId('card-menu')[1]);
    await user.click(screen.getByTestId('menu-disconnect'));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('Instagram gives apps no way to revoke their access');
    expect(dialog).not.toHaveTextContent('will ask Instagram to revoke');
  });

  it('keeps the confirmation open and explains a failed disconnect', async () => {
    const { api, user } = setup(two());
    api.accountsDisconnect.mockRejectedValue(appError('storage', 'database is locked'));
    await screen.findByTestId('accounts-grid');
    await user.click(screen.getAllByTestId('card-menu')[0]);
    await user.click(screen.getByTestId('menu-disconnect'));
    await user.click(screen.getByTestId('confirm-disconnect'));
    const dialog = screen.getByRole('dialog');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Herald could not read or write its data on this computer.',
    );
    expect(screen.getAllByTestId('account-card')).toHaveLength(2);
  });

  it('reconnects from the card menu with the account id', async () => {
    const { api, user } = setup([account({ status: 'needs_reconnect' })]);
    await screen.findByTestId('accounts-grid');
    await user.click(screen.getByTestId('card-menu'));
    await user.click(screen.getByTestId('menu-reconnect'));
    expect(screen.getByRole('dialog', { name: 'Reconnect Bottega Rossi' })).toBeInTheDocument();
    await waitFor(() => expect(api.accountsConnectBegin).toHaveBeenCalledWith('google_business', 'acc-1'));
  });

  it('offers a retry when the list cannot be loaded', async () => {
    const backend = fakeApi({ accounts: two() });
    backend.api.accountsList.mockRejectedValueOnce(appError('storage', 'locked'));
    const onshown = vi.fn();
    const user = userEvent.setup();
    render(AccountsPage, { networks: networkInfos(), api: backend.api, onshown });
    const alert = await screen.findByRole('alert');
    await waitFor(() => expect(onshown).toHaveBeenCalledTimes(1));
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('account-card')).toHaveLength(2);
  });

  it('checks every connection on request and says how many need attention', async () => {
    const { api, user } = setup(two());
    await screen.findByTestId('accounts-grid');
    let answer: (accounts: Account[]) => void = () => {};
    api.accountsCheckNow.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const button = screen.getByTestId('check-now');
    expect(button).toHaveTextContent('Check connections');
    await user.click(button);
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent('Checking…');
    answer([two()[0], { ...two()[1], status: 'needs_reconnect', statusReason: 'sign_in_rejected' }]);
    expect(await screen.findByTestId('notice')).toHaveTextContent(
      'Checked just now: 1 connection needs your attention.',
    );
    expect(button).toBeEnabled();
    const badges = screen.getAllByTestId('status-badge');
    expect(badges[1]).toHaveAttribute('data-status', 'needs_reconnect');
    expect(api.accountsCheckNow).toHaveBeenCalledTimes(1);

    // Checked again after a reconnect elsewhere: the backend's answer replaces the cards.
    await user.click(button);
    await waitFor(() =>
      expect(screen.getByTestId('notice')).toHaveTextContent('Checked just now: every connection works.'),
    );
    expect(screen.getAllByTestId('status-badge')[1]).toHaveAttribute('data-status', 'connected');
  });

  it('says when every connection works, and offers a retry when the check fails', async () => {
    const { api, user } = setup(two());
    await screen.findByTestId('accounts-grid');
    await user.click(screen.getByTestId('check-now'));
    expect(await screen.findByTestId('notice')).toHaveTextContent('Checked just now: every connection works.');

    api.accountsCheckNow.mockRejectedValueOnce(appError('storage', 'locked'));
    await user.click(screen.getByTestId('check-now'));
    const failed = await screen.findByTestId('check-error');
    expect(screen.queryByTestId('notice')).toBeNull();
    await user.click(within(failed).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('notice')).toHaveTextContent('every connection works');
    expect(screen.queryByTestId('check-error')).toBeNull();
  });

  it('offers no check while there is nothing to check', async () => {
    setup([]);
    await screen.findByTestId('empty-state');
    expect(screen.queryByTestId('check-now')).toBeNull();
  });
});
