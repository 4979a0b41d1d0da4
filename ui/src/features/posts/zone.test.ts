import { describe, expect, it } from 'vitest';
import { fromInputs, toInputs, wallClock } from './zone';

describe('business zone', () => {
  it('09:00 in Rome is 08:00 UTC in winter and 07:00 UTC in summer', () => {
    expect(fromInputs('2025-03-29', '09:00', 'Europe/Rome')?.toISOString()).toBe('2025-03-29T08:00:00.000Z');
    expect(fromInputs('2025-03-31', '09:00', 'Europe/Rome')?.toISOString()).toBe('2025-03-31T07:00:00.000Z');
    expect(fromInputs('2025-10-27', '09:00', 'Europe/Rome')?.toISOString()).toBe('2025-10-27T08:00:00.000Z');
  });

  it('reads an instant back as the wall clock it was entered in', () => {
    expect(toInputs('2025-07-01T07:00:00Z', 'Europe/Rome')).toEqual({ date: '2025-07-01', time: '09:00' });
    expect(wallClock('2025-07-01T07:00:00Z', 'America/New_York').hour).toBe(3);
  });

  it('a time skipped by the spring change moves forward by the gap', () => {
    expect(fromInputs('2025-03-30', '02:30', 'Europe/Rome')?.toISOString()).toBe('2025-03-30T01:30:00.000Z');
  });
});
