import { sql, type Kysely } from 'kysely';

/**
 * Safeguarding phrase lists as school data (MON-2, issue 6): every saved version of a school's
 * phrase document is kept, numbered, with its change note and who saved it. One version per
 * school is active (the one the alert pipeline scores with); a school without any uses Haven's
 * starter lists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('phrase_list_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('change_note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(false))
    .addUniqueConstraint('phrase_list_versions_number_key', ['school_id', 'number'])
    .execute();
  await sql`create unique index phrase_list_versions_active_idx on phrase_list_versions (school_id) where active`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('phrase_list_versions').execute();
}
