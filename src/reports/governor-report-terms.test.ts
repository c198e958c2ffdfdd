import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addYear,
  currentTerm,
  customPeriod,
  parsePeriodKey,
  shiftTerm,
  startOfLocalDay,
  termOfDay,
  termPeriod,
} from './governor-report-terms.ts';

const london = 'Europe/London';

test('terms cover the year without gaps: autumn Sep–Dec, spring Jan–Mar, summer Apr–Aug', () => {
  const autumn = termPeriod('autumn', 2026, london);
  assert.equal(autumn.key, 'autumn-2026');
  assert.equal(autumn.label, 'Autumn term 2026');
  assert.equal(autumn.fromDay, '2026-09-01');
  assert.equal(autumn.toDay, '2026-12-31');
  const spring = termPeriod('spring', 2027, london);
  assert.equal(spring.fromDay, '2027-01-01');
  assert.equal(spring.toDay, '2027-03-31');
  const summer = termPeriod('summer', 2027, london);
  assert.equal(summer.fromDay, '2027-04-01');
  assert.equal(summer.toDay, '2027-08-31');
  // Each term ends where the next starts.
  assert.equal(autumn.to.getTime(), spring.from.getTime());
  assert.equal(spring.to.getTime(), summer.from.getTime());
  assert.equal(summer.to.getTime(), termPeriod('autumn', 2027, london).from.getTime());
});

test('term boundaries are the school’s local midnights (BST in September, GMT in January)', () => {
  const autumn = termPeriod('autumn', 2026, london);
  assert.equal(autumn.from.toISOString(), '2026-08-31T23:00:00.000Z');
  assert.equal(autumn.to.toISOString(), '2027-01-01T00:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-29', london).toISOString(), '2026-03-29T00:00:00.000Z');
  assert.equal(startOfLocalDay('2026-03-30', london).toISOString(), '2026-03-29T23:00:00.000Z');
  assert.equal(
    startOfLocalDay('2026-09-01', 'Australia/Sydney').toISOString(),
    '2026-08-31T14:00:00.000Z',
  );
});

test('the term of a day and of an instant', () => {
  assert.deepEqual(termOfDay('2026-08-31'), { term: 'summer', year: 2026 });
  assert.deepEqual(termOfDay('2026-09-01'), { term: 'autumn', year: 2026 });
  assert.deepEqual(termOfDay('2027-01-01'), { term: 'spring', year: 2027 });
  assert.deepEqual(termOfDay('2027-04-01'), { term: 'summer', year: 2027 });
  // 31 August 23:30 UTC is already 1 September in London.
  assert.equal(currentTerm(new Date('2026-08-31T23:30:00Z'), london).key, 'autumn-2026');
  assert.deepEqual(shiftTerm({ term: 'autumn', year: 2026 }, 1), { term: 'spring', year: 2027 });
  assert.deepEqual(shiftTerm({ term: 'spring', year: 2027 }, -1), { term: 'autumn', year: 2026 });
  assert.deepEqual(shiftTerm({ term: 'spring', year: 2027 }, -2), { term: 'summer', year: 2026 });
});

test('period keys: terms, custom ranges, and clear errors', () => {
  assert.equal(parsePeriodKey('Autumn-2026', london).key, 'autumn-2026');
  const custom = parsePeriodKey('2026-09-01..2026-10-31', london);
  assert.equal(custom.label, '1 September 2026 to 31 October 2026');
  assert.equal(custom.to.toISOString(), '2026-11-01T00:00:00.000Z');
  assert.throws(() => parsePeriodKey('winter-2026', london), /use autumn-2026/);
  assert.throws(() => customPeriod('2026-10-01', '2026-09-01', london), /ends .* before it starts/);
  assert.throws(() => customPeriod('2026-02-30', '2026-03-01', london), /not a date/);
  assert.throws(() => customPeriod('2026-01-01', '2027-01-01', london), /at most one year/);
  assert.equal(addYear('2028-02-29'), '2029-02-28');
});
