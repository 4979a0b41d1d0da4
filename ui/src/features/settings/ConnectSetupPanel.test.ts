import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appError, connectSetup, fakeApi, networkInfos } from '../../fixtures';
import { setLocale } from '../../i18n/index.svelte';
import ConnectSetupPanel from './ConnectSetupPanel.svelte';

const info = (id: 'linkedin' | 'x' | 'facebook' | 'google_business') => ({
  ...networkInfos().find((n) => n.id === id)!,
  availability: 'available' as const,
});

describe('ConnectSetupPanel', () => {
  it('offers LinkedIn the native PKCE flow or the relay, and saves the relay address', async () => {
    setLocale('en');
    const { api } = fakeApi();
    api.settingsConnectSetupGet.mockResolvedValue(
      connectSetup({ network: 'linkedin', mode: 'loopback', allowedModes: ['loopback', 'relay'] }),
    );
    const user = userEvent.setup();
    render(ConnectSetupPanel, { network: info('linkedin'), api });
    expect(await screen.findByText('My LinkedIn app has the native PKCE flow')).toBeInTheDocument();
    expect(screen.getByTestId('setup-register')).toHaveTextContent('Nothing to register');
    await user.click(screen.getByTestId('setup-mode-relay'));
    await user.type(screen.getByTestId('setup-relay-input'), 'https://relay.example.com/herald');
    await user.click(screen.getByTestId('setup-save'));
    expect(api.settingsConnectSetupSave).toHaveBeenCalledWith('linkedin', 'relay', null, 'https://relay.example.com/herald');
    expect(await screen.findByTestId('setup-redirect')).toHaveTextContent('https://relay.example.com/herald');
  });

  it('shows the exact X callback to register and reads the port', async () => {
    setLocale('en');
    const { api } = fakeApi();
    api.settingsConnectSetupGet.mockResolvedValue(
      connectSetup({
        network: 'x',
        mode: 'fixed_port',
        allowedModes: ['fixed_port'],
        port: 8080,
        redirectToRegister: 'http://127.0.0.1:8080/callback',
      }),
    );
    const user = userEvent.setup();
    render(ConnectSetupPanel, { network: info('x'), api });
    expect(await screen.findByTestId('setup-redirect')).toHaveTextContent('http://127.0.0.1:8080/callback');
    expect(screen.getByTestId('setup-hint')).toHaveTextContent('Native App');
    const port = screen.getByTestId('setup-port-input');
    await user.clear(port);
    await user.type(port, '8765');
    await user.click(screen.getByTestId('setup-save'));
    expect(api.settingsConnectSetupSave).toHaveBeenCalledWith('x', 'fixed_port', 8765, null);
  });

  it('Check says what the network refused, in Italian too', async () => {
    setLocale('it');
    const { api } = fakeApi();
    api.settingsConnectCheck.mockResolvedValueOnce({
      network: 'facebook',
      ok: false,
      problem: 'client_id_rejected',
      status: 400,
      detail: null,
    });
    const user = userEvent.setup();
    render(ConnectSetupPanel, { network: info('facebook'), api });
    await user.click(await screen.findByTestId('setup-check'));
    const result = await screen.findByTestId('setup-check-result');
    expect(result).toHaveAttribute('data-ok', 'false');
    expect(result).toHaveTextContent('Facebook non riconosce questo client ID');
    setLocale('en');
  });

  it('Check reports an error that stops it (no relay address) with the Settings wording', async () => {
    setLocale('en');
    const { api } = fakeApi();
    api.settingsConnectCheck.mockRejectedValueOnce(appError('relay_missing'));
    const user = userEvent.setup();
    render(ConnectSetupPanel, { network: info('facebook'), api });
    await user.click(await screen.findByTestId('setup-check'));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('relay page'));
  });

  it('in the demo shows the sandbox values without any field', async () => {
    setLocale('en');
    const { api } = fakeApi();
    api.credentialsGet.mockResolvedValue({ network: 'x', clientId: 'sandbox-x-client', hasSecret: false });
    api.settingsConnectSetupGet.mockResolvedValue(
      connectSetup({ network: 'x', mode: 'fixed_port', allowedModes: ['fixed_port'], port: 8080, redirectToRegister: 'http://127.0.0.1:8080/callback' }),
    );
    const { container } = render(ConnectSetupPanel, { network: info('x'), api, demo: true });
    expect(await screen.findByTestId('setup-client-id')).toHaveTextContent('sandbox-x-client');
    expect(screen.getByTestId('setup-port')).toHaveTextContent('8080');
    expect(container.querySelector('input')).toBeNull();
    expect(screen.getByTestId('setup-check')).toBeEnabled();
  });
});
