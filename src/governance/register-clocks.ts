/**
 * The legal clocks of the data protection registers (GOV-8), as pure functions of dates:
 *
 * - a personal data breach that must be reported reaches the ICO within 72 hours of the school
 *   becoming aware of it;
 * - a subject access request is answered within one calendar month of receipt, extendable by up
 *   to two further months (with a reason) for complex or numerous requests;
 * - a freedom of information request is answered within 20 school days; Haven counts working
 *   days (Monday to Friday, not bank holidays in England and Wales), the day after receipt being
 *   the first.
 *
 * Dates without a time are `YYYY-MM-DD` strings (a day in the school's calendar).
 */

const HOUR_MS = 3_600_000;

export const ICO_HOURS = 72;

export interface IcoClock {
  readonly deadline: Date;
  /** Whole hours left (0 when less than an hour is left); negative once overdue. */
  readonly hoursLeft: number;
  readonly overdue: boolean;
}

export function icoClock(discoveredAt: Date, now: Date): IcoClock {
  const deadline = new Date(discoveredAt.getTime() + ICO_HOURS * HOUR_MS);
  const leftMs = deadline.getTime() - now.getTime();
  return {
    deadline,
    hoursLeft: leftMs >= 0 ? Math.floor(leftMs / HOUR_MS) : -Math.ceil(-leftMs / HOUR_MS),
    overdue: leftMs < 0,
  };
}

function parseDay(day: string): { y: number; m: number; d: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new Error(`not a day: ${day}`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function utcDay(y: number, m: number, d: number): Date {
  return new Date(Date.UTC(y, m - 1, d));
}

/** Is `day` a real calendar day in `YYYY-MM-DD` form? */
export function isDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const { y, m, d } = parseDay(day);
  return formatDay(utcDay(y, m, d)) === day;
}

/**
 * The same day `months` calendar months later; when that month has no such day (31 January plus
 * one month), the last day of that month (ICO guidance on the SAR time limit).
 */
export function addCalendarMonths(day: string, months: number): string {
  const { y, m, d } = parseDay(day);
  const monthIndex = m - 1 + months;
  const targetYear = y + Math.floor(monthIndex / 12);
  const targetMonth = (((monthIndex % 12) + 12) % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  return formatDay(utcDay(targetYear, targetMonth, Math.min(d, lastDay)));
}

export const MAX_SAR_EXTENSION_MONTHS = 2;

/** When a subject access request received on `receivedOn` must be answered. */
export function sarDueDay(receivedOn: string, extensionMonths: number): string {
  const extension = Math.max(0, Math.min(MAX_SAR_EXTENSION_MONTHS, Math.trunc(extensionMonths)));
  return addCalendarMonths(receivedOn, 1 + extension);
}

function easterSunday(year: number): Date {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utcDay(year, month, day);
}

function plusDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

function firstMonday(year: number, month: number): Date {
  const first = utcDay(year, month, 1);
  return plusDays(first, (8 - first.getUTCDay()) % 7);
}

function lastMonday(year: number, month: number): Date {
  const last = new Date(Date.UTC(year, month, 0));
  return plusDays(last, -((last.getUTCDay() + 6) % 7));
}

/**
 * The bank holidays of England and Wales in `year` by the standing rules (New Year's Day, Good
 * Friday, Easter Monday, early May, spring and summer bank holidays, Christmas and Boxing Day,
 * moved to the next weekday when they fall at a weekend). One-off holidays proclaimed for a
 * single year are not included.
 */
export function bankHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const days: Date[] = [
    plusDays(easter, -2),
    plusDays(easter, 1),
    firstMonday(year, 5),
    lastMonday(year, 5),
    lastMonday(year, 8),
  ];
  const newYear = utcDay(year, 1, 1);
  const newYearShift = newYear.getUTCDay() === 6 ? 2 : newYear.getUTCDay() === 0 ? 1 : 0;
  days.push(plusDays(newYear, newYearShift));
  const christmas = utcDay(year, 12, 25);
  const weekday = christmas.getUTCDay();
  if (weekday === 6) days.push(utcDay(year, 12, 27), utcDay(year, 12, 28));
  else if (weekday === 0) days.push(utcDay(year, 12, 26), utcDay(year, 12, 27));
  else if (weekday === 5) days.push(christmas, utcDay(year, 12, 28));
  else days.push(christmas, utcDay(year, 12, 26));
  return days.map(formatDay).sort();
}

/** Monday to Friday and not a bank holiday in England and Wales. */
export function isWorkingDay(day: string): boolean {
  const { y, m, d } = parseDay(day);
  const weekday = utcDay(y, m, d).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !bankHolidays(y).includes(day);
}

/** The `count`th working day after `day` (the day itself does not count). */
export function addWorkingDays(day: string, count: number): string {
  const { y, m, d } = parseDay(day);
  let date = utcDay(y, m, d);
  let left = count;
  while (left > 0) {
    date = plusDays(date, 1);
    if (isWorkingDay(formatDay(date))) left -= 1;
  }
  return formatDay(date);
}

export const FOI_SCHOOL_DAYS = 20;

/** When a freedom of information request received on `receivedOn` must be answered. */
export function foiDueDay(receivedOn: string): string {
  return addWorkingDays(receivedOn, FOI_SCHOOL_DAYS);
}

/** The end of a day `YYYY-MM-DD` (23:59:59.999 UTC): a deadline on that day is missed after it. */
export function endOfDay(day: string): Date {
  const { y, m, d } = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d, 23, 59, 59, 999));
}

/** Whole days from today to `day` (negative once past). */
export function daysUntil(day: string, now: Date): number {
  const today = utcDay(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
  const { y, m, d } = parseDay(day);
  return Math.round((utcDay(y, m, d).getTime() - today.getTime()) / 86_400_000);
}

/** The day of `now` as `YYYY-MM-DD` (UTC). */
export function dayOf(now: Date): string {
  return formatDay(now);
}
