import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { systemActor } from '../../access/actor.ts';
import { passwordProblem } from '../../access/passwords.ts';
import { demoAccounts, setupDemoSchool } from '../../demo/demo-school.ts';
import { createPerson } from '../../school/people.ts';
import { createSchool, schoolSlugPattern } from '../../school/schools.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { out, cliPath } from '../cli-io.ts';

const schoolFile = z
  .object({
    school: z
      .object({
        name: z.string().trim().min(2, 'enter the school name'),
        slug: z.string().regex(schoolSlugPattern, 'use lower-case letters, digits and dashes'),
        timeZone: z.string().default('Europe/London'),
      })
      .strict(),
    admin: z
      .object({
        username: z
          .string()
          .regex(
            /^[a-z0-9][a-z0-9._-]{1,63}$/,
            'use 2–64 lower-case letters, digits, dots, dashes or underscores',
          ),
        displayName: z.string().trim().min(1),
        email: z.email().optional(),
        password: z.string().refine((p) => passwordProblem(p, { demoSchool: false }) === null, {
          message: 'needs at least 10 characters (and not the demo password)',
        }),
      })
      .strict(),
  })
  .strict();

type SchoolFile = z.infer<typeof schoolFile>;

async function ask(): Promise<SchoolFile> {
  if (!process.stdin.isTTY) {
    throw new CliError(
      'haven init needs a terminal to ask questions, or --file school.yaml, or --demo. See haven init --help.',
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const name = (await rl.question('School name: ')).trim();
    const slug =
      (
        await rl.question(
          `Short id for the school [${name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-|-$/g, '')}]: `,
        )
      ).trim() ||
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
    const username = (
      await rl.question('Username of the first administrator (head or online safety lead): ')
    )
      .trim()
      .toLowerCase();
    const displayName = (await rl.question('Their full name: ')).trim();
    const email = (await rl.question('Their email (optional): ')).trim();
    const password = await rl.question('Their password (at least 10 characters): ');
    return schoolFile.parse({
      school: { name, slug },
      admin: { username, displayName, password, ...(email ? { email } : {}) },
    });
  } finally {
    rl.close();
  }
}

export function initCommand(program: Command): void {
  program
    .command('init')
    .description(
      'Set up a school: interactively, from a file, or the demo school (--demo); nothing is started',
    )
    .option('--demo', 'set up the demo school and its accounts')
    .option(
      '--file <school.yaml>',
      'read the school and its first administrator from a YAML file (see docs/operations.md)',
    )
    .action(async (options: { demo?: boolean; file?: string }, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      if (options.demo) {
        await withStore(config, async (store) => {
          const { school, created } = await setupDemoSchool(store.db, new Date());
          out(
            `${created ? 'Set up' : 'Already there:'} ${school.name} with the accounts ${demoAccounts.map((a) => a.username).join(', ')} (password "haven-demo").\n`,
          );
        });
        return;
      }
      let input: SchoolFile;
      if (options.file) {
        if (!existsSync(cliPath(options.file)))
          throw new CliError(`${options.file}: no such file.`);
        const parsed = schoolFile.safeParse(parseYaml(readFileSync(cliPath(options.file), 'utf8')));
        if (!parsed.success) {
          throw new CliError(
            `${options.file} is not a valid school file:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
          );
        }
        input = parsed.data;
      } else {
        try {
          input = await ask();
        } catch (error) {
          if (error instanceof z.ZodError) {
            throw new CliError(
              `Not set up:\n${error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
            );
          }
          throw error;
        }
      }
      await withStore(config, async (store) => {
        const actor = systemActor('init');
        const now = new Date();
        await store.db.transaction().execute(async (trx) => {
          const school = await createSchool(trx, { ...input.school, actor, now });
          await createPerson(
            trx,
            {
              schoolId: school.id,
              username: input.admin.username,
              displayName: input.admin.displayName,
              email: input.admin.email ?? null,
              roles: ['staff', 'head', 'online-safety-lead'],
              groups: ['staff'],
              password: input.admin.password,
            },
            { actor, now },
          );
          out(
            `Set up ${school.name} (${school.slug}); ${input.admin.username} can sign in as its administrator.\n`,
          );
        });
      });
    });
}
