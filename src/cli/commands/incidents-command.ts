import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { systemActor } from '../../access/actor.ts';
import { exportIncidents, exportToCsv } from '../../casework/casework-export.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { cliPath, out } from '../cli-io.ts';

interface ExportOptions {
  pupil?: string;
  format?: string;
  out?: string;
  school?: string;
}

/**
 * `haven incidents export`: the school's incident records (or one pupil's) as JSON or CSV for its
 * safeguarding system (docs/casework-export.md). Run on the server by its administrator; the
 * export is an audit entry (actor `system:cli`). Bad input writes nothing and exits 1.
 */
export function incidentsCommand(program: Command): void {
  const incidents = program.command('incidents').description('Online safety incidents (casework)');
  incidents
    .command('export')
    .description(
      "Export every incident, or one pupil's, as JSON or CSV for CPOMS, MyConcern or iSAMS (audited)",
    )
    .option('--pupil <username>', "only this pupil's incidents")
    .option('--format <format>', 'json or csv', 'json')
    .option('--out <file>', 'write to this file instead of printing')
    .option('--school <slug>', 'the school (needed when there are several)')
    .action(async (options: ExportOptions, command: Command) => {
      const format = options.format ?? 'json';
      if (format !== 'json' && format !== 'csv') {
        throw new CliError(`--format must be json or csv, not "${format}".`);
      }
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      const text = await withStore(config, async (store) => {
        let schoolId: string;
        if (options.school !== undefined) {
          const school = await findSchoolBySlug(store.db, options.school);
          if (!school) throw new CliError(`There is no school "${options.school}".`);
          schoolId = school.id;
        } else {
          const schools = await listSchools(store.db);
          const only = schools[0];
          if (schools.length !== 1 || !only) {
            throw new CliError(
              schools.length === 0
                ? 'There is no school yet: run "haven init".'
                : `Say which school with --school (${schools.map((s) => s.slug).join(', ')}).`,
            );
          }
          schoolId = only.id;
        }
        try {
          const data = await exportIncidents(
            store.db,
            systemActor('cli'),
            { schoolId, pupil: options.pupil },
            new Date(),
          );
          return format === 'csv' ? exportToCsv(data) : `${JSON.stringify(data, null, 2)}\n`;
        } catch (error) {
          if (error instanceof HavenError) throw new CliError(error.message);
          throw error;
        }
      });
      if (options.out === undefined) {
        out(text);
        return;
      }
      writeFileSync(cliPath(options.out), text);
      out(`Wrote the incident export (${format}) to ${options.out}.\n`);
    });
}
