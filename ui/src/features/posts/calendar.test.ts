import { describe, expect, it } from 'vitest';
import { calendarEntry } from '../../fixtures';
import { toEvents } from './calendar';

describe('calendar events', () => {
  it('draws a post late in the evening within its own day', () => {
    // 23:38 in Rome: a 30-minute block would end at 00:08 and the month view spans two days.
    const [late] = toEvents([calendarEntry({ at: '2025-03-18T22:38:00Z' })], 'Europe/Rome');
    expect(late.start.getDate()).toBe(18);
    expect(late.end.getTime()).toBeLessThanOrEqual(new Date(2025, 2, 19, 0, 0).getTime());
    expect(late.end.getTime()).toBeGreaterThan(late.start.getTime());
  });

  it('draws a post during the day as a 30-minute block', () => {
    const [noon] = toEvents([calendarEntry({ at: '2025-03-18T11:00:00Z' })], 'Europe/Rome');
    expect(noon.end.getTime() - noon.start.getTime()).toBe(30 * 60000);
  });
});
