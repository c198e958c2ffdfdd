import { FEWER_THAN_5, WITHHELD } from './anonymise.ts';
import { barChartSvg } from './charts.ts';
import type {
  GovernorReport,
  ReportFigure,
  ReportSection,
  ReportTable,
} from './governor-report-types.ts';
import { formatDay } from './governor-report-terms.ts';
import { html, rawHtml, type Html } from './html.ts';

/**
 * The governor report as HTML, from the anonymised report only. `renderGovernorReportBody` is
 * the one piece of markup: the app shows it inside its page, and `renderGovernorReportHtml`
 * wraps the same markup in a standalone document that Chromium prints to PDF. Its style sheet is
 * scoped to `.haven-report` so it can sit inside the app. Pure: no I/O, no clock.
 */

export const GOVERNOR_REPORT_TITLE = 'Termly online safety report to governors';

const STYLE = `
.haven-report { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; color: #1a1a1a; line-height: 1.45; font-size: 11pt; }
.haven-report h2 { font-size: 16pt; margin: 0 0 2mm; }
.haven-report h3 { font-size: 13pt; margin: 6mm 0 1mm; padding-top: 2mm; border-top: 0.4mm solid #1d5c63; break-after: avoid; page-break-after: avoid; }
.haven-report h4 { font-size: 11pt; margin: 3mm 0 1mm; break-after: avoid; page-break-after: avoid; }
.haven-report .report-meta { margin: 0 0 3mm; color: #333; }
.haven-report .report-meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.5mm 3mm; }
.haven-report .report-meta dt { font-weight: 700; }
.haven-report .report-meta dd { margin: 0; }
.haven-report .anonymity { border-left: 1.2mm solid #1d5c63; background: #eef5f5; padding: 2mm 3mm; margin: 3mm 0; }
.haven-report .summary { margin: 0 0 2mm; }
.haven-report .figures { break-inside: avoid; page-break-inside: avoid; display: flex; flex-wrap: wrap; gap: 2mm; margin: 2mm 0 3mm; padding: 0; list-style: none; }
.haven-report .figures li { border: 0.3mm solid #9aa9ad; border-radius: 1.5mm; padding: 1.5mm 3mm; min-width: 38mm; break-inside: avoid; }
.haven-report .figure-value { display: block; font-size: 14pt; font-weight: 700; }
.haven-report .figure-label { display: block; font-size: 9pt; color: #333; }
.haven-report .table-block { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 4mm; align-items: start; margin: 1mm 0 3mm; break-inside: avoid; page-break-inside: avoid; }
.haven-report .table-block.no-chart { grid-template-columns: minmax(0, 1fr); max-width: 120mm; }
.haven-report figure { margin: 0; padding-top: 6mm; }
.haven-report .chart { width: 100%; height: auto; max-width: 400px; }
.haven-report .chart-label, .haven-report .chart-value { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; font-size: 13px; fill: #1a1a1a; }
.haven-report .chart-bar { fill: #1d5c63; }
.haven-report .chart-bar-small { stroke: #1d5c63; stroke-width: 1; }
.haven-report table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
.haven-report caption { text-align: left; font-weight: 700; padding-bottom: 1mm; }
.haven-report th, .haven-report td { border: 0.25mm solid #6b6b6b; padding: 1mm 2mm; text-align: left; vertical-align: top; }
.haven-report thead th { background: #1d5c63; color: #fff; }
.haven-report td.count, .haven-report th.count { text-align: right; white-space: nowrap; }
.haven-report tfoot th, .haven-report tfoot td { font-weight: 700; background: #eef5f5; }
.haven-report .suppressed { font-style: italic; }
.haven-report .notes { font-size: 9pt; color: #333; margin: 1mm 0 0; padding-left: 5mm; }
.haven-report .sign-off h3 { border-top: 0; padding-top: 0; margin-top: 2mm; }
.haven-report .sign-off { margin-top: 6mm; border: 0.4mm solid #1d5c63; padding: 2mm 4mm; break-inside: avoid; }
.haven-report .sign-off.unsigned { border-style: dashed; }
.haven-report .report-footer { margin-top: 6mm; font-size: 8.5pt; color: #333; }
@media (max-width: 700px) { .haven-report .table-block { grid-template-columns: minmax(0, 1fr); } }
@media print { .haven-report .table-block { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
`;

const DOCUMENT_STYLE = `
@page { size: A4; }
body { margin: 0 auto; max-width: 190mm; padding: 8mm; background: #fff; }
@media print { body { padding: 0; max-width: none; } }
h1 { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; font-size: 12pt; font-weight: 400; color: #333; margin: 0 0 1mm; }
`;

function formatInstant(iso: string, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'long', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(new Date(iso));
  } catch {
    return `${new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(new Date(iso))} UTC`;
  }
}

function valueCell(text: string, suppressed: string | null): Html {
  return html`<td class="count${suppressed ? ' suppressed' : ''}">${text}</td>`;
}

