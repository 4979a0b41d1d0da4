import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, networkInfos } from '../../fixtures';
import { getLocale, setLocale } from '../../i18n/index.svelte';
import type { AppStatus } from '../../ipc';
import SettingsPage from './SettingsPage.svelte';

afterEach(() => setLocale('en'));

const status = (overrides: Partial<AppStatus> = {}): AppStatus => ({
  demo: false,
  keyring: { available: true, detail: null },
  locale: null,
  dataDir: '/home/anna/.local/share/herald',
  version: '0.1.0',
  ...overrides,
});

function setup(overrides: Partial<AppStatus> = {}) {
  const backend = fakeApi();
  const onlocalechange = vi.fn();
  const user = userEvent.setup();
  render(SettingsPage, { status: status(overrides), networks: networkInfos(), api: backend.api, onlocalechange });
  return { ...backend, onlocalechange, user };
}

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
});
