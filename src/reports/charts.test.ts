import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anonymiseTable } from './anonymise.ts';
import { barChartSvg, chartDescription } from './charts.ts';

const table = anonymiseTable({
  id: 'alerts-by-category',
  title: 'Alerts by category',
  labelHeading: 'Category',
  countHeading: 'Alerts',
  rows: [
    { label: 'Self-harm and suicide', count: 40 },
    { label: 'Bullying', count: 3 },
    { label: 'Gambling', count: 10 },
    { label: '<script>alert(1)</script>', count: 0 },
  ],
  total: true,
  chart: true,
});

test('a bar chart draws every row of the anonymised table, with its title and a description', () => {
  const svg = barChartSvg(table, { id: 'c1' }).value.replace(/\s+/g, ' ');
  assert.match(svg, /role="img" aria-labelledby="c1-title c1-desc"/);
  assert.match(svg, /<title id="c1-title">Alerts by category<\/title>/);
  assert.match(
    svg,
    /<desc id="c1-desc">Alerts by category\. Self-harm and suicide: 40; Bullying: fewer than 5; Gambling: withheld; &lt;script&gt;alert\(1\)&lt;\/script&gt;: 0\.<\/desc>/,
  );
  // One solid bar (40), one hatched "fewer than 5" bar, no bar for withheld or 0.
  assert.equal((svg.match(/class="chart-bar"/g) ?? []).length, 1);
  assert.equal((svg.match(/class="chart-bar-small"/g) ?? []).length, 1);
  assert.match(svg, /class="chart-value">fewer than 5<\/text>/);
  assert.match(svg, /class="chart-value">withheld<\/text>/);
  assert.ok(!svg.includes('<script>'));
  // The longest bar (40) fills the bar area: 400 wide less labels (176), values (88), padding.
  const widths = [...svg.matchAll(/<rect x="176" y="\d+" width="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(widths, [120, 12]);
});

test('an empty table says so in the chart', () => {
  const empty = { ...table, rows: [] };
  assert.match(barChartSvg(empty, { id: 'c2' }).value, /Nothing to show for this period/);
  assert.equal(chartDescription(empty), 'Alerts by category: nothing to show for this period.');
});
