import type { Command } from 'commander';
import { systemActor } from '../../access/actor.ts';
import { exportRegisterCsv } from '../../governance/register-workflow.ts';
import { findRegister, registers } from '../../governance/registers/index.ts';
import { findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import type { Store } from '../../store/database.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { out } from '../cli-io.ts';

async function schoolOf(store: Store, slug: string | undefined): Promise<string> {
  const schools = slug ? [await findSchoolBySlug(store.db, slug)] : await listSchools(store.db);
  const school = schools.length === 1 ? schools[0] : undefined;
  if (!school) {
    throw new CliError(
      slug
        ? `There is no school "${slug}".`
        : 'There are several schools: say which with --school SLUG.',
    );
  }
  return school.id;
}

/** `haven registers list|export`: the governance registers from the command line (read only). */
export function registersCommand(program: Command): void {
  const command = program
    .command('registers')
    .description('The governance registers (GOV-1, GOV-6 to GOV-9)');
  command
    .command('list')
    .description('The registers: name, area and title')
    .action(() => {
      for (const r of registers) out(`${r.key}\t${r.area}\t${r.title}\n`);
    });
  command
    .command('export <register>')
    .description('Print a register as CSV (the same columns as the web page’s download; audited)')
    .option('--school <slug>', 'the school (needed when there are several)')
    .option('--archived', 'include archived rows')
    .option('--flagged', 'only rows with a flag')
    .action(
      async (
        key: string,
        options: { school?: string; archived?: boolean; flagged?: boolean },
        sub: Command,
      ) => {
        const definition = findRegister(key);
        if (!definition)
          throw new CliError(
            `There is no register "${key}". Registers: ${registers.map((r) => r.key).join(', ')}.`,
          );
        const config = configFor(sub.optsWithGlobals<GlobalOptions>());
        const csv = await withStore(config, async (store) =>
          exportRegisterCsv(
            store.db,
            systemActor('cli'),
            definition,
            await schoolOf(store, options.school),
            { archived: options.archived === true, flagged: options.flagged === true },
            new Date(),
          ),
        );
        out(csv);
      },
    );
}
