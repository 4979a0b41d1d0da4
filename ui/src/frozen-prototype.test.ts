// Tauri's `freezePrototype` (tauri.conf.json) runs Object.freeze(Object.prototype)
// before any page script. Code that assigns an inherited property such as
// `obj.toString = …` then throws in strict mode and the window stays blank.
// This test loads and drives the whole UI under the same freeze.

import { beforeAll, describe, expect, it } from 'vitest';

// Vitest runs each test file in its own isolated worker, so the freeze stays here.
beforeAll(() => {
  Object.freeze(Object.prototype);
});

describe('with Object.prototype frozen', () => {
  it('starts, lists accounts, opens the connect popup and Settings, exports and imports', async () => {
    const { fireEvent, render, screen, waitFor } = await import('@testing-library/svelte');
    const { default: userEvent } = await import('@testing-library/user-event');
    const { default: App } = await import('./App.svelte');
    const { account, fakeApi } = await import('./fixtures');

    const { api } = fakeApi({ accounts: [account({ status: 'needs_reconnect', lastError: 'expired' })] });
    const user = userEvent.setup();
    render(App, { api });

    expect(await screen.findByTestId('account-card')).toHaveTextContent('Bottega Rossi');
    await user.click(screen.getByTestId('card-menu'));
    await user.keyboard('{Escape}');
    await user.click(screen.getByTestId('connect-button'));
    await user.click(screen.getByTestId('network-google_business'));
    await user.click(await screen.findByTestId('cancel-connect'));
    await user.keyboard('{Escape}');
    await user.click(screen.getByTestId('nav-settings'));
    expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();

    await user.click(screen.getByTestId('export-button'));
    expect(await screen.findByText('/home/anna/Documents/herald-export.json')).toBeInTheDocument();
    api.dataImport.mockResolvedValue({ settings: 1, credentials: 2, accounts: 3, posts: 0, publishingPaused: false });
    // Not user.upload(): its fake FileList assigns `constructor`, which the freeze forbids.
    const input = screen.getByTestId('import-input');
    const file = new File(['{"format":"herald-export"}'], 'herald-export.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { configurable: true, value: [file] });
    await fireEvent.change(input);
    await waitFor(() => expect(api.dataImport).toHaveBeenCalledWith('{"format":"herald-export"}'));
    expect(await screen.findByText(/^Imported 3 accounts/)).toBeInTheDocument();
    expect(Object.isFrozen(Object.prototype)).toBe(true);
  });
});
