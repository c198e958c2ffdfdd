import type { Kysely } from 'kysely';
import { toRules } from '../policy/document/to-rules.ts';
import { compile, type Snapshot } from '../policy/engine/compile.ts';
import { ListIndexBuilder, type ListIndex } from '../policy/engine/list-index.ts';
import type { Exemption, LocalEntry } from '../policy/engine/rules.ts';
import { activeBlockListContents } from '../store/block-list-repository.ts';
import { listEnforcedExemptions } from '../store/exemption-repository.ts';
import { listLocalEntries } from '../store/local-entry-repository.ts';
import { findActivePolicyVersion } from '../store/policy-version-repository.ts';
import { findSchoolById } from '../store/school-repository.ts';
import type { Database, ExemptionRow, LocalEntryRow } from '../store/schema.ts';
import { HavenError } from '../errors/haven-error.ts';
import { loadAuaSafeList } from './aua-safe-list.ts';
import { forEachListEntry } from './list-content.ts';
import { documentOf } from './policy-versions.ts';

/**
 * Builds what the engine enforces from the database: the school's active policy version, its
 * local entries, and every active block list, compiled into one immutable snapshot.
 */
export interface LoadedLists {
  index: ListIndex;
  lists: number;
  hostEntries: number;
  urlEntries: number;
  loadedAt: Date;
}

export async function loadListIndex(db: Kysely<Database>, now: Date): Promise<LoadedLists> {
  const rows = await activeBlockListContents(db);
  let expected = 0;
  for (const row of rows) expected += Math.ceil(row.content.length * 1.5);
  const builder = new ListIndexBuilder(Math.max(1024, Math.min(expected, 8_000_000)));
  let urlEntries = 0;
  for (const row of rows) {
    forEachListEntry(row.content, (kind, value) => {
      switch (kind) {
        case 'h':
          builder.addHost(value, row.category, row.name);
          break;
        case 'u':
          urlEntries += 1;
          builder.addUrl(value, row.category, row.name);
          break;
        case 'H':
          builder.addHost(value, 'allow-list', `${row.name} (exceptions)`);
          break;
        case 'U':
          builder.addUrl(value, 'allow-list', `${row.name} (exceptions)`);
          break;
      }
    });
  }
  const hostEntries = builder.hostEntries;
  return { index: builder.build(), lists: rows.length, hostEntries, urlEntries, loadedAt: now };
}

export function localEntryRule(row: LocalEntryRow): LocalEntry {
  const isUrl = row.target.includes('/');
  return {
    id: row.id,
    action: row.action,
    target: isUrl ? { url: row.target } : { host: row.target },
    ...(row.groups.length > 0 ? { groups: row.groups } : {}),
    ...(row.category ? { category: row.category } : {}),
    reason: row.reason,
  };
}

/**
 * An approved temporary exemption as the filter needs it (FIL-6): plain strings, so a filter
 * node can keep it in its disk cache and compile the same snapshot after a restart.
 */
export interface ExemptionInput {
  readonly id: string;
  readonly targetKind: 'host' | 'url' | 'category';
  readonly target: string;
  readonly groups: readonly string[];
  /** ISO instants: the engine lets requests through when `startsAt <= now < endsAt`. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly reason: string;
  readonly requestedBy: string;
  readonly approvedBy: string;
}

export function exemptionInput(row: ExemptionRow): ExemptionInput {
  return {
    id: row.id,
    targetKind: row.target_kind,
    target: row.target,
    groups: [...row.groups],
    startsAt: new Date(row.starts_at).toISOString(),
    endsAt: new Date(row.ends_at).toISOString(),
    reason: row.reason,
    requestedBy: row.requested_by_label,
    approvedBy: row.decided_by_label ?? '',
  };
}

function untilText(iso: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

/** The engine's exemption; its reason names the request, so `haven explain` says which one. */
export function exemptionRule(input: ExemptionInput, timeZone = 'UTC'): Exemption {
  const target =
    input.targetKind === 'category'
      ? { category: input.target }
      : input.targetKind === 'url'
        ? { url: input.target }
        : { host: input.target };
  return {
    id: input.id,
    groups: [...input.groups],
    target,
    from: input.startsAt,
    until: input.endsAt,
    reason: `"${input.reason}" (asked by ${input.requestedBy}, approved by ${input.approvedBy}, until ${untilText(input.endsAt, timeZone)}).`,
  };
}

export interface SchoolSnapshot {
  schoolId: string;
  snapshot: Snapshot;
  policyVersion: { id: string; number: number };
  builtAt: Date;
}

export async function buildSchoolSnapshot(
  db: Kysely<Database>,
  schoolId: string,
  lists: ListIndex,
  now: Date,
): Promise<SchoolSnapshot> {
  const school = await findSchoolById(db, schoolId);
  if (!school) throw new HavenError('HAVEN_NOT_FOUND', 'No such school.');
  const version = await findActivePolicyVersion(db, schoolId);
  if (!version) {
    throw new HavenError(
      'HAVEN_NOT_READY',
      `${school.name} has no active policy version: approve and activate one first.`,
    );
  }
  const policy = documentOf(version);
  const locals = (await listLocalEntries(db, schoolId)).map(localEntryRule);
  const exemptions = (await listEnforcedExemptions(db, schoolId, now)).map((row) =>
    exemptionRule(exemptionInput(row), school.time_zone),
  );
  const rules = toRules(policy, { schoolId, localEntries: locals, exemptions });
  const auaSafeList = await loadAuaSafeList(db, schoolId);
  const snapshot = compile(
    {
      ...rules,
      school: { ...rules.school, id: schoolId, name: school.name, timeZone: school.time_zone },
    },
    lists,
    { auaSafeList },
  );
  return {
    schoolId,
    snapshot,
    policyVersion: { id: version.id, number: version.number },
    builtAt: now,
  };
}

/**
 * Snapshots kept in memory, one per school, over one shared list index. A change to a school's
 * policy or local entries rebuilds that school's snapshot; a list change rebuilds the index.
 * Readers always get a complete snapshot: a rebuild replaces the reference when it is ready.
 */
export class SnapshotCache {
  readonly #db: Kysely<Database>;
  readonly #clock: () => Date;
  #lists: Promise<LoadedLists> | undefined;
  readonly #schools = new Map<string, Promise<SchoolSnapshot>>();

  constructor(db: Kysely<Database>, clock: () => Date) {
    this.#db = db;
    this.#clock = clock;
  }

  lists(): Promise<LoadedLists> {
    if (!this.#lists) {
      const loading = loadListIndex(this.#db, this.#clock());
      this.#lists = loading;
      loading.catch(() => {
        if (this.#lists === loading) this.#lists = undefined;
      });
    }
    return this.#lists;
  }

  school(schoolId: string): Promise<SchoolSnapshot> {
    let entry = this.#schools.get(schoolId);
    if (!entry) {
      entry = this.lists().then((l) =>
        buildSchoolSnapshot(this.#db, schoolId, l.index, this.#clock()),
      );
      this.#schools.set(schoolId, entry);
      const built = entry;
      built.catch(() => {
        if (this.#schools.get(schoolId) === built) this.#schools.delete(schoolId);
      });
    }
    return entry;
  }

  /** The school's policy or local entries changed. */
  invalidateSchool(schoolId: string): void {
    this.#schools.delete(schoolId);
  }

  /** A block list changed: every school's snapshot is rebuilt on next use. */
  invalidateLists(): void {
    this.#lists = undefined;
    this.#schools.clear();
  }
}
