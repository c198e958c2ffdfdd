import type { Kysely } from 'kysely';
import { notifyFilterChange } from './filter-notify.ts';
import type { Database, FilterChange } from './schema.ts';

export interface FilterChangeInput {
  schoolId: string | null;
  actorId: string | null;
  actorLabel: string;
  /** `list.imported`, `list.rolled-back`, `policy.approved`, `local-entry.added`, … */
  kind: string;
  summary: string;
  detail?: Record<string, unknown>;
}

/** The filter change log (FIL-7): every change to what the filter enforces, in plain words. */
export async function recordFilterChange(
  db: Kysely<Database>,
  change: FilterChangeInput,
  now: Date,
): Promise<void> {
  await db
    .insertInto('filter_changes')
    .values({
      school_id: change.schoolId,
      at: now,
      actor_id: change.actorId,
      actor_label: change.actorLabel,
      kind: change.kind,
      summary: change.summary,
      detail: JSON.stringify(change.detail ?? {}),
    })
    .execute();
  // Every change to what the filter enforces passes here, in its own transaction: filter nodes
  // hear of it on commit (NOTIFY) and rebuild their snapshots.
  await notifyFilterChange(db, { schoolId: change.schoolId, kind: change.kind });
}

/** Changes for a school, including deployment-wide ones (block lists), newest first. */
export async function listFilterChanges(
  db: Kysely<Database>,
  schoolId: string | null,
  limit: number,
): Promise<FilterChange[]> {
  let q = db
    .selectFrom('filter_changes')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (schoolId !== null)
    q = q.where((eb) => eb.or([eb('school_id', '=', schoolId), eb('school_id', 'is', null)]));
  return q.execute();
}
