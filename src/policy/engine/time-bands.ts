import type { TimeBand, Weekday } from './rules.ts';
import { WEEKDAYS } from './rules.ts';

/**
 * Time bands compiled ahead (FIL-2): per weekday, sorted minute ranges; term dates as day
 * numbers. Local time comes from `Intl.DateTimeFormat` in the school's time zone — pure (no
 * clock: the instant is an argument); formatters are cached per zone and the last minute computed
 * is remembered, since consecutive requests share it.
 */

/** A local moment in the school's time zone. */
export interface LocalMoment {
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minute: number;
  /** Local calendar date as days since 1970-01-01. */
  readonly day: number;
}

export interface CompiledBand {
  readonly id: string;
  readonly label: string;
  /** `days[weekday]` = flat `[from, to, from, to, …]` minute pairs, sorted. */
  readonly days: readonly Int32Array[];
  /** Flat `[fromDay, toDay, …]` inclusive day-number pairs; empty = every day. */
  readonly terms: Int32Array;
  /** "09:00–10:30" style text of the ranges, for reasons. */
  readonly hours: string;
}

export class TimeBandError extends Error {}

function parseMinute(text: string, allow24: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (m === null) throw new TimeBandError(`"${text}" is not a time (HH:MM)`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && (min !== 0 || !allow24))) {
    throw new TimeBandError(`"${text}" is not a time of day`);
  }
  return h * 60 + min;
}

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (m === null) throw new TimeBandError(`"${date}" is not a date (YYYY-MM-DD)`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCDate() !== Number(m[3]))
    throw new TimeBandError(`"${date}" is not a calendar date`);
  return Math.round(ms / 86_400_000);
}

/** `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function formatMinute(minute: number): string {
  const h = Math.floor(minute / 60);
  const m = minute % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** Compiles one band; throws `TimeBandError` for a bad time or date. */
export function compileBand(band: TimeBand): CompiledBand {
  const pairs: [number, number][] = band.ranges.map((r) => {
    const from = parseMinute(r.from, false);
    const to = parseMinute(r.to, true);
    if (to <= from)
      throw new TimeBandError(`band ${band.id}: ${r.from}–${r.to} ends before it starts`);
    return [from, to];
  });
  pairs.sort((a, b) => a[0] - b[0]);
  const flat = Int32Array.from(pairs.flat());
  const on = new Set<Weekday>(band.days);
  const days = WEEKDAYS.map((d) => (on.has(d) ? flat : new Int32Array(0)));
  const terms = Int32Array.from(
    (band.terms ?? []).flatMap((t) => {
      const from = dayNumber(t.from);
      const to = dayNumber(t.to);
      if (to < from)
        throw new TimeBandError(`band ${band.id}: term ${t.from}–${t.to} ends before it starts`);
      return [from, to];
    }),
  );
  const hours = pairs.map(([f, t]) => `${formatMinute(f)}–${formatMinute(t)}`).join(', ');
  return { id: band.id, label: band.label, days, terms, hours };
}

function inTerm(band: CompiledBand, day: number): boolean {
  const t = band.terms;
  if (t.length === 0) return true;
  for (let i = 0; i < t.length; i += 2) {
    if (day >= (t[i] ?? 0) && day <= (t[i + 1] ?? -1)) return true;
  }
  return false;
}

/** True when the band covers the local moment. */
export function bandActive(band: CompiledBand, at: LocalMoment): boolean {
  const ranges = band.days[at.weekday];
  if (ranges === undefined || ranges.length === 0) return false;
  for (let i = 0; i < ranges.length; i += 2) {
    if (at.minute >= (ranges[i] ?? 0) && at.minute < (ranges[i + 1] ?? 0)) {
      return inTerm(band, at.day);
    }
  }
  return false;
}

/** When one of `bands` next starts (or is active now), looking up to `horizonDays` ahead. */
export interface NextBandStart {
  readonly band: CompiledBand;
  readonly day: number;
  readonly minute: number;
}

export function nextBandStart(
  bands: readonly CompiledBand[],
  at: LocalMoment,
  horizonDays = 400,
): NextBandStart | null {
  for (let k = 0; k <= horizonDays; k++) {
    const day = at.day + k;
    const weekday = (at.weekday + k) % 7;
    let best: NextBandStart | null = null;
    for (const band of bands) {
      if (!inTerm(band, day)) continue;
      const ranges = band.days[weekday];
      if (ranges === undefined) continue;
      for (let i = 0; i < ranges.length; i += 2) {
        const from = ranges[i] ?? 0;
        const to = ranges[i + 1] ?? 0;
        let start: number;
        if (k > 0) start = from;
        else if (at.minute < from) start = from;
        else if (at.minute < to) start = at.minute;
        else continue;
        if (best === null || start < best.minute) best = { band, day, minute: start };
      }
    }
    if (best !== null) return best;
  }
  return null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws a `RangeError` for an unknown IANA zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Checks an IANA time zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Converts an instant to local weekday, minute and date in `timeZone`. */
export function toLocalMoment(timeZone: string, epochMs: number): LocalMoment {
  let year = 1970;
  let month = 1;
  let dayOfMonth = 1;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        dayOfMonth = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      default:
        break;
    }
  }
  const day = Math.round(Date.UTC(year, month - 1, dayOfMonth) / 86_400_000);
  // 1970-01-01 was a Thursday (weekday 3 with Monday = 0)
  const weekday = (((day + 3) % 7) + 7) % 7;
  return { weekday, minute: hour * 60 + minute, day };
}

/** Remembers the last minute converted for one zone (requests arrive in bursts of the same minute). */
export class LocalClock {
  private lastMinute = Number.NaN;
  private last: LocalMoment = { weekday: 0, minute: 0, day: 0 };

  constructor(readonly timeZone: string) {
    formatterFor(timeZone);
  }

  at(epochMs: number): LocalMoment {
    const m = Math.floor(epochMs / 60_000);
    if (m !== this.lastMinute) {
      this.last = toLocalMoment(this.timeZone, m * 60_000);
      this.lastMinute = m;
    }
    return this.last;
  }
}

export const WEEKDAY_NAMES: readonly string[] = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];
