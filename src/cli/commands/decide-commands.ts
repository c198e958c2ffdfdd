import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { decideForGroups, decideForUser } from '../../filtering/decide.ts';
import { SnapshotCache, type SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import type { Decision } from '../../policy/engine/decision.ts';
import type { Store } from '../../store/database.ts';
import { findSchoolById, findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import { findUserByUsername } from '../../store/user-repository.ts';
import { CliError, configFor, withStore, type GlobalOptions } from '../cli-context.ts';
import { out, io } from '../cli-io.ts';

function parseAt(at: string | undefined): Date {
  if (at === undefined) return new Date();
  const date = new Date(at);
  if (Number.isNaN(date.getTime()))
    throw new CliError(`--at ${at} is not a time: use ISO 8601, e.g. 2026-11-23T12:30:00Z.`);
  return date;
}

async function schoolSnapshot(
  store: Store,
  slug: string | undefined,
  schoolId?: string | null,
): Promise<SchoolSnapshot> {
  let id = schoolId ?? undefined;
  if (!id) {
    if (slug) {
      const school = await findSchoolBySlug(store.db, slug);
      if (!school) throw new CliError(`There is no school "${slug}".`);
      id = school.id;
    } else {
      const schools = await listSchools(store.db);
      if (schools.length !== 1) {
        throw new CliError(
          schools.length === 0
            ? 'There is no school yet: run "haven init".'
            : `Say which school with --school (${schools.map((s) => s.slug).join(', ')}).`,
        );
      }
      id = schools[0]?.id;
    }
  }
  if (!id) throw new CliError('No school.');
  return new SnapshotCache(store.db, () => new Date()).school(id);
}

function verdict(decision: Decision): 'allow' | 'block' {
  return decision.action === 'block' ? 'block' : 'allow';
}

export function decideCommands(program: Command): void {
  program
    .command('classify')
    .description(
      'Decide hostnames or URLs read one a line from stdin for a group; prints tab-separated: input, allow or block, category (or -), rule id',
    )
    .requiredOption(
      '--group <group>',
      'the group to decide for, e.g. ks2, staff; a nominated group such as safeguarding-checkers is decided as staff in that group',
    )
    .option(
      '--at <iso-time>',
      'decide as at this time (default now); time bands use the school’s time zone',
    )
    .option('--school <id>', 'the school (needed when there are several)')
    .action(async (options: { group: string; at?: string; school?: string }, command: Command) => {
      const at = parseAt(options.at);
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const snapshot = await schoolSnapshot(store, options.school);
        if (!snapshot.snapshot.groupIndex.has(options.group)) {
          throw new CliError(
            `The school's policy has no group "${options.group}" (it has ${[...snapshot.snapshot.groupIndex.keys()].join(', ')}).`,
          );
        }
        // A nominated group (e.g. safeguarding-checkers) is a set of staff: decide as staff in it.
        const kind = snapshot.snapshot.rules.groups.find((g) => g.id === options.group)?.kind;
        const groups = kind === 'nominated' ? ['staff', options.group] : [options.group];
        const lines = createInterface({ input: io().stdin(), crlfDelay: Infinity });
        let pending = '';
        for await (const raw of lines) {
          const input = raw.trim();
          if (input === '' || input.startsWith('#')) continue;
          const decision = decideForGroups(snapshot, groups, input, at);
          pending += `${input}\t${verdict(decision)}\t${decision.category ?? '-'}\t${decision.ruleId}\n`;
          if (pending.length > 65_536) {
            out(pending);
            pending = '';
          }
        }
        out(pending);
      });
    });

  program
    .command('explain')
    .description('Show the whole decision for one person and one URL, and why')
    .requiredOption('--user <username>', 'the person (their groups come from Haven)')
    .requiredOption('--url <url>', 'the URL or hostname')
    .option('--at <iso-time>', 'decide as at this time (default now)')
    .action(async (options: { user: string; url: string; at?: string }, command: Command) => {
      const at = parseAt(options.at);
      const config = configFor(command.optsWithGlobals<GlobalOptions>());
      await withStore(config, async (store) => {
        const user = await findUserByUsername(store.db, options.user);
        if (!user) throw new CliError(`There is no user "${options.user}".`);
        if (!user.school_id)
          throw new CliError(
            `${options.user} is a trust administrator: filtering decisions are per school.`,
          );
        const school = await findSchoolById(store.db, user.school_id);
        const snapshot = await schoolSnapshot(store, undefined, user.school_id);
        const { decision, groups } = await decideForUser(store.db, snapshot, user, options.url, at);
        const local = new Intl.DateTimeFormat('en-GB', {
          dateStyle: 'full',
          timeStyle: 'short',
          timeZone: school?.time_zone ?? 'Europe/London',
        }).format(at);
        const rows: [string, string][] = [
          ['Decision', decision.action.toUpperCase()],
          ['Why', decision.reason],
          ['Rule', decision.ruleId],
          ['Category', decision.category ?? '(none)'],
          ['All categories', decision.categories.join(', ') || '(none)'],
          [
            'Matched',
            decision.list
              ? `${decision.list.kind} entry ${decision.list.entry} in ${decision.list.name}`
              : '(no list)',
          ],
          ['Confidence', String(decision.confidence)],
          ['Level', decision.level ?? '(none)'],
          ['Deciding group', decision.group ?? '(none)'],
          [
            'Time band',
            decision.band
              ? `${decision.band.label} ${decision.band.hours}${decision.band.active ? ' (now)' : decision.band.next ? `; next allowed ${decision.band.next.weekday} ${decision.band.next.date} ${decision.band.next.time}` : ''}`
              : '(none)',
          ],
          [
            'Person',
            `${user.display_name} (${user.username}); groups ${groups.join(', ') || '(none: the policy’s fallback group applies)'}`,
          ],
          ['Host', decision.host],
          ['At', `${local} (${school?.time_zone ?? 'Europe/London'})`],
          ['Policy', `version ${snapshot.policyVersion.number} of ${school?.name ?? 'the school'}`],
        ];
        for (const [k, v] of rows) out(`${k.padEnd(16)} ${v}\n`);
      });
    });
}
