import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addCalendarMonths,
  addWorkingDays,
  bankHolidays,
  foiDueDay,
  icoClock,
  isDay,
  isWorkingDay,
  sarDueDay,
} from './register-clocks.ts';

test('the ICO clock: 72 hours from discovery, hours left, then overdue', () => {
  const discovered = new Date('2026-11-23T09:30:00Z');
  const atOnce = icoClock(discovered, discovered);
  assert.equal(atOnce.deadline.toISOString(), '2026-11-26T09:30:00.000Z');
  assert.equal(atOnce.hoursLeft, 72);
  assert.equal(atOnce.overdue, false);
  const later = icoClock(discovered, new Date('2026-11-25T10:00:00Z'));
  assert.equal(later.hoursLeft, 23, 'whole hours left, rounded down');
  assert.equal(later.overdue, false);
  const lastMinute = icoClock(discovered, new Date('2026-11-26T09:29:00Z'));
  assert.deepEqual([lastMinute.hoursLeft, lastMinute.overdue], [0, false]);
  const past = icoClock(discovered, new Date('2026-11-26T12:00:00Z'));
  assert.equal(past.overdue, true);
  assert.equal(past.hoursLeft, -3);
});

test('a subject access request: one calendar month, the last day when the month is short', () => {
  assert.equal(sarDueDay('2026-09-03', 0), '2026-10-03');
  assert.equal(sarDueDay('2027-01-31', 0), '2027-02-28');
  assert.equal(sarDueDay('2028-01-31', 0), '2028-02-29', 'a leap year');
  assert.equal(sarDueDay('2026-12-15', 0), '2027-01-15', 'across the year end');
  assert.equal(addCalendarMonths('2026-03-31', 1), '2026-04-30');
});

test('a subject access request extended by up to two further months', () => {
  assert.equal(sarDueDay('2026-11-23', 1), '2027-01-23');
  assert.equal(sarDueDay('2026-11-23', 2), '2027-02-23');
  assert.equal(sarDueDay('2026-11-23', 5), '2027-02-23', 'never more than two further months');
  assert.equal(sarDueDay('2026-11-30', 2), '2027-02-28');
});

test('bank holidays of England and Wales, with weekend substitutes', () => {
  assert.deepEqual(bankHolidays(2026), [
    '2026-01-01',
    '2026-04-03',
    '2026-04-06',
    '2026-05-04',
    '2026-05-25',
    '2026-08-31',
    '2026-12-25',
    '2026-12-28',
  ]);
  assert.deepEqual(bankHolidays(2027), [
    '2027-01-01',
    '2027-03-26',
    '2027-03-29',
    '2027-05-03',
    '2027-05-31',
    '2027-08-30',
    '2027-12-27',
    '2027-12-28',
  ]);
  assert.ok(bankHolidays(2028).includes('2028-01-03'), 'New Year on a Saturday → Monday');
  assert.equal(isWorkingDay('2026-11-23'), true);
  assert.equal(isWorkingDay('2026-11-28'), false, 'Saturday');
  assert.equal(isWorkingDay('2026-12-28'), false, 'Boxing Day substitute');
});

test('an FOI request: 20 school days, counting working days from the day after receipt', () => {
  // Received Monday 2 November 2026: four plain weeks.
  assert.equal(foiDueDay('2026-11-02'), '2026-11-30');
  // Received on a Friday: the weekend does not count.
  assert.equal(addWorkingDays('2026-11-06', 1), '2026-11-09');
  // Received 14 December 2026: Christmas, Boxing Day substitute and New Year skipped.
  assert.equal(foiDueDay('2026-12-14'), '2027-01-14');
  // Over Easter 2027 (Good Friday 26 March, Easter Monday 29 March).
  assert.equal(foiDueDay('2027-03-15'), '2027-04-14');
});

test('days are checked', () => {
  assert.equal(isDay('2026-02-29'), false);
  assert.equal(isDay('2028-02-29'), true);
  assert.equal(isDay('23/11/2026'), false);
});
