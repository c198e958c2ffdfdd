import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createEventWriter } from '../../activity/event-writer.ts';
import { importActivityFile, schoolUsernames } from '../../activity/ingest.ts';
import { findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { cliPath, err, out } from '../cli-io.ts';

export function activityCommand(program: Command): void {
  const activity = program
    .command('activity')
    .description('Activity events: import from other sources');
  activity
    .command('import')
    .description(
      'Import activity from a file: a Squid access log (native format) or JSON lines. Bad lines are reported by ' +
        'number and skipped; each batch is written whole; importing the same file again adds nothing.',
    )
    .argument('<file>', 'the log file')
    .requiredOption('--format <format>', 'squid or jsonl')
    .option('--school <id>', 'the school the events belong to (needed when there are several)')
    .action(
      async (file: string, options: { format: string; school?: string }, command: Command) => {
        if (options.format !== 'squid' && options.format !== 'jsonl') {
          throw new CliError(`--format must be squid or jsonl, not "${options.format}".`);
        }
        const path = cliPath(file);
        if (!existsSync(path) || !statSync(path).isFile())
          throw new CliError(`${file}: no such file.`);
        const format = options.format;
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const schools = options.school
            ? [await findSchoolBySlug(store.db, options.school)]
            : await listSchools(store.db);
          const school = schools.length === 1 ? schools[0] : undefined;
          if (!school) {
            throw new CliError(
              options.school
                ? `There is no school "${options.school}".`
                : 'Say which school with --school.',
            );
          }
          const writer = await createEventWriter({
            db: store.db,
            kind: store.kind,
            spoolDir: join(resolve(config.dataDir), 'spool'),
          });
          try {
            const report = await importActivityFile(writer, path, {
              format,
              source: format === 'squid' ? 'squid-log' : 'ingest',
              schoolId: school.id,
              users: await schoolUsernames(store.db, school.id),
            });
            for (const problem of report.problems)
              err(`${file}:${problem.line}: ${problem.message}\n`);
            if (report.problemCount > report.problems.length)
              err(`(${report.problemCount - report.problems.length} more bad lines not shown)\n`);
            out(
              `Read ${report.lines} line(s) of ${file}: ${report.inserted} event(s) stored, ${report.duplicates} already there` +
                `${report.spooled ? `, ${report.spooled} spooled until the database answers` : ''}, ${report.problemCount} bad line(s) skipped.\n`,
            );
          } finally {
            await writer.close();
          }
        });
      },
    );
}
