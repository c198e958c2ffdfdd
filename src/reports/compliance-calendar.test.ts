import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  groupCalendar,
  itemsToRemind,
  reminderEmail,
  type DueItem,
} from './compliance-calendar.ts';

const tz = 'Europe/London';
const item = (kind: string, day: string, overdue: boolean): DueItem => ({
  kind,
  title: `${kind} due`,
  due: new Date(`${day}T00:00:00Z`),
  href: `/${kind}`,
  overdue,
});

const items = [
  item('policy-review', '2027-03-01', false),
  item('governor-report', '2026-08-31', true),
  item('annual-review', '2026-12-01', false),
  item('governor-report-2', '2026-03-31', true),
  item('training', '2026-12-20', false),
];

test('the calendar puts overdue items first (oldest first), then one group per month in order', () => {
  const groups = groupCalendar(items, tz);
  assert.deepEqual(
    groups.map((g) => [g.id, g.label, g.items.map((i) => i.kind)]),
    [
      ['overdue', 'Overdue', ['governor-report-2', 'governor-report']],
      ['2026-12', 'December 2026', ['annual-review', 'training']],
      ['2027-03', 'March 2027', ['policy-review']],
    ],
  );
  assert.deepEqual(groupCalendar([], tz), []);
});

test('reminders name what is overdue or due within 14 days', () => {
  assert.deepEqual(
    itemsToRemind(items, '2026-11-20', tz).map((i) => i.kind),
    ['governor-report', 'annual-review', 'governor-report-2'],
  );
  assert.deepEqual(
    itemsToRemind(items, '2026-12-06', tz).map((i) => i.kind),
    ['governor-report', 'annual-review', 'governor-report-2', 'training'],
  );
});

test('the reminder email says what is due, when, and where to do it', () => {
  const { subject, text } = reminderEmail(
    itemsToRemind(items, '2026-11-20', tz),
    'Roundwood',
    tz,
    'https://haven.example/',
  );
  assert.equal(subject, 'Roundwood: 3 online safety dates due (2 overdue)');
  assert.match(
    text,
    /- OVERDUE since 31 August 2026: governor-report due\n {2}https:\/\/haven\.example\/governor-report/,
  );
  assert.match(text, /- Due 1 December 2026: annual-review due/);
  assert.match(text, /The whole compliance calendar: https:\/\/haven\.example\/calendar/);
});
