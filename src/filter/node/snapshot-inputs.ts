import { createHash } from 'node:crypto';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { HavenError } from '../../errors/haven-error.ts';
import {
  exemptionInput,
  exemptionRule,
  type ExemptionInput,
  type SchoolSnapshot,
} from '../../filtering/snapshot-loader.ts';
import { toRules } from '../../policy/document/to-rules.ts';
import type { Policy } from '../../policy/document/policy-schema.ts';
import { validatePolicy } from '../../policy/document/policy-validate.ts';
import { compile, type AuaSafeListInput } from '../../policy/engine/compile.ts';
import { loadAuaSafeList } from '../../filtering/aua-safe-list.ts';
import { ListIndexBuilder, type ListIndex } from '../../policy/engine/list-index.ts';
import type { LocalEntry } from '../../policy/engine/rules.ts';
import {
  activeBlockListContents,
  listActiveBlockLists,
} from '../../store/block-list-repository.ts';
import { listEnforcedExemptions } from '../../store/exemption-repository.ts';
import { listLocalEntries } from '../../store/local-entry-repository.ts';
import { findActivePolicyVersion } from '../../store/policy-version-repository.ts';
import { listSchools } from '../../store/school-repository.ts';
import type { Database } from '../../store/schema.ts';

/**
 * Everything a filter node compiles its snapshots from — the schools, each school's active
 * policy document and local entries, and the active block lists (gzipped, as stored) — read in
 * one consistent database snapshot, or from the disk cache. Compiling from these inputs is the
 * same whichever way they came, so a node restarted from its disk cache decides exactly as it
 * did with the database.
 */
export interface SchoolInfo {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly timeZone: string;
}

export interface LocalEntryInput {
  readonly id: string;
  readonly action: 'allow' | 'block';
  readonly target: string;
  readonly groups: readonly string[];
  readonly category: string | null;
  readonly reason: string;
}

export interface SchoolInputs {
  readonly school: SchoolInfo;
  /** Null when the school has no active policy version: nothing to enforce (devices are refused). */
  readonly policy: {
    readonly versionId: string;
    readonly number: number;
    /** The stored document (validated again when compiled). */
    readonly document: unknown;
  } | null;
  readonly localEntries: readonly LocalEntryInput[];
  /**
   * Approved temporary exemptions not yet over when read (FIL-6). Optional: a disk cache written
   * before exemptions existed has none.
   */
  readonly exemptions?: readonly ExemptionInput[];
  /** Present when the school keeps people who have not signed the AUA on a safe list (GOV-4). */
  readonly aua?: AuaSafeListInput;
}

export interface ListInput {
  readonly name: string;
  readonly category: string;
  /** gzip of the normalised entries (see filtering/list-content.ts). */
  readonly content: Buffer;
}

/** The block lists as a node knows them: what identifies them, and their contents when read. */
export interface ListsInput {
  /** `name category checksum` of every active list: equal signatures mean equal lists. */
  readonly signature: string;
  /** Null when the signature equals the one the node already has (contents not re-read). */
  readonly contents: readonly ListInput[] | null;
}

export interface DatabaseInputs {
  /** Newest id of the filter change log when read (`0` when empty). */
  readonly stamp: string;
  readonly schools: readonly SchoolInputs[];
  readonly lists: ListsInput;
}

/** The newest id of the filter change log: a cheap "has anything changed" stamp. */
export async function filterChangeStamp(db: Kysely<Database>): Promise<string> {
  const row = await sql<{
    stamp: string;
  }>`select coalesce(max(id), 0)::text as stamp from filter_changes`.execute(db);
  return row.rows[0]?.stamp ?? '0';
}

/**
 * Read every input in one repeatable-read transaction, so the stamp, the policies and the lists
 * belong together. List contents are read only when their signature differs from `knownLists`.
 */
export async function readDatabaseInputs(
  db: Kysely<Database>,
  knownLists: string | null,
  now: Date = new Date(),
): Promise<DatabaseInputs> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const stamp = await filterChangeStamp(trx);
      const summaries = await listActiveBlockLists(trx);
      const signature = summaries
        .map((l) => `${l.name} ${l.category} ${l.checksum}`)
        .sort()
        .join('\n');
      const contents =
        signature === knownLists
          ? null
          : (await activeBlockListContents(trx)).map((row) => ({
              name: row.name,
              category: row.category,
              content: Buffer.from(row.content),
            }));
      const schools: SchoolInputs[] = [];
      for (const school of await listSchools(trx)) {
        const version = await findActivePolicyVersion(trx, school.id);
        const locals = version ? await listLocalEntries(trx, school.id) : [];
        const exemptions = version ? await listEnforcedExemptions(trx, school.id, now) : [];
        const aua = version ? await loadAuaSafeList(trx, school.id) : undefined;
        schools.push({
          school: {
            id: school.id,
            slug: school.slug,
            name: school.name,
            timeZone: school.time_zone,
          },
          policy: version
            ? { versionId: version.id, number: version.number, document: version.document }
            : null,
          localEntries: locals.map((row) => ({
            id: row.id,
            action: row.action,
            target: row.target,
            groups: [...row.groups],
            category: row.category,
            reason: row.reason,
          })),
          exemptions: exemptions.map(exemptionInput),
          ...(aua === undefined ? {} : { aua }),
        });
      }
      return { stamp, schools, lists: { signature, contents } };
    });
}

