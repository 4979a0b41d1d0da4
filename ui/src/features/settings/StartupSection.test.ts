import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { appError, fakeApi } from '../../fixtures';
import { setLocale } from '../../i18n/index.svelte';
import StartupSection from './StartupSection.svelte';

afterEach(() => setLocale('en'));

describe('StartupSection', () => {
  it('shows the state the system reports and turns start at login on', async () => {
    const { api } = fakeApi();
    const user = userEvent.setup();
    render(StartupSection, { api });
    const toggle = screen.getByRole('checkbox', { name: 'Start Herald in the tray when I log in' });
    await waitFor(() => expect(toggle).toBeEnabled());
    expect(toggle).not.toBeChecked();
    await user.click(toggle);
    expect(api.settingsAutostartSet).toHaveBeenCalledWith(true);
    await waitFor(() => expect(toggle).toBeChecked());
  });

  it('shows a checked box when already on, and turns it off', async () => {
    const { api } = fakeApi();
    api.settingsAutostartGet.mockResolvedValueOnce(true);
    const user = userEvent.setup();
    render(StartupSection, { api });
    const toggle = screen.getByTestId('autostart-toggle');
    await waitFor(() => expect(toggle).toBeChecked());
    await user.click(toggle);
    expect(api.settingsAutostartSet).toHaveBeenCalledWith(false);
    await waitFor(() => expect(toggle).not.toBeChecked());
  });

  it('keeps the previous state and explains when the system refuses', async () => {
    const { api } = fakeApi();
    api.settingsAutostartSet.mockRejectedValueOnce(appError('internal', 'the start-at-login setting could not be changed'));
    const user = userEvent.setup();
    render(StartupSection, { api });
    const toggle = screen.getByTestId('autostart-toggle');
    await waitFor(() => expect(toggle).toBeEnabled());
    await user.click(toggle);
    await waitFor(() => expect(screen.getByRole('alert')).toBeInTheDocument());
    expect(toggle).not.toBeChecked();
  });

  it('speaks Italian', async () => {
    setLocale('it');
    const { api } = fakeApi();
    render(StartupSection, { api });
    expect(await screen.findByRole('checkbox', { name: "Avvia Herald nell'area di notifica quando accedo" })).toBeInTheDocument();
  });
});
