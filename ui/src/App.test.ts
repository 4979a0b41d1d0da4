import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { account, fakeApi } from './fixtures';
import { getLocale, setLocale } from './i18n/index.svelte';

afterEach(() => setLocale('en'));

function setup(status: Partial<Awaited<ReturnType<ReturnType<typeof fakeApi>['api']['appStatus']>>> = {}) {
  const backend = fakeApi({ accounts: [account()] });
  const base = {
    demo: false,
    keyring: { available: true, detail: null },
    locale: 'en',
    dataDir: '/home/anna/.local/share/herald',
    version: '0.1.0',
  };
  backend.api.appStatus.mockResolvedValue({ ...base, ...status });
  const user = userEvent.setup();
  render(App, { api: backend.api });
  return { ...backend, user };
}

describe('App', () => {
  it('opens on Social settings and tells the backend once that it is ready', async () => {
    const { api, user } = setup();
    await screen.findByTestId('account-card');
    expect(screen.getByRole('heading', { level: 1, name: 'Social settings' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Social settings' })).toHaveAttribute('aria-current', 'page');
    await waitFor(() => expect(api.appReady).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(api.accountsCheck).toHaveBeenCalledTimes(1));

    await user.click(screen.getByTestId('nav-settings'));
    await user.click(screen.getByTestId('nav-social'));
    await screen.findByTestId('account-card');
    expect(api.appReady).toHaveBeenCalledTimes(1);
    expect(api.accountsCheck).toHaveBeenCalledTimes(1);
  });

  it('warns when the system keyring is unavailable and disables Connect', async () => {
    setup({ keyring: { available: false, detail: 'org.freedesktop.secrets was not provided by any .service files' } });
    const banner = await screen.findByTestId('keyring-banner');
    expect(banner).toHaveAttribute('role', 'alert');
    expect(banner).toHaveTextContent('Secret Service');
    expect(banner).toHaveTextContent('will not connect accounts');
    expect(banner).toHaveTextContent('org.freedesktop.secrets was not provided');
    expect(screen.getByTestId('connect-button')).toBeDisabled();
  });

  it('shows no keyring banner when the keyring works', async () => {
    setup();
    await screen.findByTestId('account-card');
    expect(screen.queryByTestId('keyring-banner')).toBeNull();
    expect(screen.queryByTestId('demo-banner')).toBeNull();
  });

  it('says so in demo mode', async () => {
    setup({ demo: true });
    expect(await screen.findByTestId('demo-banner')).toHaveTextContent(
      "Demo mode: connections go to Herald's built-in sandbox, not the real networks.",
    );
  });

  it('speaks the language saved in the backend', async () => {
    setup({ locale: 'it-IT' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Account social' })).toBeInTheDocument();
    expect(getLocale()).toBe('it');
  });

  it('navigates to Settings and moves focus to its title', async () => {
    const { user } = setup();
    await screen.findByTestId('account-card');
    await user.click(screen.getByTestId('nav-settings'));
    const title = screen.getByRole('heading', { level: 1, name: 'Settings' });
    expect(title).toHaveFocus();
    expect(screen.getByTestId('nav-settings')).toHaveAttribute('aria-current', 'page');
  });

  it('goes from a missing client ID straight to Settings', async () => {
    const { api, user } = setup();
    const { AppError } = await import('./ipc');
    api.accountsConnectBegin.mockRejectedValue(new AppError('credentials_missing', 'no client id'));
    await screen.findByTestId('account-card');
    await user.click(screen.getByTestId('connect-button'));
    await user.click(screen.getByTestId('network-facebook'));
    const alert = await within(screen.getByRole('dialog')).findByRole('alert');
    await user.click(within(alert).getByTestId('open-settings'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
  });

  it('makes the page inert only while a dialog is open', async () => {
    const { user } = setup();
    await screen.findByTestId('account-card');
    await user.click(screen.getByTestId('connect-button'));
    const dialog = screen.getByRole('dialog');
    expect(document.querySelector('header')?.closest('[inert]')).not.toBeNull();
    expect(dialog.closest('[inert]')).toBeNull();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.querySelector('[inert]')).toBeNull();
  });

  it('offers a retry when Herald cannot start', async () => {
    const backend = fakeApi();
    const { AppError } = await import('./ipc');
    backend.api.appStatus.mockRejectedValueOnce(new AppError('storage', 'database is locked'));
    const user = userEvent.setup();
    render(App, { api: backend.api });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Herald could not read or write its data');
    await waitFor(() => expect(backend.api.appReady).toHaveBeenCalledTimes(1));
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('empty-state')).toBeInTheDocument();
    expect(backend.api.appReady).toHaveBeenCalledTimes(1);
  });
});
