import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { appError, calendarEntry, fakeApi, publishingStatus } from '../../fixtures';
import { reschedule } from './calendar';
import PostsPage from './PostsPage.svelte';
import { toCalendarDate } from './zone';

describe('calendar drop', () => {
  it('a drop reschedules to the dropped wall-clock time in the business zone', async () => {
    const { api } = fakeApi();
    const revert = vi.fn();
    // Dropped on 20 March, 10:00 as the calendar shows it (Rome wall clock) = 09:00 UTC.
    const problem = await reschedule(api, calendarEntry(), new Date(2025, 2, 20, 10, 0), 'Europe/Rome', revert);
    expect(problem).toBeNull();
    expect(api.postsReschedule).toHaveBeenCalledWith('post-1', '2025-03-20T09:00:00.000Z', 'Europe/Rome');
    expect(revert).not.toHaveBeenCalled();
  });

  it('a refused drop snaps back and says why', async () => {
    const { api } = fakeApi();
    api.postsReschedule.mockRejectedValue(appError('invalid_input'));
    const revert = vi.fn();
    const problem = await reschedule(api, calendarEntry(), new Date(2020, 0, 1, 9, 0), 'Europe/Rome', revert);
    expect(revert).toHaveBeenCalledTimes(1);
    expect(problem?.code).toBe('invalid_input');
  });
});

describe('PostsPage', () => {
  it('shows the entries of the visible range, coloured by state, flagged ones marked', async () => {
    const backend = fakeApi();
    const now = new Date();
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 15, 8, 0)).toISOString();
    backend.api.postsCalendar.mockResolvedValue([
      calendarEntry({ at, state: 'scheduled' }),
      calendarEntry({ postId: 'post-2', attemptId: 'att-2', at, state: 'failed', excerpt: 'Closed Monday', needsReconnect: true }),
    ]);
    render(PostsPage, { api: backend.api });
    await waitFor(() => expect(backend.api.postsCalendar).toHaveBeenCalled());
    const entries = await screen.findAllByTestId('calendar-entry');
    expect(entries.map((e) => e.dataset.state).sort()).toEqual(['failed', 'scheduled']);
    const failed = entries.find((e) => e.dataset.state === 'failed');
    expect(failed).toHaveAttribute('tabindex', '0');
    expect(failed?.getAttribute('aria-label')).toContain('Reconnect the account first');
    expect(failed?.className).toContain('flagged');
  });

  it('Alt+ArrowRight on a focused entry moves it a day later; Enter opens the composer', async () => {
    const backend = fakeApi();
    const now = new Date();
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 10, 8, 0)).toISOString();
    backend.api.postsCalendar.mockResolvedValue([calendarEntry({ at })]);
    render(PostsPage, { api: backend.api });
    const [entry] = await screen.findAllByTestId('calendar-entry');
    entry.focus();
    await fireEvent.keyDown(entry, { key: 'ArrowRight', altKey: true });
    await waitFor(() => expect(backend.api.postsReschedule).toHaveBeenCalledTimes(1));
    const [id, movedTo, zone] = backend.api.postsReschedule.mock.calls[0];
    expect(id).toBe('post-1');
    expect(zone).toBe('Europe/Rome');
    expect(toCalendarDate(movedTo, 'Europe/Rome').getDate()).toBe(toCalendarDate(at, 'Europe/Rome').getDate() + 1);
    await fireEvent.keyDown(entry, { key: 'Enter' });
    expect(await screen.findByTestId('composer')).toBeInTheDocument();
  });

  it('has no all-day row in the week view (posts are instants; its label is the library\'s English)', async () => {
    const backend = fakeApi();
    render(PostsPage, { api: backend.api });
    await waitFor(() => expect(backend.api.postsCalendar).toHaveBeenCalledTimes(1));
    await fireEvent.click(screen.getByTestId('view-week'));
    await waitFor(() => expect(backend.api.postsCalendar).toHaveBeenCalledTimes(2));
    expect(screen.queryByText('all-day')).toBeNull();
  });

  it('reloads on PostsChanged and shows the pause switch with quotas', async () => {
    const backend = fakeApi();
    backend.api.publishingStatus.mockResolvedValue(
      publishingStatus({
        quotas: [
          { accountId: 'acc-1', network: 'instagram', used: 3, limit: 100, windowSecs: 86400, freesAt: null },
          { accountId: 'acc-2', network: 'google_business', used: 1, limit: 10, windowSecs: 60, freesAt: null },
        ],
      }),
    );
    render(PostsPage, { api: backend.api });
    await waitFor(() => expect(backend.api.postsCalendar).toHaveBeenCalledTimes(1));
    const quotas = await screen.findAllByTestId('quota');
    expect(quotas[0]).toHaveTextContent('3/100 in 24 h');
    // Google's window is one minute, not "0 h".
    expect(quotas[1]).toHaveTextContent('1/10 in 1 min');
    backend.emitPostsChanged();
    await waitFor(() => expect(backend.api.postsCalendar).toHaveBeenCalledTimes(2));
    await fireEvent.click(screen.getByTestId('pause-switch'));
    expect(backend.api.publishingPause).toHaveBeenCalledWith(true);
  });
});
