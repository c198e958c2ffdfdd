import { renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { collectDueItems, groupCalendar } from '../../reports/compliance-calendar.ts';
import { currentTerm, governorReport } from '../../reports/governor-report.ts';
import { renderGovernorReportHtml } from '../../reports/governor-report-html.ts';
import { formatDay, localDayOf } from '../../reports/governor-report-terms.ts';
import type { GovernorReport } from '../../reports/governor-report-types.ts';
import { ChromiumUnavailableError, renderPdf } from '../../reports/pdf.ts';
import type { Store } from '../../store/database.ts';
import { findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import type { School } from '../../store/schema.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { cliPath, out } from '../cli-io.ts';

async function pickSchool(store: Store, slug: string | undefined): Promise<School> {
  if (slug) {
    const school = await findSchoolBySlug(store.db, slug);
    if (!school) throw new CliError(`There is no school "${slug}".`);
    return school;
  }
  const schools = await listSchools(store.db);
  const only = schools[0];
  if (schools.length !== 1 || !only) {
    throw new CliError(
      schools.length === 0
        ? 'There is no school yet: run "haven init".'
        : `Say which school with --school (${schools.map((s) => s.slug).join(', ')}).`,
    );
  }
  return only;
}

/** Write the whole file or nothing: a temporary file renamed into place. */
function writeWhole(path: string, data: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/** The report as text for the terminal: the same anonymised figures as the page. */
export function reportText(report: GovernorReport): string {
  const lines = [
    `${report.schoolName}: termly online safety report to governors, ${report.period.label}`,
    `(${formatDay(report.period.fromDay)} to ${formatDay(report.period.toDay)}; anonymised: counts from 1 to 4 read "fewer than 5")`,
  ];
  for (const section of report.sections) {
    lines.push('', section.title);
    for (const f of section.figures) lines.push(`  ${f.label}: ${f.text}`);
    for (const t of section.tables) {
      lines.push(`  ${t.title}:`);
      for (const r of t.rows) lines.push(`    ${r.label}: ${r.text}`);
      if (t.total) lines.push(`    Total: ${t.total.text}`);
    }
  }
  lines.push(
    '',
    report.signOff
      ? `Signed off by ${report.signOff.name} (${report.signOff.role}) on ${report.signOff.signedAt.slice(0, 10)}.`
      : 'Not yet signed off by the online safety governor.',
  );
  return `${lines.join('\n')}\n`;
}

export function reportCommand(program: Command): void {
  const report = program.command('report').description('Reports for governors');
  report
    .command('governor')
    .description(
      'The termly governor report (anonymised): printed, or written as PDF or HTML. A signed report is printed as signed.',
    )
    .option(
      '--term <term>',
      'autumn-2026, spring-2027, summer-2027, or 2026-09-01..2026-10-31 (default: this term)',
    )
    .option('--pdf <file>', 'write the report as PDF (needs Chromium)')
    .option('--html <file>', 'write the report as a web page')
    .option('--school <slug>', 'the school (needed when there are several)')
    .action(
      async (
        options: { term?: string; pdf?: string; html?: string; school?: string },
        command: Command,
      ) => {
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        const now = new Date();
        const result = await withStore(config, async (store) => {
          const school = await pickSchool(store, options.school);
          const key = options.term ?? currentTerm(now, school.time_zone).key;
          return governorReport(store.db, school.id, key, now);
        });
        const page = renderGovernorReportHtml(result);
        if (options.pdf) {
          let pdf: Buffer;
          try {
            pdf = await renderPdf(page);
          } catch (error) {
            if (error instanceof ChromiumUnavailableError) throw new CliError(error.message);
            throw error;
          }
          writeWhole(cliPath(options.pdf), pdf);
          out(`Wrote ${options.pdf} (${result.period.label}, ${pdf.length} bytes).\n`);
        }
        if (options.html) {
          writeWhole(cliPath(options.html), page);
          out(`Wrote ${options.html} (${result.period.label}).\n`);
        }
        if (!options.pdf && !options.html) out(reportText(result));
      },
    );
}

export function calendarCommand(program: Command): void {
  program
    .command('calendar')
    .description(
      'Every due date of the school (policy review, annual review, governor reports), overdue first',
    )
    .option('--json', 'one JSON object: the groups and their items')
    .option('--school <slug>', 'the school (needed when there are several)')
    .action(async (options: { json?: boolean; school?: string }, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      const now = new Date();
      const { school, items } = await withStore(config, async (store) => {
        const s = await pickSchool(store, options.school);
        return { school: s, items: await collectDueItems(store.db, s.id, now) };
      });
      const groups = groupCalendar(items, school.time_zone);
      if (options.json) {
        out(
          `${JSON.stringify({
            school: school.slug,
            groups: groups.map((g) => ({
              id: g.id,
              label: g.label,
              items: g.items.map((i) => ({
                kind: i.kind,
                title: i.title,
                due: localDayOf(i.due, school.time_zone),
                overdue: i.overdue,
                href: i.href,
              })),
            })),
          })}\n`,
        );
        return;
      }
      if (groups.length === 0) {
        out(`${school.name}: nothing is due.\n`);
        return;
      }
      for (const group of groups) {
        out(`${group.label}\n`);
        for (const item of group.items) {
          out(
            `  ${localDayOf(item.due, school.time_zone)}  ${item.overdue ? 'OVERDUE  ' : ''}${item.title}\n`,
          );
        }
      }
    });
}
