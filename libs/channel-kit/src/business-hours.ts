/**
 * The one business-hours model (CONTRACT.md): `{timezone, weekly:{mon:[["09:00","17:00"]],...}, holidays?}`.
 * Used by the voice flow, the widget's away state and the core. Pure: no clock, no I/O.
 */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface BusinessHours {
  /** IANA zone, e.g. "Europe/Berlin". */
  timezone: string;
  /** Local "HH:MM" ranges per day; a day without ranges is closed. "24:00" ends at midnight. */
  weekly: Partial<Record<string, ReadonlyArray<readonly [string, string]>>>;
  /** Local calendar dates ("YYYY-MM-DD") on which the whole day is closed. */
  holidays?: readonly string[];
}

interface LocalTime { date: string; weekday: Weekday; minutes: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    // h23 so midnight is "00", not "24" (some engines render hour12:false midnight as 24).
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', weekday: 'short',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

function localTime(timezone: string, at: Date): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timezone).formatToParts(at)) parts[p.type] = p.value;
  const weekday = (parts.weekday ?? '').toLowerCase().slice(0, 3) as Weekday;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

function toMinutes(hhmm: string): number | null {
  const m = HHMM.exec(hhmm);
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v > 24 * 60 ? null : v;
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7];
}

/**
 * Whether the business is open at `at`. null/undefined business hours mean "always open".
 * A range whose end is not after its start (["22:00","02:00"]) runs past midnight into the next day.
 * A holiday closes its whole local date, including the tail of an overnight range from the day before.
 * Throws a RangeError for an unknown timezone (validate with `validateBusinessHours` at the edge).
 */
export function isOpen(bh: BusinessHours | null | undefined, at: Date): boolean {
  if (!bh) return true;
  const now = localTime(bh.timezone, at);
  if (bh.holidays?.includes(now.date)) return false;
  for (const [start, end] of bh.weekly[now.weekday] ?? []) {
    const s = toMinutes(start);
    const e = toMinutes(end);
    if (s === null || e === null) continue;
    if (e > s ? now.minutes >= s && now.minutes < e : now.minutes >= s) return true;
  }
  for (const [start, end] of bh.weekly[previousDay(now.weekday)] ?? []) {
    const s = toMinutes(start);
    const e = toMinutes(end);
    if (s === null || e === null) continue;
    if (e <= s && now.minutes < e) return true;
  }
  return false;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Checks a business-hours object an admin submitted; returns it typed, or throws an Error whose message names
 * the offending field (e.g. "businessHours.weekly.mon[0]: ...").
 */
export function validateBusinessHours(input: unknown): BusinessHours {
  const fail = (field: string, msg: string): never => { throw new Error(`businessHours.${field}: ${msg}`); };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('', 'must be an object');
  const o = input as Record<string, unknown>;
  if (typeof o.timezone !== 'string' || !o.timezone) fail('timezone', 'is required (an IANA zone like "Europe/Berlin")');
  const timezone = o.timezone as string;
  try { formatterFor(timezone); } catch { fail('timezone', `unknown time zone "${timezone}"`); }
  if (typeof o.weekly !== 'object' || o.weekly === null || Array.isArray(o.weekly)) fail('weekly', 'must be an object keyed by mon..sun');
  const weekly: Partial<Record<Weekday, Array<[string, string]>>> = {};
  for (const [day, ranges] of Object.entries(o.weekly as Record<string, unknown>)) {
    if (!WEEKDAYS.includes(day as Weekday)) fail(`weekly.${day}`, 'is not a weekday (use mon, tue, wed, thu, fri, sat, sun)');
    if (!Array.isArray(ranges)) fail(`weekly.${day}`, 'must be a list of ["HH:MM","HH:MM"] ranges');
    weekly[day as Weekday] = (ranges as unknown[]).map((r, i) => {
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'string' || typeof r[1] !== 'string' ||
        toMinutes(r[0]) === null || toMinutes(r[1]) === null || r[0] === '24:00') {
        return fail(`weekly.${day}[${i}]`, 'must be ["HH:MM","HH:MM"] with times between 00:00 and 24:00');
      }
      return [r[0], r[1]] as [string, string];
    });
  }
  let holidays: string[] | undefined;
  if (o.holidays !== undefined && o.holidays !== null) {
    if (!Array.isArray(o.holidays)) fail('holidays', 'must be a list of "YYYY-MM-DD" dates');
    holidays = (o.holidays as unknown[]).map((d, i) =>
      typeof d === 'string' && DATE.test(d) ? d : fail(`holidays[${i}]`, 'must be a "YYYY-MM-DD" date'));
  }
  return holidays ? { timezone, weekly, holidays } : { timezone, weekly };
}
