import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, mediaHost } from '../../fixtures';
import MediaHostSection from './MediaHostSection.svelte';

describe('MediaHostSection', () => {
  it('saves the bucket with its secret once, then keeps the stored secret', async () => {
    const { api } = fakeApi();
    const user = userEvent.setup();
    render(MediaHostSection, { api });
    expect(await screen.findByTestId('media-host-missing')).toBeInTheDocument();
    await user.type(screen.getByTestId('media-host-endpoint'), 'https://s3.eu-south-1.amazonaws.com');
    await user.type(screen.getByTestId('media-host-region'), 'eu-south-1');
    await user.type(screen.getByTestId('media-host-bucket'), 'forno-rossi-foto');
    await user.type(screen.getByTestId('media-host-key'), 'AKIAEXAMPLE');
    await user.type(screen.getByTestId('media-host-secret'), 'wJalrXUtnFEMI');
    await user.click(screen.getByTestId('media-host-save'));
    await waitFor(() => expect(api.mediaHostSave).toHaveBeenCalledTimes(1));
    expect(api.mediaHostSave.mock.calls[0][0]).toMatchObject({
      endpoint: 'https://s3.eu-south-1.amazonaws.com',
      bucket: 'forno-rossi-foto',
      secretAccessKey: 'wJalrXUtnFEMI',
      deleteAfterPublish: true,
    });
    // The secret is not shown back; saving again keeps the stored one.
    expect(screen.getByTestId('media-host-secret')).toHaveValue('');
    expect(screen.getByText(/A secret is stored in the system keyring/)).toBeInTheDocument();
    await user.click(screen.getByTestId('media-host-save'));
    await waitFor(() => expect(api.mediaHostSave).toHaveBeenCalledTimes(2));
    expect(api.mediaHostSave.mock.calls[1][0].secretAccessKey).toBeNull();
  });

  it('words each test outcome', async () => {
    const { api } = fakeApi();
    api.mediaHostGet.mockResolvedValue(mediaHost({ configured: true, hasSecret: true, endpoint: 'https://s3.example.com', bucket: 'b', region: 'r', accessKeyId: 'k' }));
    api.mediaHostTest.mockResolvedValue({ ok: false, problem: 'refused', detail: 'AccessDenied (HTTP 403)' });
    const user = userEvent.setup();
    render(MediaHostSection, { api });
    await user.click(await screen.findByTestId('media-host-test'));
    expect(await screen.findByTestId('media-host-check')).toHaveTextContent('refused the keys');
    expect(screen.getByTestId('media-host-check')).toHaveTextContent('AccessDenied (HTTP 403)');
  });

  it('shows the demo host read-only', async () => {
    const { api } = fakeApi();
    api.mediaHostGet.mockResolvedValue(mediaHost({ configured: true, demo: true, endpoint: 'http://127.0.0.1:40123/', bucket: 'herald-demo' }));
    render(MediaHostSection, { api });
    expect(await screen.findByTestId('media-host-demo')).toBeInTheDocument();
    expect(screen.queryByTestId('media-host-save')).not.toBeInTheDocument();
    expect(screen.getByText('herald-demo')).toBeInTheDocument();
  });
});
