import { html, joinHtml, type Html } from './html.ts';
import type { ReportTable } from './governor-report-types.ts';

/**
 * Bar charts as inline SVG, drawn on the server from the anonymised tables (never from raw
 * counts), so the page, the PDF and the signed snapshot show the same thing and the browser runs
 * no script. Each chart is an image with a title and a description naming every bar; the table
 * beside it carries the same figures for screen readers and for anyone who prefers numbers.
 *
 * A count shown as "fewer than 5" is a short hatched bar (its length says nothing more than the
 * words); a withheld count has no bar.
 */

export interface BarChartOptions {
  /** Unique within the page: ids of the title and description derive from it. */
  readonly id: string;
  readonly width?: number;
}

const ROW_HEIGHT = 24;
const BAR_HEIGHT = 16;
const LABEL_WIDTH = 176;
const VALUE_WIDTH = 88;
const PADDING = 8;

/** Label text for the chart: at most `max` characters, ellipsis after. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The sentence a screen reader hears for the chart. */
export function chartDescription(table: ReportTable): string {
  if (table.rows.length === 0) return `${table.title}: nothing to show for this period.`;
  return `${table.title}. ${table.rows.map((r) => `${r.label}: ${r.text}`).join('; ')}.`;
}

export function barChartSvg(table: ReportTable, options: BarChartOptions): Html {
  const width = options.width ?? 400;
  const titleId = `${options.id}-title`;
  const descId = `${options.id}-desc`;
  const barSpace = width - LABEL_WIDTH - VALUE_WIDTH - PADDING * 2;
  const max = Math.max(5, ...table.rows.map((r) => r.value ?? 0));
  const rows = table.rows.length === 0 ? 1 : table.rows.length;
  const height = rows * ROW_HEIGHT + PADDING * 2;
  const patternId = `${options.id}-small`;
  const bars =
    table.rows.length === 0
      ? [
          html`<text x="${PADDING}" y="${PADDING + 17}" class="chart-label"
            >Nothing to show for this period.</text
          >`,
        ]
      : table.rows.map((row, index) => {
          const y = PADDING + index * ROW_HEIGHT;
          const barY = y + (ROW_HEIGHT - BAR_HEIGHT) / 2;
          const textY = y + ROW_HEIGHT / 2 + 4;
          let bar: Html | null = null;
          let barEnd = LABEL_WIDTH;
          if (row.value !== null && row.value > 0) {
            const w = Math.max(2, Math.round((row.value / max) * barSpace));
            barEnd = LABEL_WIDTH + w;
            bar = html`<rect
              x="${LABEL_WIDTH}"
              y="${barY}"
              width="${w}"
              height="${BAR_HEIGHT}"
              class="chart-bar"
            ></rect>`;
          } else if (row.suppressed === 'small') {
            const w = Math.max(6, Math.round((4 / max) * barSpace));
            barEnd = LABEL_WIDTH + w;
            bar = html`<rect
              x="${LABEL_WIDTH}"
              y="${barY}"
              width="${w}"
              height="${BAR_HEIGHT}"
              fill="url(#${patternId})"
              class="chart-bar-small"
            ></rect>`;
          }
          return html`<g class="chart-row">
            <text x="${LABEL_WIDTH - 8}" y="${textY}" text-anchor="end" class="chart-label"
              >${clip(row.label, 26)}</text
            >
            ${bar}
            <text x="${barEnd + 6}" y="${textY}" class="chart-value">${row.text}</text>
          </g>`;
        });
  return html`<svg
    xmlns="http://www.w3.org/2000/svg"
    class="chart"
    role="img"
    aria-labelledby="${titleId} ${descId}"
    viewBox="0 0 ${width} ${height}"
    width="${width}"
    height="${height}"
  >
    <title id="${titleId}">${table.title}</title>
    <desc id="${descId}">${chartDescription(table)}</desc>
    <defs>
      <pattern
        id="${patternId}"
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill="#ffffff"></rect>
        <line x1="0" y1="0" x2="0" y2="6" stroke="#1d5c63" stroke-width="3"></line>
      </pattern>
    </defs>
    ${joinHtml(bars)}
  </svg>`;
}
