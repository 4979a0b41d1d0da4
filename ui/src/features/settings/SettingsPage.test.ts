import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appError, appStatus, deferred, fakeApi, networkInfos } from '../../fixtures';
import { getLocale, setLocale } from '../../i18n/index.svelte';
import { en } from '../../i18n/en';
import { it as itDict } from '../../i18n/it';
import type { AppStatus, ImportSummary, ModeStatus } from '../../ipc';
import SettingsPage from './SettingsPage.svelte';

afterEach(() => setLocale('en'));

const status = (overrides: Partial<AppStatus> = {}): AppStatus => appStatus({ locale: null, ...overrides });

function setup(overrides: Partial<AppStatus> = {}, prepare?: (api: ReturnType<typeof fakeApi>['api']) => void) {
  const backend = fakeApi();
  prepare?.(backend.api);
  const onlocalechange = vi.fn();
  const onimported = vi.fn();
  const user = userEvent.setup();
  render(SettingsPage, {
    status: status(overrides),
    networks: networkInfos(),
    api: backend.api,
    onlocalechange,
    onimported,
  });
  return { ...backend, onlocalechange, onimported, user };
}

const exportFile = (contents = '{"format":"herald-export","version":1}') =>
  new File([contents], 'herald-export.json', { type: 'application/json' });

