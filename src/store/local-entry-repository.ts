import type { Kysely } from 'kysely';
import type { Database, LocalEntryRow } from './schema.ts';

export async function listLocalEntries(
  db: Kysely<Database>,
  schoolId: string,
): Promise<LocalEntryRow[]> {
  return db
    .selectFrom('local_entries')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('removed_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

export async function findLocalEntry(
  db: Kysely<Database>,
  id: string,
): Promise<LocalEntryRow | undefined> {
  return db.selectFrom('local_entries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertLocalEntry(
  db: Kysely<Database>,
  entry: {
    schoolId: string;
    action: 'allow' | 'block';
    target: string;
    groups: string[];
    category: string | null;
    reason: string;
    createdBy: string | null;
    now: Date;
  },
): Promise<LocalEntryRow> {
  return db
    .insertInto('local_entries')
    .values({
      school_id: entry.schoolId,
      action: entry.action,
      target: entry.target,
      groups: entry.groups,
      category: entry.category,
      reason: entry.reason,
      created_by: entry.createdBy,
      created_at: entry.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function removeLocalEntry(
  db: Kysely<Database>,
  id: string,
  removedBy: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('local_entries')
    .set({ removed_by: removedBy, removed_at: now })
    .where('id', '=', id)
    .execute();
}
