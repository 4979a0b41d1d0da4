import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appError, appStatus, deferred, fakeApi, networkInfos } from '../../fixtures';
import { getLocale, setLocale } from '../../i18n/index.svelte';
import type { AppStatus, ImportSummary } from '../../ipc';
import SettingsPage from './SettingsPage.svelte';

afterEach(() => setLocale('en'));

const status = (overrides: Partial<AppStatus> = {}): AppStatus => appStatus({ locale: null, ...overrides });

function setup(overrides: Partial<AppStatus> = {}) {
  const backend = fakeApi();
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

  it('shows the keyring state and the demo note', () => {
    setup({ demo: true, keyring: { available: false, detail: 'no D-Bus session' } });
    expect(screen.getByTestId('keyring-status')).toHaveTextContent('Unavailable');
    expect(screen.getByText(/no D-Bus session/)).toBeInTheDocument();
    expect(screen.getByTestId('demo-note')).toHaveTextContent('Demo mode is on');
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
      api.dataImport.mockResolvedValue({ settings: 1, credentials: 1, accounts: 3 });
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
        { settings: 0, credentials: 0, accounts: 1 },
        'Imported 1 account (it needs reconnecting).',
        'Importazione completata: 1 account (va ricollegato).',
      ],
      [
        { settings: 2, credentials: 2, accounts: 0 },
        'Imported 2 settings and 2 client IDs. Enter the client secrets again under Network apps.',
        'Importazione completata: 2 impostazioni e 2 client ID. Inserisci di nuovo i client secret in “App dei social network”.',
      ],
      [
        { settings: 1, credentials: 0, accounts: 2 },
        'Imported 2 accounts (they need reconnecting) and 1 setting.',
        'Importazione completata: 2 account (vanno ricollegati) e 1 impostazione.',
      ],
      [
        { settings: 0, credentials: 0, accounts: 0 },
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
      api.dataImport.mockResolvedValue({ settings: 1, credentials: 0, accounts: 0 });
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
      api.dataImport.mockResolvedValue({ settings: 0, credentials: 2, accounts: 0 });
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
      api.dataImport.mockResolvedValue({ settings: 0, credentials: 0, accounts: 0 });
      await user.upload(screen.getByTestId('import-input'), exportFile('{}'));
      await waitFor(() => expect(screen.getByTestId('import-result')).toHaveTextContent('Nothing new to import'));
      expect(within(screen.getByTestId('transfer-section')).queryByRole('alert')).toBeNull();
    });
  });
});
