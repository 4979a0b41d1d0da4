import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { account, archiveEntry, fakeApi } from '../../fixtures';
import ArchivePage from './ArchivePage.svelte';

describe('ArchivePage', () => {
  it("shows each post's first photo as a thumbnail", async () => {
    const backend = fakeApi({ accounts: [account()] });
    const photo = 'c'.repeat(64);
    backend.api.postsArchive.mockResolvedValue({ entries: [archiveEntry({}, { firstImage: photo })], next: null });
    render(ArchivePage, { api: backend.api });
    const thumb = await screen.findByTestId('archive-thumb');
    expect(thumb).toHaveAttribute('src', `data:image/jpeg;base64,${photo.slice(0, 8)}`);
    expect(thumb).toHaveAttribute('alt', 'Photo focaccia.jpg');
    expect(backend.api.mediaThumbnail).toHaveBeenCalledWith(photo);
  });

  it('filters by state and account', async () => {
    const backend = fakeApi({ accounts: [account()] });
    const user = userEvent.setup();
    backend.api.postsArchive.mockResolvedValue({ entries: [archiveEntry()], next: null });
    render(ArchivePage, { api: backend.api });
    expect(await screen.findByTestId('permalink')).toHaveAttribute('href', 'https://business.google.com/posts/1');
    await user.click(screen.getByTestId('permalink'));
    // The core opens it in the system browser, by the attempt (never an address from the page).
    await waitFor(() => expect(backend.api.postsOpenPermalink).toHaveBeenCalledWith('att-1'));
    await user.selectOptions(screen.getByTestId('filter-state'), 'failed');
    await waitFor(() =>
      expect(backend.api.postsArchive).toHaveBeenLastCalledWith(expect.objectContaining({ state: 'failed', accountId: null })),
    );
    await user.selectOptions(screen.getByTestId('filter-account'), 'acc-1');
    await waitFor(() =>
      expect(backend.api.postsArchive).toHaveBeenLastCalledWith(expect.objectContaining({ state: 'failed', accountId: 'acc-1' })),
    );
  });

  it('asks before retrying an unconfirmed post, and retries a failed one at once', async () => {
    const backend = fakeApi({ accounts: [account()] });
    const user = userEvent.setup();
    backend.api.postsArchive.mockResolvedValue({
      entries: [archiveEntry({ state: 'unconfirmed', permalink: null, reason: 'timed_out' })],
      next: null,
    });
    render(ArchivePage, { api: backend.api });
    expect(await screen.findByTestId('archive-reason')).toHaveTextContent('may have published');
    await user.click(screen.getByTestId('retry'));
    expect(screen.getByTestId('confirm-dialog')).toHaveTextContent(
      'Herald is not sure this was published. Check the network first. Publish again?',
    );
    expect(backend.api.postsRetry).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('confirm-retry'));
    await waitFor(() => expect(backend.api.postsRetry).toHaveBeenCalledWith('att-1', true));

    backend.api.postsArchive.mockResolvedValue({
      entries: [archiveEntry({ id: 'att-2', state: 'failed', permalink: null, reason: 'content_rejected' })],
      next: null,
    });
    backend.emitPostsChanged();
    await waitFor(() => expect(screen.getByTestId('archive-item')).toHaveAttribute('data-state', 'failed'));
    await user.click(screen.getByTestId('retry'));
    await waitFor(() => expect(backend.api.postsRetry).toHaveBeenCalledWith('att-2', false));
  });

  it('shows a decided attempt without Retry, and a waiting one with its next try', async () => {
    const backend = fakeApi({ accounts: [account()] });
    backend.api.postsArchive.mockResolvedValue({
      entries: [
        archiveEntry({ state: 'failed', permalink: null, reason: 'content_rejected', resolution: 'kept_as_draft' }),
        archiveEntry(
          { id: 'att-3', state: 'scheduled', permalink: null, reason: 'quota_wait', retryAt: '2025-03-18T09:00:00Z' },
          { accountName: null },
        ),
      ],
      next: null,
    });
    render(ArchivePage, { api: backend.api });
    const items = await screen.findAllByTestId('archive-item');
    expect(items[0]).toHaveTextContent('Kept as draft');
    expect(screen.queryByTestId('retry')).toBeNull();
    expect(items[1]).toHaveTextContent('used up its Google Business Profile publishing quota');
    expect(items[1]).toHaveTextContent('an account no longer connected');
    expect(screen.getByTestId('archive-retry-at')).toHaveTextContent('Next try: ');
  });

  it('pages with the cursor', async () => {
    const backend = fakeApi();
    const user = userEvent.setup();
    backend.api.postsArchive
      .mockResolvedValueOnce({ entries: [archiveEntry()], next: 'c1' })
      .mockResolvedValueOnce({ entries: [archiveEntry({ id: 'att-9' })], next: null });
    render(ArchivePage, { api: backend.api, pageSize: 1 });
    await user.click(await screen.findByTestId('archive-more'));
    await waitFor(() => expect(screen.getAllByTestId('archive-item')).toHaveLength(2));
    expect(backend.api.postsArchive).toHaveBeenLastCalledWith(expect.objectContaining({ before: 'c1', limit: 1 }));
  });
});
