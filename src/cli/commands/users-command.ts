import { readFileSync, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { systemActor } from '../../access/actor.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { importPeople, parsePeopleCsv } from '../../school/people-import.ts';
import { findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { out, cliPath } from '../cli-io.ts';

export function usersCommand(program: Command): void {
  const users = program.command('users').description('People: import from an MIS export');
  users
    .command('import')
    .description(
      'Import people from a CSV file as an MIS exports it: name (or forename + surname), username, email, year group or staff role. ' +
        'Running it again updates, never duplicates. If any row is wrong nothing is imported.',
    )
    .argument('<file>', 'the CSV file')
    .option(
      '--school <id>',
      'the school to import into (its id, e.g. roundwood-demo); needed when there are several',
    )
    .action(async (file: string, options: { school?: string }, command: Command) => {
      if (!existsSync(cliPath(file))) throw new CliError(`${file}: no such file.`);
      const parsed = parsePeopleCsv(readFileSync(cliPath(file), 'utf8'));
      if (!parsed.ok) {
        const lines = parsed.errors.map((e) => `  ${file}:${e.line}: ${e.message}`);
        throw new CliError(
          `${parsed.errors.length} problem(s) in ${file}; nothing was imported:\n${lines.join('\n')}`,
        );
      }
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        let school;
        if (options.school) {
          school = await findSchoolBySlug(store.db, options.school);
          if (!school)
            throw new CliError(
              `There is no school "${options.school}". Run "haven init" first, or check the id.`,
            );
        } else {
          const schools = await listSchools(store.db);
          if (schools.length !== 1) {
            throw new CliError(
              schools.length === 0
                ? 'There is no school yet: run "haven init" first.'
                : `There are ${schools.length} schools: say which with --school (${schools.map((s) => s.slug).join(', ')}).`,
            );
          }
          school = schools[0];
        }
        if (!school) throw new CliError('No school found.');
        try {
          const summary = await importPeople(store.db, {
            schoolId: school.id,
            people: parsed.people,
            actor: systemActor('cli'),
            now: new Date(),
            source: file,
          });
          out(
            `Imported ${parsed.people.length} people into ${school.name}: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged.\n`,
          );
        } catch (error) {
          if (error instanceof HavenError && error.errors) {
            throw new CliError(
              `${error.message}\n${error.errors.map((e) => `  ${file}:${e.path.replace(/^line /, '')}: ${e.message}`).join('\n')}`,
            );
          }
          throw error;
        }
      });
    });
}
