import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  anonymiseCount,
  anonymiseFigure,
  anonymiseRows,
  anonymiseSection,
  anonymiseTable,
  formatDuration,
  quantile,
} from './anonymise.ts';

test('0 is shown, 1 to 4 are "fewer than 5", 5 and more are shown', () => {
  assert.deepEqual(anonymiseCount(0), { value: 0, text: '0', suppressed: null });
  for (const n of [1, 2, 3, 4]) {
    assert.deepEqual(anonymiseCount(n), { value: null, text: 'fewer than 5', suppressed: 'small' });
  }
  assert.deepEqual(anonymiseCount(5), { value: 5, text: '5', suppressed: null });
  assert.deepEqual(anonymiseCount(12345), { value: 12345, text: '12,345', suppressed: null });
  assert.throws(() => anonymiseCount(-1), /whole number/);
  assert.throws(() => anonymiseCount(1.5), /whole number/);
});

test('one small row in a table withholds the smallest other non-zero row, so total minus the rest does not give it', () => {
  const rows = anonymiseRows([
    { label: 'Bullying', count: 3 },
    { label: 'Self-harm', count: 20 },
    { label: 'Gambling', count: 7 },
    { label: 'Drugs', count: 0 },
  ]);
  assert.deepEqual(
    rows.map((r) => r.text),
    ['fewer than 5', '20', 'withheld', '0'],
  );
  assert.equal(rows[2]?.suppressed, 'derived');
  assert.equal(rows[2]?.value, null);
});

test('two or more small rows need no extra withholding; nor do overlapping rows', () => {
  assert.deepEqual(
    anonymiseRows([
      { label: 'a', count: 2 },
      { label: 'b', count: 1 },
      { label: 'c', count: 30 },
    ]).map((r) => r.text),
    ['fewer than 5', 'fewer than 5', '30'],
  );
  assert.deepEqual(
    anonymiseRows(
      [
        { label: 'Governor', count: 1 },
        { label: 'Staff', count: 40 },
      ],
      { rowsOverlap: true },
    ).map((r) => r.text),
    ['fewer than 5', '40'],
  );
});

test('a table with one small row and nothing else shows its total as small too', () => {
  const table = anonymiseTable({
    id: 't',
    title: 'Alerts by category',
    labelHeading: 'Category',
    countHeading: 'Alerts',
    rows: [
      { label: 'Bullying', count: 3 },
      { label: 'Drugs', count: 0 },
    ],
    total: true,
    chart: true,
  });
  assert.deepEqual(
    table.rows.map((r) => r.text),
    ['fewer than 5', '0'],
  );
  assert.equal(table.total?.text, 'fewer than 5');
  assert.equal(table.chart, true);
});

test('no raw count from 1 to 4 survives anywhere in an anonymised section', () => {
  const section = anonymiseSection({
    id: 's',
    title: 'S',
    summary: '',
    figures: [
      { kind: 'count', label: 'Alerts', count: 3 },
      { kind: 'duration', label: 'Median', seconds: 120, basedOn: 3 },
      { kind: 'text', label: 'Policy', value: 'version 2' },
    ],
    tables: [
      {
        id: 't',
        title: 'T',
        labelHeading: 'x',
        countHeading: 'y',
        rows: [
          { label: 'a', count: 3 },
          { label: 'b', count: 9 },
        ],
        total: true,
      },
    ],
  });
  const values = JSON.stringify(section);
  for (const n of [3, 9, 120]) assert.ok(!values.includes(`"value":${n}`), `value ${n} leaked`);
  assert.equal(section.figures[1]?.text, 'withheld (based on fewer than 5)');
  assert.equal(section.tables[0]?.total?.text, '12');
});

test('durations and quantiles', () => {
  assert.equal(formatDuration(42), '42 s');
  assert.equal(formatDuration(180), '3 min');
  assert.equal(formatDuration(7500), '2 h 5 min');
  assert.equal(formatDuration(100_800), '1 day 4 h');
  assert.equal(quantile([], 0.5), null);
  assert.equal(quantile([10, 1, 5], 0.5), 5);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9.1);
  const shown = anonymiseFigure({ kind: 'duration', label: 'Median', seconds: 90, basedOn: 5 });
  assert.equal(shown.text, '2 min');
  assert.equal(
    anonymiseFigure({ kind: 'duration', label: 'Median', seconds: null, basedOn: 0 }).text,
    'none to measure',
  );
});
