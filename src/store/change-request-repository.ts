import type { Kysely, Updateable } from 'kysely';
import type {
  ChangeRequestKind,
  ChangeRequestRow,
  ChangeRequestStatus,
  ChangeRequestTable,
  Database,
} from './schema.ts';

/** Filter change requests (FIL-7): permanent changes to lists or the matrix, awaiting approval. */
export interface NewChangeRequest {
  schoolId: string;
  kind: ChangeRequestKind;
  change: Record<string, unknown>;
  summary: string;
  reason: string;
  status: 'draft' | 'requested';
  source: 'staff' | 'block-page';
  blockPageRequestId: string | null;
  requestedBy: string | null;
  requestedByLabel: string;
  effectiveAt: Date | null;
  now: Date;
}

export async function insertChangeRequest(
  db: Kysely<Database>,
  input: NewChangeRequest,
): Promise<ChangeRequestRow> {
  return db
    .insertInto('change_requests')
    .values({
      school_id: input.schoolId,
      kind: input.kind,
      change: JSON.stringify(input.change),
      summary: input.summary,
      reason: input.reason,
      status: input.status,
      source: input.source,
      block_page_request_id: input.blockPageRequestId,
      requested_by: input.requestedBy,
      requested_by_label: input.requestedByLabel,
      created_at: input.now,
      requested_at: input.status === 'requested' ? input.now : null,
      effective_at: input.effectiveAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findChangeRequest(
  db: Kysely<Database>,
  id: string,
): Promise<ChangeRequestRow | undefined> {
  return db.selectFrom('change_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Update a change request only while it still has the status the caller read. */
export async function updateChangeRequest(
  db: Kysely<Database>,
  id: string,
  expectedStatus: ChangeRequestStatus,
  changes: Omit<Updateable<ChangeRequestTable>, 'change'> & { change?: Record<string, unknown> },
): Promise<ChangeRequestRow | undefined> {
  const { change, ...rest } = changes;
  return db
    .updateTable('change_requests')
    .set({ ...rest, ...(change ? { change: JSON.stringify(change) } : {}) })
    .where('id', '=', id)
    .where('status', '=', expectedStatus)
    .returningAll()
    .executeTakeFirst();
}

export async function listChangeRequests(
  db: Kysely<Database>,
  query: { schoolId: string; status?: ChangeRequestStatus | undefined; limit: number },
): Promise<ChangeRequestRow[]> {
  let q = db.selectFrom('change_requests').selectAll().where('school_id', '=', query.schoolId);
  if (query.status) q = q.where('status', '=', query.status);
  return q.orderBy('created_at', 'desc').orderBy('id').limit(query.limit).execute();
}

/** Approved requests whose effective time has come (any school), oldest first. */
export async function listDueChangeRequests(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<ChangeRequestRow[]> {
  return db
    .selectFrom('change_requests')
    .selectAll()
    .where('status', '=', 'approved')
    .where((eb) => eb.or([eb('effective_at', 'is', null), eb('effective_at', '<=', now)]))
    .orderBy('effective_at')
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/** Counts of change requests created in [from, to), by status and kind. */
export async function countChangeRequests(
  db: Kysely<Database>,
  schoolId: string,
  range: { from: Date; to: Date },
): Promise<{ status: string; kind: string; count: number }[]> {
  const rows = await db
    .selectFrom('change_requests')
    .select(['status', 'kind'])
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('school_id', '=', schoolId)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to)
    .groupBy(['status', 'kind'])
    .execute();
  return rows.map((r) => ({ status: r.status, kind: r.kind, count: Number(r.count) }));
}
