// Times in the business's time zone. The backend stores UTC instants plus the IANA zone; the UI
// shows and takes wall-clock times in that zone, whatever zone the computer itself is in.

export type WallClock = { year: number; month: number; day: number; hour: number; minute: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock in `zone` at the instant `at`. */
export function wallClock(at: Date | string, zone: string): WallClock {
  const date = typeof at === 'string' ? new Date(at) : at;
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(date)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute };
}

/** Minutes `zone` is ahead of UTC at the instant `ms`. */
function offsetMinutes(ms: number, zone: string): number {
  const w = wallClock(new Date(ms), zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(ms / 60000) * 60000) / 60000);
}

/**
 * The UTC instant of a wall-clock time in `zone`. A time skipped by a DST change moves forward by
 * the gap; a time that happens twice takes the first one.
 */
export function zonedToUtc(w: WallClock, zone: string): Date {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const first = naive - offsetMinutes(naive, zone) * 60000;
  const second = naive - offsetMinutes(first, zone) * 60000;
  const candidates = [first, second].filter((ms) => sameWall(wallClock(new Date(ms), zone), w));
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(Math.max(first, second));
}

function sameWall(a: WallClock, b: WallClock): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` and `HH:MM` for date and time inputs. */
export function toInputs(at: Date | string, zone: string): { date: string; time: string } {
  const w = wallClock(at, zone);
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
}

/** The instant of a date input and a time input in `zone`, or null when either is incomplete. */
export function fromInputs(date: string, time: string, zone: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})/.exec(time);
  if (!d || !t) return null;
  return zonedToUtc(
    { year: +d[1], month: +d[2], day: +d[3], hour: +t[1], minute: +t[2] },
    zone,
  );
}

/**
 * A Date whose *local* fields read as the wall clock in `zone`: the calendar library works in the
 * computer's local time, so entries are handed to it this way to appear at the business's hours.
 */
export function toCalendarDate(at: Date | string, zone: string): Date {
  const w = wallClock(at, zone);
  return new Date(w.year, w.month - 1, w.day, w.hour, w.minute);
}

/** The inverse of `toCalendarDate`: the instant meant by a calendar Date in `zone`. */
export function fromCalendarDate(local: Date, zone: string): Date {
  return zonedToUtc(
    {
      year: local.getFullYear(),
      month: local.getMonth() + 1,
      day: local.getDate(),
      hour: local.getHours(),
      minute: local.getMinutes(),
    },
    zone,
  );
}

/** The IANA zones this system knows, for the Settings select (the current one always included). */
export function zoneNames(current?: string): string[] {
  let names: string[] = [];
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    names = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  } catch {
    names = [];
  }
  if (!names.includes('UTC')) names = ['UTC', ...names];
  if (current && !names.includes(current)) names = [current, ...names];
  return names;
}

/** A time for people, in `zone` and the UI's language: "Tue 3 Mar, 09:00". */
export function formatInZone(at: string, zone: string, locale: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}
