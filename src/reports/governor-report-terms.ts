import type { ReportPeriod } from './governor-report-types.ts';

/**
 * The periods a governor report covers. The seeds ask for a report each term; Haven derives the
 * terms from dates, the same for every school:
 *
 *   autumn-YYYY   1 September YYYY to 31 December YYYY
 *   spring-YYYY   1 January YYYY to 31 March YYYY
 *   summer-YYYY   1 April YYYY to 31 August YYYY (the summer holiday included)
 *
 * or a custom range of local days. Days are the school's local days; `from`/`to` are the instants
 * they start and end in its time zone. Pure: the time zone and the clock are arguments.
 */

export const TERMS = ['autumn', 'spring', 'summer'] as const;
export type Term = (typeof TERMS)[number];

const TERM_MONTHS: Readonly<Record<Term, { first: number; last: number }>> = {
  autumn: { first: 9, last: 12 },
  spring: { first: 1, last: 3 },
  summer: { first: 4, last: 8 },
};

const TERM_NAMES: Readonly<Record<Term, string>> = {
  autumn: 'Autumn term',
  spring: 'Spring term',
  summer: 'Summer term',
};

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= lastDayOfMonth(y, m);
}

/** "1 September 2026". */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTH_NAMES[m - 1] ?? ''} ${y}`;
}

/** Add days to a local day. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The same day one year later (29 February → 28 February). */
export function addYear(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${y + 1}-${pad(m)}-${pad(Math.min(d, lastDayOfMonth(y + 1, m)))}`;
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
}

/** The instant a local day starts (00:00) in a time zone. */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - offsetMinutes(timeZone, wall) * 60_000;
  // Across a change of offset the first guess is off by the change: one correction settles it.
  guess = wall - offsetMinutes(timeZone, guess) * 60_000;
  return new Date(guess);
}

/** The local day (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDayOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

function period(
  key: string,
  label: string,
  fromDay: string,
  toDay: string,
  timeZone: string,
): ReportPeriod {
  return {
    key,
    label,
    fromDay,
    toDay,
    from: startOfLocalDay(fromDay, timeZone),
    to: startOfLocalDay(addDays(toDay, 1), timeZone),
    timeZone,
  };
}

/** The period of a term: `autumn-2026`. */
export function termPeriod(term: Term, year: number, timeZone: string): ReportPeriod {
  const { first, last } = TERM_MONTHS[term];
  return period(
    `${term}-${year}`,
    `${TERM_NAMES[term]} ${year}`,
    `${year}-${pad(first)}-01`,
    `${year}-${pad(last)}-${pad(lastDayOfMonth(year, last))}`,
    timeZone,
  );
}

/** The term a local day falls in. */
export function termOfDay(day: string): { term: Term; year: number } {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const term = m >= 9 ? 'autumn' : m >= 4 ? 'summer' : 'spring';
  return { term, year: y };
}

/** The term before (`-1`) or after (`+1`) a term. */
export function shiftTerm(
  current: { term: Term; year: number },
  by: number,
): { term: Term; year: number } {
  // Terms in calendar order within a year: spring, summer, autumn.
  const order: Term[] = ['spring', 'summer', 'autumn'];
  const index = current.year * 3 + order.indexOf(current.term) + by;
  const year = Math.floor(index / 3);
  return { term: order[index - year * 3] ?? 'spring', year };
}

/** The term of an instant in the school's time zone. */
export function currentTerm(now: Date, timeZone: string): ReportPeriod {
  const { term, year } = termOfDay(localDayOf(now, timeZone));
  return termPeriod(term, year, timeZone);
}

/** A custom range of local days, inclusive. */
export function customPeriod(fromDay: string, toDay: string, timeZone: string): ReportPeriod {
  if (!isDay(fromDay)) throw new PeriodError(`"${fromDay}" is not a date: use YYYY-MM-DD.`);
  if (!isDay(toDay)) throw new PeriodError(`"${toDay}" is not a date: use YYYY-MM-DD.`);
  if (toDay < fromDay) {
    throw new PeriodError(`The range ends (${toDay}) before it starts (${fromDay}).`);
  }
  if (addYear(fromDay) <= toDay) {
    throw new PeriodError('A report covers at most one year: choose a shorter range.');
  }
  return period(
    `${fromDay}..${toDay}`,
    `${formatDay(fromDay)} to ${formatDay(toDay)}`,
    fromDay,
    toDay,
    timeZone,
  );
}

/**
 * A period from its key: a term (`autumn-2026`) or a range (`2026-09-01..2026-10-31`). Throws
 * `PeriodError` saying what is wrong and what is accepted.
 */
export function parsePeriodKey(key: string, timeZone: string): ReportPeriod {
  const text = key.trim().toLowerCase();
  const term = /^(autumn|spring|summer)-(\d{4})$/.exec(text);
  if (term) {
    const year = Number(term[2]);
    if (year < 2000 || year > 2100) throw new PeriodError(`${year} is not a plausible year.`);
    return termPeriod(term[1] as Term, year, timeZone);
  }
  const range = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (range) return customPeriod(range[1] ?? '', range[2] ?? '', timeZone);
  throw new PeriodError(
    `"${key}" is not a term or a range: use autumn-2026, spring-2027, summer-2027, or 2026-09-01..2026-10-31.`,
  );
}

/** An instant as "23 November 2026 at 10:30" in the school's time zone. */
export function formatWhen(at: Date | string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' };
  const instant = new Date(at);
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(instant);
  } catch {
    return `${new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(instant)} UTC`;
  }
}
