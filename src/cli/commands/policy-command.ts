import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { systemActor } from '../../access/actor.ts';
import { createDraft, documentOf } from '../../filtering/policy-versions.ts';
import { diffPolicies, formatPolicyDiff } from '../../policy/document/policy-diff.ts';
import {
  formatPolicyProblems,
  parsePolicyYaml,
  stringifyPolicyYaml,
} from '../../policy/document/policy-yaml.ts';
import { listTemplates, isTemplateId, readTemplate } from '../../policy/templates/index.ts';
import {
  findActivePolicyVersion,
  listPolicyVersions,
} from '../../store/policy-version-repository.ts';
import type { Store } from '../../store/database.ts';
import { findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import type { PolicyVersion, School } from '../../store/schema.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { out, err, cliPath } from '../cli-io.ts';

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

async function pickVersion(
  store: Store,
  school: School,
  number: string | undefined,
): Promise<PolicyVersion> {
  if (number === undefined) {
    const active = await findActivePolicyVersion(store.db, school.id);
    if (!active) throw new CliError(`${school.name} has no active policy version.`);
    return active;
  }
  const version = (await listPolicyVersions(store.db, school.id)).find(
    (v) => String(v.number) === number,
  );
  if (!version) throw new CliError(`${school.name} has no policy version ${number}.`);
  return version;
}

export function policyCommand(program: Command): void {
  const policy = program
    .command('policy')
    .description("The school's online safety policy tables: versions, templates, YAML");

  policy
    .command('templates')
    .description('The policy templates Haven ships (from two real school policies)')
    .action(() => {
      for (const t of listTemplates()) out(`${t.id.padEnd(12)} ${t.school}: ${t.description}\n`);
    });

  policy
    .command('versions')
    .description("List the school's policy versions")
    .option('--school <id>', 'the school (needed when there are several)')
    .action(async (options: { school?: string }, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const school = await pickSchool(store, options.school);
        for (const v of await listPolicyVersions(store.db, school.id)) {
          const approved = v.approved_at
            ? `approved ${new Date(v.approved_at).toISOString().slice(0, 10)}`
            : 'not approved';
          out(
            `v${String(v.number).padEnd(4)} ${v.status.padEnd(11)} ${approved.padEnd(20)} review ${v.next_review ?? '-'}  ${v.title}\n`,
          );
        }
      });
    });

  policy
    .command('export')
    .description('Print a policy version (default: the active one) or a template as YAML')
    .option('--version <n>', 'the version number')
    .option('--template <id>', 'print a template instead (roundwood, crosfields)')
    .option('--school <id>', 'the school (needed when there are several)')
    .action(
      async (
        options: { version?: string; template?: string; school?: string },
        command: Command,
      ) => {
        if (options.template) {
          if (!isTemplateId(options.template))
            throw new CliError(
              `There is no template "${options.template}" (see haven policy templates).`,
            );
          out(readTemplate(options.template));
          return;
        }
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const school = await pickSchool(store, options.school);
          out(stringifyPolicyYaml(documentOf(await pickVersion(store, school, options.version))));
        });
      },
    );

  policy
    .command('import')
    .description(
      'Check a policy YAML file and save it as a new draft (governors approve it in the app); every problem is listed with its line',
    )
    .argument('<file>', 'the YAML file (see docs/policy-format.md)')
    .option('--note <text>', 'what changed and why')
    .option('--check', 'only check the file; save nothing')
    .option('--school <id>', 'the school (needed when there are several)')
    .action(
      async (
        file: string,
        options: { note?: string; check?: boolean; school?: string },
        command: Command,
      ) => {
        if (!existsSync(cliPath(file))) throw new CliError(`${file}: no such file.`);
        const parsed = parsePolicyYaml(readFileSync(cliPath(file), 'utf8'), file);
        for (const w of parsed.warnings) err(`warning: ${formatPolicyProblems([w])}\n`);
        if (!parsed.ok)
          throw new CliError(
            `${parsed.problems.length} problem(s); nothing was saved:\n${formatPolicyProblems(parsed.problems)}`,
          );
        if (options.check) {
          out(`${file} is a valid policy.\n`);
          return;
        }
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const school = await pickSchool(store, options.school);
          const active = await findActivePolicyVersion(store.db, school.id);
          const draft = await createDraft(
            store.db,
            {
              schoolId: school.id,
              document: parsed.policy,
              basedOn: active ?? null,
              changeNote: options.note ?? `Imported from ${file}`,
            },
            { actor: systemActor('cli'), now: new Date() },
          );
          const changes = active ? diffPolicies(documentOf(active), parsed.policy) : [];
          out(
            `Saved as draft version ${draft.number} of ${school.name}; a governor approves it in the app.\n`,
          );
          if (active)
            out(
              changes.length === 0
                ? `No changes from version ${active.number}.\n`
                : `Changes from version ${active.number}:\n${formatPolicyDiff(changes)}\n`,
            );
        });
      },
    );
}
