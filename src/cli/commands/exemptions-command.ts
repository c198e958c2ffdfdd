import type { Command } from 'commander';
import { can, type Ability } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { actorOf } from '../../access/sessions.ts';
import { exemptionContext } from '../../casework/exemption-context.ts';
import { exemptionState } from '../../casework/exemption-rules.ts';
import { decideExemption, requestExemption } from '../../casework/exemptions.ts';
import { SnapshotCache } from '../../filtering/snapshot-loader.ts';
import type { Store } from '../../store/database.ts';
import { findExemption, listExemptions } from '../../store/exemption-repository.ts';
import { findUserByUsername } from '../../store/user-repository.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { out } from '../cli-io.ts';

/**
 * `haven exemptions list|request|approve|decline`: temporary exemptions (FIL-6) from the command
 * line, acting as a named member of staff (`--as`), with the same checks as the app: the person
 * must hold the ability, and may not decide their own request.
 */
async function staffActor(store: Store, username: string, ability: Ability): Promise<Actor> {
  const user = await findUserByUsername(store.db, username);
  if (!user) throw new CliError(`--as ${username}: there is no such user.`);
  const actor = actorOf(user);
  if (!actor.schoolId || !can(actor, ability, { schoolId: actor.schoolId })) {
    throw new CliError(`--as ${username}: ${user.display_name} may not do this (${ability}).`);
  }
  return actor;
}

function parseTime(option: string, value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new CliError(
      `${option} ${value} is not a time: use ISO 8601, e.g. 2026-11-23T13:00:00Z.`,
    );
  }
  return date;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function exemptionsCommand(program: Command): void {
  const exemptions = program
    .command('exemptions')
    .description('Temporary exemptions: unblock a site or category for a group for a period');

  exemptions
    .command('list')
    .description(
      'List a school’s exemptions, tab-separated: id, state, target, groups, from, until, asked by, reason',
    )
    .requiredOption('--as <username>', 'a member of staff of the school (whose school is listed)')
    .option('--state <state>', 'only this state: requested, active, scheduled, expired, …')
    .action(async (options: { as: string; state?: string }, command: Command) => {
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const actor = await staffActor(store, options.as, 'exemptions.read');
        const now = new Date();
        const rows = await listExemptions(store.db, {
          schoolId: actor.schoolId ?? '',
          limit: 500,
        });
        for (const row of rows) {
          const state = exemptionState(row, now);
          if (options.state && state !== options.state) continue;
          out(
            [
              row.id,
              state,
              row.target_kind === 'category' ? `category:${row.target}` : row.target,
              row.groups.join(','),
              new Date(row.starts_at).toISOString(),
              new Date(row.ends_at).toISOString(),
              row.requested_by_label,
              row.reason,
            ].join('\t') + '\n',
          );
        }
      });
    });

  exemptions
    .command('request')
    .description('Ask for a site or a category to be unblocked for groups for a period')
    .requiredOption('--as <username>', 'the member of staff asking')
    .option('--site <host-or-url>', 'a host (with its subdomains) or a URL prefix')
    .option('--category <id>', 'a category instead of a site')
    .requiredOption(
      '--group <group>',
      'a group of the policy, e.g. ks2 (repeat for several)',
      collect,
      [],
    )
    .requiredOption('--from <iso-time>', 'when it starts')
    .requiredOption('--until <iso-time>', 'when it ends (it ends by itself)')
    .requiredOption('--reason <text>', 'why the class needs it')
    .action(
      async (
        options: {
          as: string;
          site?: string;
          category?: string;
          group: string[];
          from: string;
          until: string;
          reason: string;
        },
        command: Command,
      ) => {
        if ((options.site === undefined) === (options.category === undefined)) {
          throw new CliError('Give either --site or --category (one of them).');
        }
        const startsAt = parseTime('--from', options.from);
        const endsAt = parseTime('--until', options.until);
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const actor = await staffActor(store, options.as, 'exemptions.request');
          const now = new Date();
          const school = await new SnapshotCache(store.db, () => now).school(actor.schoolId ?? '');
          const row = await requestExemption(
            store.db,
            actor.schoolId ?? '',
            {
              target:
                options.site !== undefined
                  ? { kind: 'site', site: options.site }
                  : { kind: 'category', category: options.category ?? '' },
              groups: options.group,
              startsAt,
              endsAt,
              reason: options.reason,
            },
            exemptionContext(school, now),
            { actor, now },
          );
          out(`${row.id}\trequested\n`);
        });
      },
    );

  for (const verb of ['approve', 'decline'] as const) {
    exemptions
      .command(`${verb} <id>`)
      .description(
        verb === 'approve'
          ? 'Approve an exemption (DSL or online safety lead; not one you asked for)'
          : 'Decline an exemption, with a note',
      )
      .requiredOption('--as <username>', 'the DSL or online safety lead deciding')
      .option('--note <text>', verb === 'approve' ? 'an optional note' : 'why (required)', '')
      .action(async (id: string, options: { as: string; note: string }, command: Command) => {
        const config = configFor(command.optsWithGlobals<GlobalOptions>());
        await withStore(config, async (store) => {
          const actor = await staffActor(store, options.as, 'exemptions.decide');
          const row = /^[0-9a-f-]{36}$/i.test(id) ? await findExemption(store.db, id) : undefined;
          if (!row || row.school_id !== actor.schoolId) {
            throw new CliError(`There is no exemption ${id} in ${options.as}'s school.`);
          }
          const now = new Date();
          const context =
            verb === 'approve'
              ? exemptionContext(
                  await new SnapshotCache(store.db, () => now).school(row.school_id),
                  now,
                )
              : null;
          const updated = await decideExemption(
            store.db,
            row,
            { approve: verb === 'approve', note: options.note },
            context,
            { actor, now },
          );
          out(`${updated.id}\t${exemptionState(updated, now)}\n`);
        });
      });
  }
}
