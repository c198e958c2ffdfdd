import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database, ExemptionRow, ExemptionTable, ExemptionTargetKind } from './schema.ts';

/** Temporary exemptions (FIL-6): requests, decisions, revocations. */
export interface NewExemption {
  schoolId: string;
  targetKind: ExemptionTargetKind;
  target: string;
  groups: string[];
  startsAt: Date;
  endsAt: Date;
  reason: string;
  requestedBy: string | null;
  requestedByLabel: string;
  now: Date;
}

export async function insertExemption(
  db: Kysely<Database>,
  input: NewExemption,
): Promise<ExemptionRow> {
  return db
    .insertInto('exemptions')
    .values({
      school_id: input.schoolId,
      target_kind: input.targetKind,
      target: input.target,
      groups: input.groups,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      reason: input.reason,
      status: 'requested',
      requested_by: input.requestedBy,
      requested_by_label: input.requestedByLabel,
      requested_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findExemption(
  db: Kysely<Database>,
  id: string,
): Promise<ExemptionRow | undefined> {
  return db.selectFrom('exemptions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Update an exemption only while it still has the status the caller read (no lost updates). */
export async function updateExemption(
  db: Kysely<Database>,
  id: string,
  expectedStatus: ExemptionRow['status'],
  changes: Updateable<ExemptionTable>,
): Promise<ExemptionRow | undefined> {
  return db
    .updateTable('exemptions')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', expectedStatus)
    .returningAll()
    .executeTakeFirst();
}

export interface ExemptionQuery {
  schoolId: string;
  status?: ExemptionRow['status'] | undefined;
  requestedBy?: string | undefined;
  /** Only those whose window overlaps [from, to). */
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
}

export async function listExemptions(
  db: Kysely<Database>,
  query: ExemptionQuery,
): Promise<ExemptionRow[]> {
  let q = db.selectFrom('exemptions').selectAll().where('school_id', '=', query.schoolId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.requestedBy) q = q.where('requested_by', '=', query.requestedBy);
  if (query.from) q = q.where('ends_at', '>', query.from);
  if (query.to) q = q.where('starts_at', '<', query.to);
  return q.orderBy('starts_at', 'desc').orderBy('id').limit(query.limit).execute();
}

/**
 * Approved exemptions not yet over at `now` (and not revoked), for the filter's snapshot. The
 * engine decides with each one's window, so one that starts later is already included.
 */
export async function listEnforcedExemptions(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
): Promise<ExemptionRow[]> {
  return db
    .selectFrom('exemptions')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('status', '=', 'approved')
    .where('ends_at', '>', now)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
}

/** Approved exemptions that have ended and whose end is not yet in the change log. */
export async function listEndedUnlogged(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<ExemptionRow[]> {
  return db
    .selectFrom('exemptions')
    .selectAll()
    .where('status', '=', 'approved')
    .where('ends_at', '<=', now)
    .where('end_logged_at', 'is', null)
    .orderBy('ends_at')
    .limit(limit)
    .execute();
}

/** Mark the end of an approved exemption as logged; false when another process did it first. */
export async function markEndLogged(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('exemptions')
    .set({ end_logged_at: now })
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .where('end_logged_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Exemptions for any of these groups whose window overlaps [from, to), for a chronology. */
export async function listExemptionsForGroups(
  db: Kysely<Database>,
  schoolId: string,
  groups: readonly string[],
  range: { from: Date; to: Date },
): Promise<ExemptionRow[]> {
  if (groups.length === 0) return [];
  return db
    .selectFrom('exemptions')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('status', 'in', ['approved', 'revoked'])
    .where(sql<boolean>`groups && ${sql.val([...groups])}::text[]`)
    .where('ends_at', '>', range.from)
    .where('starts_at', '<', range.to)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
}

/** Counts of exemptions requested in [from, to), by status and by target. */
export async function countExemptions(
  db: Kysely<Database>,
  schoolId: string,
  range: { from: Date; to: Date },
): Promise<{ status: string; target: string; targetKind: string; count: number }[]> {
  const rows = await db
    .selectFrom('exemptions')
    .select(['status', 'target', 'target_kind'])
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('school_id', '=', schoolId)
    .where('requested_at', '>=', range.from)
    .where('requested_at', '<', range.to)
    .groupBy(['status', 'target', 'target_kind'])
    .execute();
  return rows.map((r) => ({
    status: r.status,
    target: r.target,
    targetKind: r.target_kind,
    count: Number(r.count),
  }));
}
