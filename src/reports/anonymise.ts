import type {
  CollectedFigure,
  CollectedSection,
  CollectedTable,
  CountRow,
  ReportFigure,
  ReportSection,
  ReportTable,
  ShownValue,
} from './governor-report-types.ts';

/**
 * Anonymisation of the governor report (GOV-2: "no name, and no count small enough to identify a
 * pupil"). Pure functions over the sections' raw counts:
 *
 * - 0 is shown: it identifies nobody;
 * - 1 to 4 are shown as "fewer than 5" (primary suppression);
 * - when a table would let a reader work a small count out — its total is published (in the
 *   table or as a headline figure) and exactly one row is suppressed, so total minus the others
 *   gives it — the smallest other non-zero row is withheld too (secondary suppression);
 * - a figure derived from fewer than 5 records (a median time to acknowledge two alerts) is
 *   withheld, since it describes those few.
 */

export const SMALL_COUNT_LIMIT = 5;
export const FEWER_THAN_5 = 'fewer than 5';
export const WITHHELD = 'withheld';

export function isSmallCount(count: number): boolean {
  return count > 0 && count < SMALL_COUNT_LIMIT;
}

const numberFormat = new Intl.NumberFormat('en-GB');

/** One count as the report may show it. */
export function anonymiseCount(count: number): ShownValue {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`A count must be a whole number of 0 or more (got ${count}).`);
  }
  if (isSmallCount(count)) return { value: null, text: FEWER_THAN_5, suppressed: 'small' };
  return { value: count, text: numberFormat.format(count), suppressed: null };
}

const withheld: ShownValue = { value: null, text: WITHHELD, suppressed: 'derived' };

/**
 * The rows of a table with small counts suppressed and, where one suppressed row could be
 * worked out from the total, the smallest other non-zero row withheld as well. The total is
 * treated as known whether or not the table prints it: the same total often appears elsewhere.
 */
export function anonymiseRows(
  rows: readonly CountRow[],
  options: { rowsOverlap?: boolean } = {},
): (ShownValue & { label: string })[] {
  const shown = rows.map((row) => ({ label: row.label, ...anonymiseCount(row.count) }));
  const small = rows.filter((row) => isSmallCount(row.count)).length;
  if (small === 1 && options.rowsOverlap !== true) {
    let candidate = -1;
    rows.forEach((row, index) => {
      if (row.count < SMALL_COUNT_LIMIT) return;
      const best = rows[candidate];
      if (candidate === -1 || (best !== undefined && row.count < best.count)) candidate = index;
    });
    const row = rows[candidate];
    if (row !== undefined) shown[candidate] = { label: row.label, ...withheld };
  }
  return shown;
}

/** A number shown as it is (not a count of pupils or of what they did). */
function exact(value: number): ShownValue {
  return { value, text: numberFormat.format(value), suppressed: null };
}

export function anonymiseTable(table: CollectedTable): ReportTable {
  const total = table.rows.reduce((sum, row) => sum + row.count, 0);
  if (table.notAboutPupils === true) {
    return {
      id: table.id,
      title: table.title,
      labelHeading: table.labelHeading,
      countHeading: table.countHeading,
      rows: table.rows.map((row) => ({ label: row.label, ...exact(row.count) })),
      total: table.total ? exact(total) : null,
      chart: table.chart ?? false,
    };
  }
  return {
    id: table.id,
    title: table.title,
    labelHeading: table.labelHeading,
    countHeading: table.countHeading,
    rows: anonymiseRows(table.rows, { rowsOverlap: table.rowsOverlap ?? false }),
    total: table.total && table.rowsOverlap !== true ? anonymiseCount(total) : null,
    chart: table.chart ?? false,
  };
}

/** "42 s", "3 min", "2 h 5 min", "1 day 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return `${days} day${days === 1 ? '' : 's'}${rest ? ` ${rest} h` : ''}`;
}

export function anonymiseFigure(figure: CollectedFigure): ReportFigure {
  switch (figure.kind) {
    case 'count':
      return { label: figure.label, ...anonymiseCount(figure.count) };
    case 'number':
      return { label: figure.label, ...exact(figure.value) };
    case 'text':
      return { label: figure.label, value: null, text: figure.value, suppressed: null };
    case 'duration':
      if (isSmallCount(figure.basedOn)) {
        return {
          label: figure.label,
          value: null,
          text: `${WITHHELD} (based on ${FEWER_THAN_5})`,
          suppressed: 'small',
        };
      }
      if (figure.seconds === null || figure.basedOn === 0) {
        return { label: figure.label, value: null, text: 'none to measure', suppressed: null };
      }
      return {
        label: figure.label,
        value: Math.round(figure.seconds),
        text: formatDuration(figure.seconds),
        suppressed: null,
      };
  }
}

export function anonymiseSection(section: CollectedSection): ReportSection {
  return {
    id: section.id,
    title: section.title,
    summary: section.summary,
    figures: section.figures.map(anonymiseFigure),
    tables: section.tables.map(anonymiseTable),
    notes: [...(section.notes ?? [])],
  };
}

/** The value at quantile `q` (0..1) of `values`, linear between neighbours; null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? 0;
  const high = sorted[upper] ?? low;
  return low + (high - low) * (position - lower);
}
