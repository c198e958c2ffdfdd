import { sql, type Kysely } from 'kysely';
import { entryHash, genesisHash } from './audit-chain.ts';
import type { AuditRow, Database } from './schema.ts';

export interface AuditEntry {
  /** The user who acted, or null for Haven itself. */
  actorId: string | null;
  /** Username, or `system:<what>` for Haven itself. */
  actorLabel: string;
  /** Dotted verb in the past tense of the school's words: `user.created`, `incident.read`. */
  action: string;
  subjectType: string;
  subjectId?: string | null;
  schoolId: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Append one entry to the hash-chained audit log. Call it inside the transaction that makes the
 * change, so the change and its audit entry are kept or lost together. A transaction-scoped
 * advisory lock serialises writers so the chain has no forks.
 */
export async function appendAudit(
  db: Kysely<Database>,
  entry: AuditEntry,
  now: Date,
): Promise<{ seq: number; hash: string }> {
  await sql`select pg_advisory_xact_lock(7286531)`.execute(db);
  const last = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const seq = last ? Number(last.seq) + 1 : 1;
  const prevHash = last?.hash ?? genesisHash;
  const at = new Date(Math.floor(now.getTime()));
  const { actorId, actorLabel } = entry;
  const fields = {
    seq,
    at,
    schoolId: entry.schoolId,
    actorId,
    actorLabel,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    detail: entry.detail ?? {},
    prevHash,
  };
  const hash = entryHash(fields);
  await db
    .insertInto('audit_log')
    .values({
      seq,
      at,
      school_id: fields.schoolId,
      actor_id: actorId,
      actor_label: actorLabel,
      action: fields.action,
      subject_type: fields.subjectType,
      subject_id: fields.subjectId,
      detail: JSON.stringify(fields.detail),
      prev_hash: prevHash,
      hash,
    })
    .execute();
  return { seq, hash };
}

export type AuditVerification =
  { ok: true; entries: number } | { ok: false; entries: number; brokenSeq: number; reason: string };

function rowHash(row: AuditRow): string {
  return entryHash({
    seq: Number(row.seq),
    at: new Date(row.at),
    schoolId: row.school_id,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    detail: row.detail,
    prevHash: row.prev_hash,
  });
}

/** Walk the whole chain in order; report the first entry that does not hold. */
export async function verifyAuditChain(
  db: Kysely<Database>,
  pageSize = 5000,
): Promise<AuditVerification> {
  let expectedPrev = genesisHash;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', String(expectedSeq))
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) {
        return {
          ok: false,
          entries: checked,
          brokenSeq: expectedSeq,
          reason: `entry ${expectedSeq} is missing (the next entry is ${seq})`,
        };
      }
      if (row.prev_hash !== expectedPrev) {
        return {
          ok: false,
          entries: checked,
          brokenSeq: seq,
          reason: `entry ${seq} does not point at the hash of entry ${seq - 1}`,
        };
      }
      if (rowHash(row) !== row.hash) {
        return {
          ok: false,
          entries: checked,
          brokenSeq: seq,
          reason: `entry ${seq} (${row.action} by ${row.actor_label}) was changed after it was written`,
        };
      }
      expectedPrev = row.hash;
      expectedSeq = seq + 1;
      checked += 1;
    }
    if (rows.length < pageSize) return { ok: true, entries: checked };
  }
}

export interface AuditQuery {
  schoolId?: string | null | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  action?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

export async function listAudit(db: Kysely<Database>, query: AuditQuery): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(query.limit);
  if (query.schoolId !== undefined) {
    const schoolId = query.schoolId;
    q = schoolId === null ? q.where('school_id', 'is', null) : q.where('school_id', '=', schoolId);
  }
  if (query.subjectType) q = q.where('subject_type', '=', query.subjectType);
  if (query.subjectId) q = q.where('subject_id', '=', query.subjectId);
  if (query.action) q = q.where('action', 'like', `${query.action}%`);
  if (query.beforeSeq !== undefined) q = q.where('seq', '<', String(query.beforeSeq));
  return q.execute();
}