describe('SettingsPage', () => {
  it('switches to Italian at once and saves the choice', async () => {
    const { api, user, onlocalechange } = setup();
    const select = screen.getByTestId('language-select');
    expect(select).toHaveValue('system');
    await user.selectOptions(select, 'it');
    expect(getLocale()).toBe('it');
    expect(screen.getByRole('heading', { level: 1, name: 'Impostazioni' })).toBeInTheDocument();
    expect(api.settingsSetLocale).toHaveBeenCalledWith('it');
    await waitFor(() => expect(onlocalechange).toHaveBeenCalledWith('it'));
  });

  it('stores null for the system default', async () => {
    const { api, user } = setup({ locale: 'it' });
    expect(screen.getByTestId('language-select')).toHaveValue('it');
    await user.selectOptions(screen.getByTestId('language-select'), 'system');
    expect(api.settingsSetLocale).toHaveBeenCalledWith(null);
  });

  it('offers credentials only for available networks', () => {
    setup();
    expect(screen.getByTestId('credentials-facebook')).toBeInTheDocument();
    expect(screen.getByTestId('credentials-google_business')).toBeInTheDocument();
    expect(screen.queryByTestId('credentials-instagram')).toBeNull();
    expect(screen.queryByTestId('credentials-tiktok')).toBeNull();
  });

  it('says a stored secret is in the keyring and keeps it when left empty', async () => {
    const { api } = fakeApi();
    api.credentialsGet.mockImplementation(async (network) => ({ network, clientId: 'old-id', hasSecret: true }));
    api.credentialsSave.mockResolvedValue({ network: 'facebook', clientId: 'new-id', hasSecret: true });
    const user = userEvent.setup();
    render(SettingsPage, { status: status(), networks: networkInfos(), api });

    const secret = screen.getByTestId('client-secret-facebook');
    await waitFor(() => expect(secret).toHaveAttribute('placeholder', 'stored in the system keyring'));
    expect(secret).toHaveAttribute('type', 'password');
    const id = screen.getByTestId('client-id-facebook');
    expect(id).toHaveValue('old-id');
    await user.clear(id);
    await user.type(id, 'new-id');
    await user.click(screen.getByTestId('save-facebook'));
    expect(api.credentialsSave).toHaveBeenCalledWith('facebook', 'new-id', null);
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
  });

  it('sends a new secret when one is typed', async () => {
    const { api, user } = setup();
    await user.type(screen.getByTestId('client-id-google_business'), 'gid.apps.googleusercontent.com');
    await user.type(screen.getByTestId('client-secret-google_business'), 's3cret');
    await user.click(screen.getByTestId('save-google_business'));
    expect(api.credentialsSave).toHaveBeenCalledWith('google_business', 'gid.apps.googleusercontent.com', 's3cret');
    await waitFor(() => expect(screen.getByTestId('client-secret-google_business')).toHaveValue(''));
  });

  it('shows the keyring state', () => {
    setup({ demo: true, keyring: { available: false, detail: 'no D-Bus session' } });
    expect(screen.getByTestId('keyring-status')).toHaveTextContent('Unavailable');
    expect(screen.getByText(/no D-Bus session/)).toBeInTheDocument();
  });

  describe('Demo or real accounts', () => {
    const mode = (overrides: Partial<ModeStatus> = {}): ModeStatus => ({
      demo: true,
      forced: false,
      demoAvailable: true,
      liveConfigured: false,
      ...overrides,
    });

    function setupMode(demo: boolean, overrides: Partial<ModeStatus> = {}) {
      return setup({ demo }, (api) => api.modeStatus.mockResolvedValue(mode({ demo, ...overrides })));
    }

    it('in the demo, offers no credentials form that would save into the demo', async () => {
      const { api } = setupMode(true);
      expect(await screen.findByTestId('use-live')).toHaveTextContent('Use my real accounts');
      expect(screen.queryByTestId('credentials-google_business')).toBeNull();
      expect(screen.queryByTestId('credentials-facebook')).toBeNull();
      expect(screen.getByTestId('mode-section')).toHaveTextContent('Herald is running a demo with sample accounts');
      // The sandbox's set-up is shown read-only: no field, nothing saved.
      const demoSetup = await screen.findByTestId('demo-setup-facebook');
      expect(demoSetup.querySelector('input')).toBeNull();
      expect(api.credentialsSave).not.toHaveBeenCalled();
      expect(api.settingsConnectSetupSave).not.toHaveBeenCalled();
    });

    it('"Use my real accounts" explains, asks, saves for live use and restarts', async () => {
      const { api, user } = setupMode(true);
      await user.click(await screen.findByTestId('use-live'));
      const dialog = screen.getByRole('dialog', { name: 'Use my real accounts' });
      expect(dialog).toHaveTextContent('restart with your real accounts');
      expect(dialog).toHaveTextContent('sample accounts stay in the demo');
      const confirm = within(dialog).getByTestId('confirm-live');
      expect(confirm).toBeDisabled();

      await user.selectOptions(within(dialog).getByTestId('live-network'), 'google_business');
      await user.type(within(dialog).getByTestId('live-client-id'), '  gid.apps.googleusercontent.com ');
      await user.type(within(dialog).getByTestId('live-client-secret'), 's3cret');
      expect(within(dialog).getByTestId('live-client-secret')).toHaveAttribute('type', 'password');
      await user.click(confirm);

      expect(api.modeUseLive).toHaveBeenCalledWith({
        network: 'google_business',
        clientId: 'gid.apps.googleusercontent.com',
        clientSecret: 's3cret',
      });
      expect(api.credentialsSave).not.toHaveBeenCalled();
      expect(await screen.findByTestId('mode-restarting')).toHaveTextContent('Restarting Herald…');
      expect(within(dialog).getByTestId('confirm-live')).toBeDisabled();
    });

    it('with live credentials saved before, switches without typing them again', async () => {
      const { api, user } = setupMode(true, { liveConfigured: true });
      await user.click(await screen.findByTestId('use-live'));
      const dialog = screen.getByRole('dialog');
      expect(dialog).toHaveTextContent('Leave both fields empty to use the details you saved before.');
      await user.click(within(dialog).getByTestId('confirm-live'));
      expect(api.modeUseLive).toHaveBeenCalledWith(null);
    });

    it('shows why the switch was refused and does not restart', async () => {
      const { api, user } = setupMode(true);
      api.modeUseLive.mockRejectedValue(appError('invalid_input', 'the client ID must be 1 to 512 printable characters'));
      await user.click(await screen.findByTestId('use-live'));
      const dialog = screen.getByRole('dialog');
      await user.type(within(dialog).getByTestId('live-client-id'), 'x');
      await user.click(within(dialog).getByTestId('confirm-live'));
      expect(await within(dialog).findByTestId('error-alert')).toBeInTheDocument();
      expect(screen.queryByTestId('mode-restarting')).toBeNull();
      await user.click(within(dialog).getByTestId('live-cancel'));
      expect(screen.queryByRole('dialog')).toBeNull();
    });

    it('with the real accounts, "Back to demo" asks first and then restarts', async () => {
      const { api, user } = setupMode(false, { liveConfigured: true });
      expect(screen.getByTestId('credentials-google_business')).toBeInTheDocument();
      await user.click(await screen.findByTestId('use-demo'));
      const dialog = screen.getByRole('dialog', { name: 'Back to the demo?' });
      expect(dialog).toHaveTextContent('Your real accounts stay saved and connected');
      expect(api.modeUseDemo).not.toHaveBeenCalled();
      await user.click(within(dialog).getByTestId('confirm-cancel'));
      expect(api.modeUseDemo).not.toHaveBeenCalled();

      await user.click(screen.getByTestId('use-demo'));
      await user.click(screen.getByTestId('confirm-demo'));
      expect(api.modeUseDemo).toHaveBeenCalledTimes(1);
      expect(await screen.findByTestId('mode-restarting')).toBeInTheDocument();
    });

    it('says so when HERALD_DEMO fixed the mode, and offers no switch', async () => {
      setupMode(true, { forced: true });
      expect(await screen.findByTestId('mode-forced')).toHaveTextContent('HERALD_DEMO');
      expect(screen.queryByTestId('use-live')).toBeNull();
    });

    it('speaks Italian', async () => {
      setLocale('it');
      const { user } = setupMode(true);
      expect(await screen.findByTestId('use-live')).toHaveTextContent('Usa i miei account reali');
      await user.click(screen.getByTestId('use-live'));
      const dialog = screen.getByRole('dialog', { name: 'Usa i miei account reali' });
      expect(dialog).toHaveTextContent('si riavvierà con i tuoi account reali');
      expect(within(dialog).getByTestId('confirm-live')).toHaveTextContent('Salva e riavvia');
    });

    it('has every text of the switch in English and Italian', () => {
      const keys = Object.keys(en).filter((k) => k.startsWith('mode.') || k === 'banner.useLive');
      expect(keys.length).toBeGreaterThanOrEqual(15);
      for (const key of keys) {
        const italian = (itDict as Record<string, string>)[key];
        expect(italian, key).toBeTruthy();
        if (key !== 'mode.liveTitle') expect(italian, key).not.toBe((en as Record<string, string>)[key]);
      }
    });
  });

  describe('Move to another computer', () => {
    it('says what travels and what stays in the keyring', () => {
      setup();
      const section = screen.getByTestId('transfer-section');
      expect(within(section).getByRole('heading', { level: 2, name: 'Move to another computer' })).toBeInTheDocument();
      expect(section).toHaveTextContent('your settings, the client IDs of your network apps and the list of connected accounts');
      expect(section).toHaveTextContent('sign-ins or client secrets: they stay in the system keyring of this computer');
      expect(section).toHaveTextContent('accounts will ask to be reconnected and client secrets must be entered again');
    });

    it('exports and says where the file is', async () => {
      const { api, user } = setup();
      api.dataExport.mockResolvedValue({ path: '/home/anna/Documents/herald-export-2026-11-22.json' });
      const result = screen.getByTestId('export-result');
      expect(result).toHaveAttribute('role', 'status');
      expect(result).toHaveTextContent('');
      await user.click(screen.getByTestId('export-button'));
      expect(api.dataExport).toHaveBeenCalledTimes(1);
      await waitFor(() =>
        expect(result).toHaveTextContent('Saved to /home/anna/Documents/herald-export-2026-11-22.json'),
      );
      expect(result.querySelector('code')).toHaveTextContent('/home/anna/Documents/herald-export-2026-11-22.json');
    });

    it('shows an export failure by its code and does not export twice while busy', async () => {
      const { api, user } = setup();
      const pending = deferred<{ path: string }>();
      api.dataExport.mockReturnValue(pending.promise);
      const button = screen.getByTestId('export-button');
      await user.click(button);
      expect(button).toHaveTextContent('Exporting…');
      expect(button).toHaveAttribute('aria-disabled', 'true');
      await user.click(button);
      expect(api.dataExport).toHaveBeenCalledTimes(1);
      pending.reject(appError('storage', 'Permission denied (os error 13)'));
      const alert = await within(screen.getByTestId('transfer-section')).findByRole('alert');
      expect(alert).toHaveAttribute('data-code', 'storage');
      expect(alert).toHaveTextContent('Herald could not read or write its data on this computer.');
      expect(alert).toHaveTextContent('Permission denied (os error 13)');
      expect(screen.getByTestId('export-result')).toHaveTextContent('');
    });

    it('opens the file picker from the Import button', async () => {
      const { user } = setup();
      const input = screen.getByTestId('import-input') as HTMLInputElement;
      expect(input).toHaveAttribute('type', 'file');
      expect(input).toHaveAttribute('accept', 'application/json,.json');
      expect(input).not.toBeVisible();
      const clicked = vi.fn();
      input.addEventListener('click', clicked);
      screen.getByTestId('import-button').focus();
      await user.keyboard('{Enter}');
      expect(clicked).toHaveBeenCalledTimes(1);
    });

    it('imports the picked file and sums up what was added', async () => {
      const { api, user, onimported } = setup();
      api.dataImport.mockResolvedValue({ settings: 1, credentials: 1, accounts: 3, posts: 0, publishingPaused: false });
      const contents = '{"format":"herald-export","version":1,"accounts":[]}';
      await user.upload(screen.getByTestId('import-input'), exportFile(contents));
      await waitFor(() => expect(api.dataImport).toHaveBeenCalledWith(contents));
      const result = screen.getByTestId('import-result');
      await waitFor(() =>
        expect(result).toHaveTextContent(
          'Imported 3 accounts (they need reconnecting), 1 setting and 1 client ID. Enter the client secrets again under Network apps.',
        ),
      );
      expect(result).toHaveAttribute('role', 'status');
      await waitFor(() => expect(onimported).toHaveBeenCalledWith(expect.objectContaining({ version: '0.1.0' })));
      expect(api.appStatus).toHaveBeenCalled();
      expect(screen.getByTestId('import-input')).toHaveValue('');
    });

    const summaries: [ImportSummary, string, string][] = [
      [
        { settings: 0, credentials: 0, accounts: 1, posts: 2, publishingPaused: true },
        'Imported 1 account (it needs reconnecting) and 2 posts. Publishing is paused, so the old computer and this one never publish the same post: stop Herald on the old computer, then resume publishing on the Posts page.',
        'Importazione completata: 1 account (va ricollegato) e 2 post. La pubblicazione è in pausa, così il vecchio computer e questo non pubblicano mai lo stesso post: chiudi Herald sul vecchio computer, poi riprendi la pubblicazione nella pagina Post.',
      ],
      [
        { settings: 0, credentials: 0, accounts: 1, posts: 0, publishingPaused: false },
        'Imported 1 account (it needs reconnecting).',
        'Importazione completata: 1 account (va ricollegato).',
      ],
      [
        { settings: 2, credentials: 2, accounts: 0, posts: 0, publishingPaused: false },
        'Imported 2 settings and 2 client IDs. Enter the client secrets again under Network apps.',
        'Importazione completata: 2 impostazioni e 2 client ID. Inserisci di nuovo i client secret in “App dei social network”.',
      ],
      [
        { settings: 1, credentials: 0, accounts: 2, posts: 0, publishingPaused: false },
        'Imported 2 accounts (they need reconnecting) and 1 setting.',
        'Importazione completata: 2 account (vanno ricollegati) e 1 impostazione.',
      ],
      [
        { settings: 0, credentials: 0, accounts: 0, posts: 0, publishingPaused: false },
        'Nothing new to import: everything in this file is already here.',
        'Niente di nuovo da importare: tutto ciò che contiene questo file è già presente.',
      ],
    ];

    it.each(summaries)('sums up %o in both languages', async (summary, english, italian) => {
      const { api, user } = setup();
      api.dataImport.mockResolvedValue(summary);
      await user.upload(screen.getByTestId('import-input'), exportFile());
      const result = screen.getByTestId('import-result');
      await waitFor(() => expect(result).toHaveTextContent(english, { normalizeWhitespace: true }));
      if (summary.credentials === 0) expect(result).not.toHaveTextContent('client secrets');
      await user.selectOptions(screen.getByTestId('language-select'), 'it');
      expect(result).toHaveTextContent(italian);
    });

    it('applies the language the file brought', async () => {
      const { api, user, onimported } = setup();
      api.dataImport.mockResolvedValue({ settings: 1, credentials: 0, accounts: 0, posts: 0, publishingPaused: false });
      api.appStatus.mockResolvedValue(appStatus({ locale: 'it' }));
      await user.upload(screen.getByTestId('import-input'), exportFile());
      await waitFor(() => expect(getLocale()).toBe('it'));
      expect(screen.getByTestId('import-result')).toHaveTextContent('Importazione completata: 1 impostazione.');
      expect(onimported).toHaveBeenCalledWith(expect.objectContaining({ locale: 'it' }));
    });

    it('reads the client IDs again after an import', async () => {
      const { api, user } = setup();
      await waitFor(() => expect(api.credentialsGet).toHaveBeenCalledTimes(2));
      api.credentialsGet.mockImplementation(async (network) => ({ network, clientId: `${network}-imported`, hasSecret: false }));
      api.dataImport.mockResolvedValue({ settings: 0, credentials: 2, accounts: 0, posts: 0, publishingPaused: false });
      await user.upload(screen.getByTestId('import-input'), exportFile());
      await waitFor(() => expect(screen.getByTestId('client-id-facebook')).toHaveValue('facebook-imported'));
      expect(screen.getByTestId('client-id-google_business')).toHaveValue('google_business-imported');
    });

    it('refuses a file over 10 MiB without reading it', async () => {
      const { api, user, onimported } = setup();
      const big = exportFile();
      Object.defineProperty(big, 'size', { value: 10 * 1024 * 1024 + 1 });
      const read = vi.fn(async () => '');
      Object.defineProperty(big, 'text', { value: read });
      await user.upload(screen.getByTestId('import-input'), big);
      const alert = await within(screen.getByTestId('transfer-section')).findByRole('alert');
      expect(alert).toHaveTextContent('This file is too big to be a Herald export (the limit is 10 MB).');
      expect(read).not.toHaveBeenCalled();
      expect(api.dataImport).not.toHaveBeenCalled();
      expect(onimported).not.toHaveBeenCalled();
      expect(screen.getByTestId('import-result')).toHaveTextContent('');
    });

    it('accepts a file of exactly 10 MiB', async () => {
      const { api, user } = setup();
      const file = exportFile();
      Object.defineProperty(file, 'size', { value: 10 * 1024 * 1024 });
      await user.upload(screen.getByTestId('import-input'), file);
      await waitFor(() => expect(api.dataImport).toHaveBeenCalledTimes(1));
    });

    it("shows the backend's reason when the file is refused", async () => {
      const { api, user, onimported } = setup();
      api.dataImport.mockRejectedValue(
        appError(
          'invalid_input',
          'the file was exported by a newer version of Herald (file version 2; this version reads up to 1). Update Herald to import it.',
        ),
      );
      await user.upload(screen.getByTestId('import-input'), exportFile());
      const alert = await within(screen.getByTestId('transfer-section')).findByRole('alert');
      expect(alert).toHaveAttribute('data-code', 'invalid_input');
      expect(alert).toHaveTextContent(
        'This file cannot be imported: the file was exported by a newer version of Herald (file version 2; this version reads up to 1). Update Herald to import it.',
      );
      expect(alert).not.toHaveTextContent('Some of the information is not valid');
      expect(within(alert).queryByText('Technical details')).toBeNull();
      expect(onimported).not.toHaveBeenCalled();
      expect(screen.getByTestId('import-result')).toHaveTextContent('');
    });

    it('shows other import errors by their code', async () => {
      const { api, user } = setup();
      api.dataImport.mockRejectedValue(appError('storage', 'database is locked'));
      await user.upload(screen.getByTestId('import-input'), exportFile());
      const alert = await within(screen.getByTestId('transfer-section')).findByRole('alert');
      expect(alert).toHaveTextContent('Herald could not read or write its data on this computer.');
      expect(alert).toHaveTextContent('database is locked');

      // A second, successful attempt clears the error.
      api.dataImport.mockResolvedValue({ settings: 0, credentials: 0, accounts: 0, posts: 0, publishingPaused: false });
      await user.upload(screen.getByTestId('import-input'), exportFile('{}'));
      await waitFor(() => expect(screen.getByTestId('import-result')).toHaveTextContent('Nothing new to import'));
      expect(within(screen.getByTestId('transfer-section')).queryByRole('alert')).toBeNull();
    });
  });
});
