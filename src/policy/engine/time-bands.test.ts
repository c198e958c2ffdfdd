import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bandActive,
  compileBand,
  dateOfDay,
  dayNumber,
  isTimeZone,
  LocalClock,
  nextBandStart,
  TimeBandError,
  toLocalMoment,
} from './time-bands.ts';

const LUNCH = compileBand({
  id: 'lunch',
  label: 'lunch',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  ranges: [{ from: '12:15', to: '13:15' }],
});

test('instants become local weekday, minute and date in the school time zone (BST and GMT)', () => {
  // Wednesday 17 June 2026, 08:30 UTC = 09:30 BST
  const summer = toLocalMoment('Europe/London', Date.parse('2026-06-17T08:30:00Z'));
  assert.deepEqual(summer, { weekday: 2, minute: 9 * 60 + 30, day: dayNumber('2026-06-17') });
  // Wednesday 14 January 2026, 08:30 UTC = 08:30 GMT
  const winter = toLocalMoment('Europe/London', Date.parse('2026-01-14T08:30:00Z'));
  assert.deepEqual(winter, { weekday: 2, minute: 8 * 60 + 30, day: dayNumber('2026-01-14') });
  // late evening UTC is already tomorrow in Tokyo
  const tokyo = toLocalMoment('Asia/Tokyo', Date.parse('2026-06-17T20:00:00Z'));
  assert.equal(tokyo.weekday, 3);
  assert.equal(tokyo.minute, 5 * 60);
});

test('the spring-forward gap: 01:00 UTC on 29 March 2026 is 02:00 BST', () => {
  assert.equal(toLocalMoment('Europe/London', Date.parse('2026-03-29T00:59:00Z')).minute, 59);
  assert.equal(toLocalMoment('Europe/London', Date.parse('2026-03-29T01:00:00Z')).minute, 120);
});

test('a band is active on its days and minutes (start inclusive, end exclusive)', () => {
  const wed = (minute: number) => ({ weekday: 2, minute, day: dayNumber('2026-06-17') });
  assert.equal(bandActive(LUNCH, wed(12 * 60 + 14)), false);
  assert.equal(bandActive(LUNCH, wed(12 * 60 + 15)), true);
  assert.equal(bandActive(LUNCH, wed(13 * 60 + 14)), true);
  assert.equal(bandActive(LUNCH, wed(13 * 60 + 15)), false);
  assert.equal(
    bandActive(LUNCH, { weekday: 5, minute: 12 * 60 + 30, day: dayNumber('2026-06-20') }),
    false,
  );
});

test('term dates limit a band to term time', () => {
  const band = compileBand({
    id: 'lunch',
    label: 'lunch',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    ranges: [{ from: '12:15', to: '13:15' }],
    terms: [{ from: '2026-04-20', to: '2026-07-22' }],
  });
  const at = (date: string) => ({ weekday: 2, minute: 12 * 60 + 30, day: dayNumber(date) });
  assert.equal(bandActive(band, at('2026-06-17')), true);
  assert.equal(bandActive(band, at('2026-07-29')), false);
  // next start after term ends: none within the horizon when there is no later term
  assert.equal(
    nextBandStart([band], { weekday: 2, minute: 0, day: dayNumber('2026-07-29') }, 60),
    null,
  );
});

test('next band start: later today, after the weekend', () => {
  const wednesdayMorning = { weekday: 2, minute: 9 * 60, day: dayNumber('2026-06-17') };
  const next = nextBandStart([LUNCH], wednesdayMorning);
  assert.equal(next?.minute, 12 * 60 + 15);
  assert.equal(next?.day, dayNumber('2026-06-17'));
  const fridayEvening = { weekday: 4, minute: 18 * 60, day: dayNumber('2026-06-19') };
  const monday = nextBandStart([LUNCH], fridayEvening);
  assert.equal(monday === null ? null : dateOfDay(monday.day), '2026-06-22');
});

test('bad times, dates and zones are refused', () => {
  assert.throws(
    () =>
      compileBand({ id: 'x', label: 'x', days: ['mon'], ranges: [{ from: '25:00', to: '26:00' }] }),
    TimeBandError,
  );
  assert.throws(
    () =>
      compileBand({ id: 'x', label: 'x', days: ['mon'], ranges: [{ from: '10:00', to: '09:00' }] }),
    TimeBandError,
  );
  assert.throws(
    () => compileBand({ id: 'x', label: 'x', days: ['mon'], ranges: [{ from: '9', to: '10:00' }] }),
    TimeBandError,
  );
  assert.throws(() => dayNumber('2026-02-30'), TimeBandError);
  assert.doesNotThrow(() =>
    compileBand({ id: 'x', label: 'x', days: ['mon'], ranges: [{ from: '18:00', to: '24:00' }] }),
  );
  assert.equal(isTimeZone('Europe/London'), true);
  assert.equal(isTimeZone('Mars/Olympus_Mons'), false);
});

test('the local clock memo gives the same answers as a fresh conversion', () => {
  const clock = new LocalClock('Europe/London');
  for (
    let t = Date.parse('2026-03-28T22:00:00Z');
    t < Date.parse('2026-03-29T04:00:00Z');
    t += 7 * 60_000 + 13_000
  ) {
    assert.deepEqual(clock.at(t), toLocalMoment('Europe/London', Math.floor(t / 60_000) * 60_000));
  }
});
