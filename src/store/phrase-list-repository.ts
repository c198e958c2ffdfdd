import { sql, type Kysely } from 'kysely';
import type { Database, PhraseListVersion } from './schema.ts';

export async function findActivePhraseListVersion(
  db: Kysely<Database>,
  schoolId: string,
): Promise<PhraseListVersion | undefined> {
  return db
    .selectFrom('phrase_list_versions')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('active', '=', true)
    .executeTakeFirst();
}

/** The id of the school's active version, or null (cheap: the pipeline asks every few seconds). */
export async function activePhraseListVersionId(
  db: Kysely<Database>,
  schoolId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('phrase_list_versions')
    .select('id')
    .where('school_id', '=', schoolId)
    .where('active', '=', true)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function findPhraseListVersion(
  db: Kysely<Database>,
  id: string,
): Promise<PhraseListVersion | undefined> {
  return db.selectFrom('phrase_list_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every version of the school's lists, newest first, without their documents. */
export async function listPhraseListVersions(
  db: Kysely<Database>,
  schoolId: string,
): Promise<Omit<PhraseListVersion, 'document'>[]> {
  return db
    .selectFrom('phrase_list_versions')
    .select(['id', 'school_id', 'number', 'change_note', 'created_by', 'created_at', 'active'])
    .where('school_id', '=', schoolId)
    .orderBy('number', 'desc')
    .execute();
}

/** Serialises saves of one school's lists until the transaction ends. */
export async function lockPhraseLists(db: Kysely<Database>, schoolId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`phrase-lists:${schoolId}`}))`.execute(db);
}

export async function nextPhraseListNumber(
  db: Kysely<Database>,
  schoolId: string,
): Promise<number> {
  const row = await db
    .selectFrom('phrase_list_versions')
    .select(sql<number>`coalesce(max(number), 0) + 1`.as('n'))
    .where('school_id', '=', schoolId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts a version and makes it the school's active one (the previous one stops being active). */
export async function insertActivePhraseListVersion(
  db: Kysely<Database>,
  version: {
    schoolId: string;
    number: number;
    document: unknown;
    changeNote: string;
    createdBy: string | null;
    now: Date;
  },
): Promise<PhraseListVersion> {
  await db
    .updateTable('phrase_list_versions')
    .set({ active: false })
    .where('school_id', '=', version.schoolId)
    .where('active', '=', true)
    .execute();
  return db
    .insertInto('phrase_list_versions')
    .values({
      school_id: version.schoolId,
      number: version.number,
      document: JSON.stringify(version.document),
      change_note: version.changeNote,
      created_by: version.createdBy,
      created_at: version.now,
      active: true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