/** A content fingerprint of a school's inputs: equal fingerprints compile to equal snapshots. */
export function schoolFingerprint(inputs: SchoolInputs): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

export interface BuiltLists {
  readonly index: ListIndex;
  readonly lists: number;
  readonly hostEntries: number;
  readonly urlEntries: number;
}

const gunzipAsync = promisify(gunzip);
const yieldToRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Index the lists as `filtering/snapshot-loader.ts#loadListIndex` does, but in slices that give
 * the event loop back every `sliceSize` entries, so a node keeps answering requests (from its
 * current snapshot) while a million-entry list is indexed.
 */
export async function buildListIndex(
  lists: readonly ListInput[],
  sliceSize = 50_000,
): Promise<BuiltLists> {
  let expected = 0;
  for (const list of lists) expected += Math.ceil(list.content.length * 1.5);
  const builder = new ListIndexBuilder(Math.max(1024, Math.min(expected, 8_000_000)));
  let urlEntries = 0;
  let slice = 0;
  for (const list of lists) {
    const text = (await gunzipAsync(list.content)).toString('utf8');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const kind = text[start];
      if (end - start > 2) {
        const value = text.slice(start + 2, end);
        switch (kind) {
          case 'h':
            builder.addHost(value, list.category, list.name);
            break;
          case 'u':
            urlEntries += 1;
            builder.addUrl(value, list.category, list.name);
            break;
          case 'H':
            builder.addHost(value, 'allow-list', `${list.name} (exceptions)`);
            break;
          case 'U':
            builder.addUrl(value, 'allow-list', `${list.name} (exceptions)`);
            break;
        }
      }
      start = end + 1;
      slice += 1;
      if (slice >= sliceSize) {
        slice = 0;
        await yieldToRequests();
      }
    }
  }
  const hostEntries = builder.hostEntries;
  await yieldToRequests();
  return { index: builder.build(), lists: lists.length, hostEntries, urlEntries };
}

function localRule(entry: LocalEntryInput): LocalEntry {
  const isUrl = entry.target.includes('/');
  return {
    id: entry.id,
    action: entry.action,
    target: isUrl ? { url: entry.target } : { host: entry.target },
    ...(entry.groups.length > 0 ? { groups: [...entry.groups] } : {}),
    ...(entry.category ? { category: entry.category } : {}),
    reason: entry.reason,
  };
}

export interface CompiledSchool {
  readonly snapshot: SchoolSnapshot;
  /** The validated policy document (for what the snapshot does not carry: the mobile technologies table). */
  readonly policy: Policy;
}

/**
 * Compile one school's snapshot, as `filtering/snapshot-loader.ts#buildSchoolSnapshot` does from
 * the database. Throws when the school has no active policy or the document no longer validates.
 */
export function compileSchool(inputs: SchoolInputs, lists: ListIndex, now: Date): CompiledSchool {
  const { school, policy } = inputs;
  if (!policy) {
    throw new HavenError(
      'HAVEN_NOT_READY',
      `${school.name} has no active policy version: approve and activate one first.`,
    );
  }
  const validated = validatePolicy(policy.document);
  if (!validated.ok) {
    throw new HavenError(
      'HAVEN_INTERNAL',
      `Policy version ${policy.number} of ${school.name} no longer validates: ${validated.errors.length} problem(s).`,
    );
  }
  const rules = toRules(validated.policy, {
    schoolId: school.id,
    localEntries: inputs.localEntries.map(localRule),
    exemptions: (inputs.exemptions ?? []).map((x) => exemptionRule(x, school.timeZone)),
  });
  const snapshot = compile(
    {
      ...rules,
      school: { ...rules.school, id: school.id, name: school.name, timeZone: school.timeZone },
    },
    lists,
    { auaSafeList: inputs.aua },
  );
  return {
    snapshot: {
      schoolId: school.id,
      snapshot,
      policyVersion: { id: policy.versionId, number: policy.number },
      builtAt: now,
    },
    policy: validated.policy,
  };
}
