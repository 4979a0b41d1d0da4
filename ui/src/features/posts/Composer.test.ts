import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { account, fakeApi, post, postsSettings } from '../../fixtures';
import Composer from './Composer.svelte';

const accounts = () => [
  account({ id: 'acc-x', network: 'x', kind: 'profile', displayName: 'Bottega on X' }),
  account({ id: 'acc-g', network: 'google_business', displayName: 'Bottega Rossi' }),
  account({ id: 'acc-w', network: 'wechat', kind: 'profile', displayName: 'Bottega WeChat' }),
  account({ id: 'acc-f', network: 'facebook', kind: 'page', displayName: 'Old page', status: 'needs_reconnect' }),
];

function setup() {
  const backend = fakeApi({ accounts: accounts() });
  const onclose = vi.fn();
  const user = userEvent.setup();
  render(Composer, { api: backend.api, accounts: accounts(), settings: postsSettings(), onclose });
  return { ...backend, onclose, user };
}

describe('Composer', () => {
  it('autosaves once after typing stops and says Saved', async () => {
    const { api, user } = setup();
    await user.type(screen.getByTestId('composer-text'), 'Focaccia');
    await waitFor(() => expect(screen.getByTestId('save-state')).toHaveTextContent('Saved'));
    // Debounced: one save for the whole word, not one per key.
    expect(api.postsSaveDraft).toHaveBeenCalledTimes(1);
    expect(api.postsSaveDraft.mock.calls[0][0]).toMatchObject({ id: null, text: 'Focaccia' });
    // The next change updates the same post.
    await user.click(screen.getByTestId('target-acc-g'));
    await waitFor(() => expect(api.postsSaveDraft).toHaveBeenCalledTimes(2));
    expect(api.postsSaveDraft.mock.calls[1][0]).toMatchObject({ id: 'post-1', targets: [{ accountId: 'acc-g', variant: null }] });
  });

  it('shows the zone, and accounts that cannot take a post with why', async () => {
    setup();
    expect(screen.getByTestId('composer-zone')).toHaveTextContent('Europe/Rome');
    expect(screen.getByTestId('target-acc-w')).toBeDisabled();
    expect(screen.getByText('WeChat cannot take posts from Herald.')).toBeInTheDocument();
    expect(screen.getByTestId('target-acc-f')).toBeDisabled();
    expect(screen.getByText('Needs reconnecting first.')).toBeInTheDocument();
  });

  it('shows live counters and problems per target from the core', async () => {
    const { api, user } = setup();
    api.postsCheck.mockResolvedValue([
      {
        accountId: 'acc-x',
        network: 'x',
        length: 291,
        limit: 280,
        problems: [{ code: 'text_too_long', limit: 280, count: 291 }],
      },
    ]);
    await user.click(screen.getByTestId('target-acc-x'));
    expect(await screen.findByTestId('counter-acc-x')).toHaveTextContent('X 291/280');
    expect(screen.getByTestId('problem-acc-x')).toHaveTextContent('X 291/280 — too long by 11.');
  });

  it('a refused schedule keeps the draft and lists each problem by target', async () => {
    const { api, user, onclose } = setup();
    api.postsSchedule.mockImplementation(async (id) =>
      post({
        id,
        state: 'draft',
        targets: [
          { accountId: 'acc-x', variant: null, problems: [{ code: 'text_too_long', limit: 280, count: 291 }] },
          { accountId: 'acc-g', variant: null, problems: [{ code: 'schedule_missing', limit: null, count: null }] },
        ],
      }),
    );
    await user.type(screen.getByTestId('composer-text'), 'Hi');
    await user.click(screen.getByTestId('target-acc-x'));
    await user.click(screen.getByTestId('composer-schedule'));
    const refused = await screen.findByTestId('schedule-refused');
    expect(within(refused).getByText(/too long by 11/)).toBeInTheDocument();
    expect(refused.querySelector('[data-account-id="acc-x"]')).toHaveTextContent('Bottega on X');
    expect(refused.querySelector('[data-account-id="acc-g"]')).toHaveTextContent('Choose a date and time.');
    expect(screen.getByTestId('composer-state')).toHaveTextContent('Draft');
    expect(onclose).not.toHaveBeenCalled();
  });
});

describe('Composer photos', () => {
  it('says plainly which targets need a media host and links to its settings', async () => {
    const backend = fakeApi({ accounts: accounts() });
    const onopenSettings = vi.fn();
    const user = userEvent.setup();
    render(Composer, { api: backend.api, accounts: accounts(), settings: postsSettings(), onclose: vi.fn(), onopenSettings });
    backend.api.postsCheck.mockResolvedValue([
      { accountId: 'acc-g', network: 'google_business', length: 4, limit: 1500, problems: [{ code: 'media_host_required', limit: null, count: null, image: null, fixable: false }] },
    ]);
    await user.click(screen.getByTestId('target-acc-g'));
    expect(await screen.findByTestId('media-host-needed')).toHaveTextContent('Google Business Profile take photos only from a web address');
    await user.click(screen.getByTestId('media-host-link'));
    expect(onopenSettings).toHaveBeenCalledWith('media-host');
  });
});
