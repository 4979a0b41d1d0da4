import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { account, appStatus, fakeApi } from './fixtures';
import { getLocale, setLocale } from './i18n/index.svelte';
import type { AppStatus } from './ipc';

afterEach(() => setLocale('en'));

function setup(status: Partial<AppStatus> = {}) {
  const backend = fakeApi({ accounts: [account()] });
  backend.api.appStatus.mockResolvedValue(appStatus(status));
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

  it('opens the reconnect the tray asked for when the window starts', async () => {
    const backend = fakeApi({ accounts: [account({ status: 'needs_reconnect' })] });
    backend.api.shellTakeReconnect.mockResolvedValueOnce('acc-1');
    render(App, { api: backend.api });
    expect(await screen.findByRole('dialog', { name: 'Reconnect Bottega Rossi' })).toBeInTheDocument();
    await waitFor(() => expect(backend.api.accountsConnectBegin).toHaveBeenCalledWith('google_business', 'acc-1'));
  });

  it('goes from Settings to the reconnect a notification asked for, once', async () => {
    const backend = fakeApi({ accounts: [account({ status: 'needs_reconnect' })] });
    const user = userEvent.setup();
    render(App, { api: backend.api });
    await screen.findByTestId('account-card');
    await user.click(screen.getByTestId('nav-settings'));
    await waitFor(() => expect(backend.api.onOpenReconnect).toHaveBeenCalled());
    backend.requestReconnect('acc-1');
    expect(await screen.findByRole('dialog', { name: 'Reconnect Bottega Rossi' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Social settings' })).toHaveAttribute('aria-current', 'page');
    await waitFor(() => expect(backend.api.accountsConnectBegin).toHaveBeenCalledTimes(1));
  });

  it('asks for the accounts together with the status, not after it', async () => {
    const backend = fakeApi({ accounts: [account()] });
    let releaseStatus: (s: AppStatus) => void = () => {};
    backend.api.appStatus.mockReturnValue(new Promise<AppStatus>((resolve) => (releaseStatus = resolve)));
    render(App, { api: backend.api });
    await waitFor(() => expect(backend.api.accountsList).toHaveBeenCalledTimes(1));
    releaseStatus(appStatus());
    await screen.findByTestId('account-card');
    expect(backend.api.accountsList).toHaveBeenCalledTimes(1);
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

  it('the demo banner leads to "Use my real accounts" in Settings', async () => {
    const { api, user } = setup({ demo: true });
    // Read when Settings opens, after this.
    api.modeStatus.mockResolvedValue({ demo: true, forced: false, demoAvailable: true, liveConfigured: false });
    await user.click(await screen.findByTestId('banner-use-live'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
    expect(await screen.findByRole('dialog', { name: 'Use my real accounts' })).toBeInTheDocument();
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

  describe('after the database was set aside', () => {
    const backupPath = '/home/anna/.local/share/herald/herald.db.corrupt-20261122-100000';

    it('says a damaged database was kept aside, where, and that sign-ins are safe', async () => {
      setup({ recovery: { reason: 'corrupt', backupPath, detail: 'database disk image is malformed' } });
      const banner = await screen.findByTestId('recovery-banner');
      expect(banner).toHaveAttribute('role', 'alert');
      expect(banner).toHaveTextContent(
        `Herald found its database damaged and set it aside so nothing is lost. A fresh one was started. The old file is kept at: ${backupPath}`,
      );
      expect(banner).toHaveTextContent('Your sign-ins are in the system keyring; reconnect accounts if needed.');
      expect(within(banner).getByTestId('recovery-path')).toHaveTextContent(backupPath);
      const details = within(banner).getByText('Technical details').closest('details')!;
      expect(details).not.toHaveAttribute('open');
      expect(details).toHaveTextContent('database disk image is malformed');
      // The banner sits above the page.
      const title = screen.getByRole('heading', { level: 1 });
      expect(banner.compareDocumentPosition(title) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    });

    it('tells to update Herald when the database is from a newer version', async () => {
      setup({ recovery: { reason: 'newer_schema', backupPath, detail: 'migration 7 is unknown' } });
      const banner = await screen.findByTestId('recovery-banner');
      expect(banner).toHaveTextContent(
        `This database was written by a newer version of Herald. It was set aside, untouched, at ${backupPath}, and a fresh one was started. Update Herald to get your data back.`,
      );
      expect(banner).not.toHaveTextContent('damaged');
      expect(banner).not.toHaveTextContent('reconnect accounts');
      expect(banner).toHaveTextContent('migration 7 is unknown');
    });

    it('speaks Italian too', async () => {
      setup({ locale: 'it', recovery: { reason: 'newer_schema', backupPath, detail: '' } });
      const banner = await screen.findByTestId('recovery-banner');
      expect(banner).toHaveTextContent(`intatto, in ${backupPath} ed è stato creato un database nuovo`);
      expect(within(banner).queryByText('Dettagli tecnici')).toBeNull();
    });

    it('can be dismissed for the session, leaving focus on the page title', async () => {
      const { user } = setup({ recovery: { reason: 'corrupt', backupPath, detail: 'file is not a database' } });
      const banner = await screen.findByTestId('recovery-banner');
      await user.click(within(banner).getByRole('button', { name: 'Dismiss' }));
      expect(screen.queryByTestId('recovery-banner')).toBeNull();
      expect(screen.getByRole('heading', { level: 1, name: 'Social settings' })).toHaveFocus();
      await user.click(screen.getByTestId('nav-settings'));
      await user.click(screen.getByTestId('nav-social'));
      expect(screen.queryByTestId('recovery-banner')).toBeNull();
    });

    it('shows nothing when the database opened normally', async () => {
      setup({ recovery: null });
      await screen.findByTestId('account-card');
      expect(screen.queryByTestId('recovery-banner')).toBeNull();
    });
  });

  it('after an import, applies the language it brought and shows the imported accounts', async () => {
    const { api, user, setAccounts } = setup({ locale: null });
    await screen.findByTestId('account-card');
    await user.click(screen.getByTestId('nav-settings'));
    expect(screen.getByTestId('language-select')).toHaveValue('system');

    api.dataImport.mockImplementation(async () => {
      setAccounts([account(), account({ id: 'acc-2', displayName: 'Caffè Roma', status: 'needs_reconnect' })]);
      return { settings: 1, credentials: 0, accounts: 1, posts: 0, publishingPaused: false };
    });
    api.appStatus.mockResolvedValue(appStatus({ locale: 'it' }));
    const networksBefore = api.networksList.mock.calls.length;
    await user.upload(
      screen.getByTestId('import-input'),
      new File(['{"format":"herald-export"}'], 'herald-export.json', { type: 'application/json' }),
    );

    await waitFor(() =>
      expect(screen.getByTestId('import-result')).toHaveTextContent(
        'Importazione completata: 1 account (va ricollegato) e 1 impostazione.',
      ),
    );
    expect(getLocale()).toBe('it');
    expect(screen.getByTestId('language-select')).toHaveValue('it');
    await waitFor(() => expect(api.networksList.mock.calls.length).toBeGreaterThan(networksBefore));

    await user.click(screen.getByTestId('nav-social'));
    expect(await screen.findByText('Caffè Roma')).toBeInTheDocument();
  });
});
