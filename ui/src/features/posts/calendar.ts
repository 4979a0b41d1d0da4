// The editorial calendar's logic, apart from the calendar library: entries become the library's
// events in the business zone, and a drop becomes a `posts_reschedule` (or snaps back, with why).

import { toAppError, type AppError, type CalendarEntry, type PostsApi } from '../../ipc';
import { fromCalendarDate, toCalendarDate } from './zone';

/** An event as @event-calendar/core takes it (only what Herald uses). */
export type CalendarEvent = {
  id: string;
  start: Date;
  end: Date;
  title: string;
  editable: boolean;
  classNames: string[];
  extendedProps: { entry: CalendarEntry };
};

/** Only posts not yet under way can move. */
export function movable(entry: CalendarEntry): boolean {
  return entry.state === 'draft' || entry.state === 'scheduled';
}

export function eventId(entry: CalendarEntry): string {
  return `${entry.postId}|${entry.accountId}`;
}

/**
 * A post is an instant; the calendar draws it as a 30-minute block, cut at midnight so a post
 * late in the evening stays in its own day (the month view would otherwise stretch it over two).
 */
export function blockEnd(start: Date): Date {
  const midnight = new Date(start);
  midnight.setHours(24, 0, 0, 0);
  return new Date(Math.min(start.getTime() + 30 * 60000, midnight.getTime()));
}

export function toEvents(entries: CalendarEntry[], zone: string): CalendarEvent[] {
  return entries.map((entry) => {
    const start = toCalendarDate(entry.at, zone);
    return {
      id: eventId(entry),
      start,
      end: blockEnd(start),
      title: entry.excerpt,
      editable: movable(entry),
      classNames: ['entry', `state-${entry.state}`, ...(entry.needsReconnect ? ['flagged'] : [])],
      extendedProps: { entry },
    };
  });
}

/**
 * Moves the post of `entry` to the calendar time `start` (a library Date read in `zone`). On a
 * refusal `revert` puts the entry back and the error says why.
 */
export async function reschedule(
  api: Pick<PostsApi, 'postsReschedule'>,
  entry: CalendarEntry,
  start: Date,
  zone: string,
  revert: () => void,
): Promise<AppError | null> {
  const at = fromCalendarDate(start, zone);
  try {
    await api.postsReschedule(entry.postId, at.toISOString(), zone);
    return null;
  } catch (e) {
    revert();
    return toAppError(e);
  }
}