function renderFigure(figure: ReportFigure): Html {
  return html`<li>
    <span class="figure-value${figure.suppressed ? ' suppressed' : ''}">${figure.text}</span>
    <span class="figure-label">${figure.label}</span>
  </li>`;
}

function renderTable(table: ReportTable, sectionId: string): Html {
  const tableMarkup = html`<table>
    <caption>
      ${table.title}
    </caption>
    <thead>
      <tr>
        <th scope="col">${table.labelHeading}</th>
        <th scope="col" class="count">${table.countHeading}</th>
      </tr>
    </thead>
    <tbody>
      ${
        table.rows.length === 0
          ? html`<tr>
              <td colspan="2">None in this period.</td>
            </tr>`
          : table.rows.map(
              (row) =>
                html`<tr>
                  <th scope="row">${row.label}</th>
                  ${valueCell(row.text, row.suppressed)}
                </tr>`,
            )
      }
    </tbody>
    ${
      table.total
        ? html`<tfoot>
            <tr>
              <th scope="row">Total</th>
              ${valueCell(table.total.text, table.total.suppressed)}
            </tr>
          </tfoot>`
        : null
    }
  </table>`;
  if (!table.chart) return html`<div class="table-block no-chart">${tableMarkup}</div>`;
  return html`<div class="table-block">
    <figure>${barChartSvg(table, { id: `chart-${sectionId}-${table.id}` })}</figure>
    ${tableMarkup}
  </div>`;
}

function renderSection(section: ReportSection): Html {
  return html`<section aria-labelledby="section-${section.id}" data-section="${section.id}">
    <h3 id="section-${section.id}">${section.title}</h3>
    <p class="summary">${section.summary}</p>
    ${
      section.figures.length > 0
        ? html`<ul class="figures">
            ${section.figures.map(renderFigure)}
          </ul>`
        : null
    }
    ${section.tables.map((t) => renderTable(t, section.id))}
    ${
      section.notes.length > 0
        ? html`<ul class="notes">
            ${section.notes.map((n) => html`<li>${n}</li>`)}
          </ul>`
        : null
    }
  </section>`;
}

function renderSignOff(report: GovernorReport): Html {
  const s = report.signOff;
  if (!s) {
    return html`<section class="sign-off unsigned" aria-labelledby="sign-off">
      <h3 id="sign-off">Sign-off</h3>
      <p>
        Not yet signed off by the online safety governor. Until it is, the figures are collected
        afresh each time the report is opened.
      </p>
    </section>`;
  }
  return html`<section class="sign-off" aria-labelledby="sign-off">
    <h3 id="sign-off">Sign-off</h3>
    <p>
      Signed off by <strong>${s.name}</strong> (${s.role}) on
      ${formatInstant(s.signedAt, report.period.timeZone)}.
    </p>
    ${s.comment ? html`<p><strong>Comment:</strong> ${s.comment}</p>` : null}
    <p>The figures above are kept as they were when it was signed.</p>
  </section>`;
}

/** The report's markup (with its scoped style sheet): the app's page and the PDF both show this. */
export function renderGovernorReportBody(report: GovernorReport): Html {
  return html`<article class="haven-report" aria-labelledby="report-title">
    <style>
      ${rawHtml(STYLE)}
    </style>
    <h2 id="report-title">${GOVERNOR_REPORT_TITLE}: ${report.period.label}</h2>
    <dl class="report-meta">
      <dt>School</dt>
      <dd>${report.schoolName}</dd>
      <dt>Period</dt>
      <dd>${formatDay(report.period.fromDay)} to ${formatDay(report.period.toDay)}</dd>
      <dt>Figures collected</dt>
      <dd>${formatInstant(report.collectedAt, report.period.timeZone)}</dd>
    </dl>
    <p class="anonymity">
      This report is anonymised: it names nobody, and any count from 1 to 4 is shown as
      “${FEWER_THAN_5}”. Where a small count could be worked out from a total, another count is
      ${WITHHELD} too.
    </p>
    ${report.sections.map(renderSection)} ${renderSignOff(report)}
    <p class="report-footer">
      Generated by Haven from the school’s own records for ${report.schoolName}.
    </p>
  </article>`;
}

/** The report as one standalone HTML5 document (en-GB): what Chromium prints to PDF. */
export function renderGovernorReportHtml(report: GovernorReport): string {
  const title = `${report.schoolName} — ${GOVERNOR_REPORT_TITLE}: ${report.period.label}`;
  return html`<!DOCTYPE html>
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          http-equiv="Content-Security-Policy"
          content="default-src 'none'; style-src 'unsafe-inline'"
        />
        <meta name="generator" content="Haven" />
        <title>${title}</title>
        <style>
          ${rawHtml(DOCUMENT_STYLE)}
        </style>
      </head>
      <body>
        <header><h1>${report.schoolName}</h1></header>
        <main>${renderGovernorReportBody(report)}</main>
      </body>
    </html> `.value;
}
