import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { account, appError, candidate, deferred, fakeApi, flow, networkInfos } from '../../fixtures';
import type { Account, Candidate } from '../../ipc';
import ConnectDialog from './ConnectDialog.svelte';

function setup(props: { reconnect?: Account | null } = {}) {
  const { api } = fakeApi();
  const onclose = vi.fn();
  const onconnected = vi.fn();
  const onopenSettings = vi.fn();
  const user = userEvent.setup();
  render(ConnectDialog, { networks: networkInfos(), api, onclose, onconnected, onopenSettings, ...props });
  return { api, onclose, onconnected, onopenSettings, user };
}

const apiCalls = (api: ReturnType<typeof fakeApi>['api']) =>
  api.accountsConnectBegin.mock.calls.length +
  api.accountsConnectWait.mock.calls.length +
  api.accountsConnectCancel.mock.calls.length +
  api.accountsConnectFinish.mock.calls.length;

describe('ConnectDialog', () => {
  it('is a labelled modal dialog', () => {
    setup();
    const dialog = screen.getByRole('dialog', { name: 'Connect an account' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
  });

  it('lists the seven networks in Herald’s order', () => {
    setup();
    const buttons = screen.getAllByTestId(/^network-/);
    expect(buttons.map((b) => b.dataset.testid)).toEqual([
      'network-instagram',
      'network-facebook',
      'network-linkedin',
      'network-google_business',
      'network-x',
      'network-tiktok',
      'network-wechat',
    ]);
    expect(buttons.map((b) => b.querySelector('.network-name')?.textContent)).toEqual([
      'Instagram',
      'Facebook',
      'LinkedIn',
      'Google Business Profile',
      'X',
      'TikTok',
      'WeChat',
    ]);
    for (const button of buttons) expect(button.querySelector('svg')).not.toBeNull();
  });

  it('disables TikTok (coming soon) and WeChat (deprecated) with a reason', () => {
    setup();
    const tiktok = screen.getByTestId('network-tiktok');
    const wechat = screen.getByTestId('network-wechat');
    expect(tiktok).toBeDisabled();
    expect(tiktok).toHaveTextContent('Coming soon');
    expect(wechat).toBeDisabled();
    expect(wechat).toHaveTextContent('Deprecated: existing links keep working, no new ones');
    expect(screen.getByTestId('network-google_business')).toBeEnabled();
    expect(screen.getByTestId('network-instagram')).toBeEnabled();
  });

  it('says a later-version network arrives later, and calls nothing', async () => {
    const { api, user } = setup();
    await user.click(screen.getByTestId('network-instagram'));
    const note = screen.getByTestId('later-version');
    expect(note).toHaveTextContent('Arrives in a later version of Herald');
    expect(screen.getByTestId('network-instagram')).toHaveAccessibleDescription(
      'Arrives in a later version of Herald',
    );
    expect(apiCalls(api)).toBe(0);
    expect(screen.queryByTestId('cancel-connect')).toBeNull();
  });

  it('connects Google Business Profile: begin → wait → pick → finish', async () => {
    const { api, user, onconnected } = setup();
    const waiting = deferred<Candidate[]>();
    api.accountsConnectWait.mockReturnValue(waiting.promise);
    const connected = [account({ id: 'new-1', externalId: 'locations/111' })];
    api.accountsConnectFinish.mockResolvedValue(connected);

    await user.click(screen.getByTestId('network-google_business'));
    expect(api.accountsConnectBegin).toHaveBeenCalledWith('google_business', null);

    expect(await screen.findByText('Finish signing in in your browser…')).toBeInTheDocument();
    expect(api.accountsConnectWait).toHaveBeenCalledWith('flow-1');
    expect(screen.getByTestId('authorize-url')).toHaveValue(flow().authorizeUrl);
    expect(screen.getByTestId('authorize-url')).toHaveAttribute('readonly');
    expect(screen.getByTestId('cancel-connect')).toBeInTheDocument();

    waiting.resolve([
      candidate({ externalId: 'locations/111', displayName: 'Bottega Rossi' }),
      candidate({ externalId: 'locations/222', displayName: 'Bottega Rossi – Centro', alreadyConnected: true }),
      candidate({ externalId: 'locations/333', displayName: 'Bottega Rossi – Mare' }),
    ]);

    const list = await screen.findByTestId('candidate-list');
    const boxes = within(list).getAllByRole('checkbox') as HTMLInputElement[];
    expect(boxes.map((b) => [b.value, b.checked, b.disabled])).toEqual([
      ['locations/111', true, false],
      ['locations/222', false, true],
      ['locations/333', true, false],
    ]);
    expect(list).toHaveTextContent('already connected');

    await user.click(screen.getByRole('checkbox', { name: /Mare/ }));
    await user.click(screen.getByTestId('connect-selected'));

    expect(api.accountsConnectFinish).toHaveBeenCalledWith('flow-1', ['locations/111']);
    await waitFor(() => expect(onconnected).toHaveBeenCalledWith(connected));
    expect(api.accountsConnectCancel).not.toHaveBeenCalled();
  });

  it('copies the sign-in address as a fallback', async () => {
    const { user } = setup();
    await user.click(screen.getByTestId('network-google_business'));
    await user.click(await screen.findByTestId('copy-url'));
    expect(await navigator.clipboard.readText()).toBe(flow().authorizeUrl);
    expect(screen.getByTestId('copy-url')).toHaveTextContent('Copied');
  });

  it('keeps "Connect selected" disabled while nothing is ticked', async () => {
    const { api, user } = setup();
    api.accountsConnectWait.mockResolvedValue([candidate({ externalId: 'p1', displayName: 'Only page' })]);
    await user.click(screen.getByTestId('network-facebook'));
    await screen.findByTestId('candidate-list');
    expect(screen.getByTestId('connect-selected')).toBeEnabled();
    await user.click(screen.getByRole('checkbox', { name: /Only page/ }));
    expect(screen.getByTestId('connect-selected')).toBeDisabled();
  });

  it('explains a declined consent in the dialog', async () => {
    const { api, user } = setup();
    api.accountsConnectWait.mockRejectedValue(appError('consent_denied', 'access_denied'));
    await user.click(screen.getByTestId('network-google_business'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('You declined access in the browser. Nothing was connected.');
    // Back on the network list, ready to try again.
    expect(screen.getByTestId('network-google_business')).toBeEnabled();
  });

  it('names the network when it did not answer correctly', async () => {
    const { api, user } = setup();
    api.accountsConnectWait.mockRejectedValue(appError('token_exchange_failed', 'HTTP 502'));
    await user.click(screen.getByTestId('network-google_business'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Google Business Profile did not answer correctly');
    expect(alert).toHaveTextContent('your existing accounts are untouched');
  });

  it('sends the user to Settings when credentials are missing', async () => {
    const { api, user, onopenSettings } = setup();
    api.accountsConnectBegin.mockRejectedValue(appError('credentials_missing'));
    await user.click(screen.getByTestId('network-google_business'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('client ID');
    await user.click(within(alert).getByTestId('open-settings'));
    expect(onopenSettings).toHaveBeenCalled();
    expect(api.accountsConnectWait).not.toHaveBeenCalled();
  });

  it('cancel calls accountsConnectCancel and goes back silently', async () => {
    const { api, user, onclose } = setup();
    const waiting = deferred<Candidate[]>();
    api.accountsConnectWait.mockReturnValue(waiting.promise);
    api.accountsConnectCancel.mockImplementation(async () => {
      waiting.reject(appError('flow_cancelled'));
      return null;
    });

    await user.click(screen.getByTestId('network-google_business'));
    await user.click(await screen.findByTestId('cancel-connect'));

    expect(api.accountsConnectCancel).toHaveBeenCalledWith('flow-1');
    expect(await screen.findByTestId('network-google_business')).toBeInTheDocument();
    await Promise.resolve();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(onclose).not.toHaveBeenCalled();
  });

  it('goes back silently when the backend reports the flow was cancelled', async () => {
    const { api, user } = setup();
    api.accountsConnectWait.mockRejectedValue(appError('flow_cancelled'));
    await user.click(screen.getByTestId('network-facebook'));
    expect(await screen.findByTestId('network-facebook')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('Escape while waiting cancels the sign-in and closes', async () => {
    const { api, user, onclose } = setup();
    await user.click(screen.getByTestId('network-google_business'));
    await screen.findByTestId('cancel-connect');
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalled();
    expect(api.accountsConnectCancel).toHaveBeenCalledWith('flow-1');
  });

  it('keeps Tab inside the dialog', async () => {
    const { user } = setup();
    const dialog = screen.getByRole('dialog');
    for (let i = 0; i < 8; i++) {
      await user.tab();
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
    await user.tab({ shift: true });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
  });

  it('reconnects an account and finishes with its own id', async () => {
    const target = account({ id: 'acc-9', externalId: 'locations/999', status: 'needs_reconnect' });
    const { api, onconnected } = setup({ reconnect: target });
    api.accountsConnectWait.mockResolvedValue([
      candidate({ externalId: 'locations/999', alreadyConnected: true }),
      candidate({ externalId: 'locations/111' }),
    ]);
    // Set right after mount: begin() is still awaiting, so the wait sees these candidates.
    await waitFor(() => expect(api.accountsConnectBegin).toHaveBeenCalledWith('google_business', 'acc-9'));
    await waitFor(() => expect(api.accountsConnectFinish).toHaveBeenCalledWith('flow-1', ['locations/999']));
    await waitFor(() => expect(onconnected).toHaveBeenCalled());
    expect(screen.getByRole('dialog', { name: 'Reconnect Bottega Rossi' })).toBeInTheDocument();
  });

  it('refuses to reconnect with a different account', async () => {
    const target = account({ id: 'acc-9', externalId: 'locations/999', status: 'needs_reconnect' });
    const { api } = fakeApi();
    api.accountsConnectWait.mockResolvedValue([candidate({ externalId: 'locations/111' })]);
    render(ConnectDialog, {
      networks: networkInfos(),
      api,
      reconnect: target,
      onclose: vi.fn(),
      onconnected: vi.fn(),
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('different Google Business Profile account');
    expect(api.accountsConnectFinish).not.toHaveBeenCalled();
    expect(api.accountsConnectCancel).toHaveBeenCalledWith('flow-1');
  });

  it('releases an open sign-in when it is unmounted', async () => {
    const { api } = fakeApi();
    const user = userEvent.setup();
    const view = render(ConnectDialog, { networks: networkInfos(), api, onclose: vi.fn(), onconnected: vi.fn() });
    await user.click(screen.getByTestId('network-google_business'));
    await screen.findByTestId('cancel-connect');
    view.unmount();
    expect(api.accountsConnectCancel).toHaveBeenCalledWith('flow-1');
  });
  it('says Facebook connects Business Pages only, and sends a busy port or a missing relay to Settings', async () => {
    const { api } = fakeApi();
    api.accountsConnectBegin.mockRejectedValueOnce(appError('port_busy', 'Port 8080 on this computer is already in use'));
    const onopenSettings = vi.fn();
    const user = userEvent.setup();
    render(ConnectDialog, { networks: networkInfos(), api, onclose: vi.fn(), onconnected: vi.fn(), onopenSettings });
    expect(screen.getByTestId('facebook-note')).toHaveTextContent('Business Pages only, never personal profiles');
    await user.click(screen.getByTestId('network-facebook'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveAttribute('data-code', 'port_busy');
    expect(alert).toHaveTextContent('in use by another program');
    await user.click(screen.getByTestId('open-settings'));
    expect(onopenSettings).toHaveBeenCalledTimes(1);
  });
});
