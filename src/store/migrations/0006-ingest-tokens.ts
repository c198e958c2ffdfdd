import { sql, type Kysely } from 'kysely';

/**
 * Ingest tokens (MON-6): one per source that sends events to `POST /api/activity/ingest` (a
 * browser extension on Chromebooks, a monitoring service, a Squid log shipper). Only the token's
 * sha256 is kept; the token itself is shown once, when it is created. A revoked token stays, so
 * the record of who created it and when it was last used is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ingest_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source_kind', 'text', (c) =>
      c.notNull().check(sql`source_kind in ('extension', 'ingest', 'squid-log')`),
    )
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`create index ingest_tokens_school_idx on ingest_tokens (school_id, created_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ingest_tokens').execute();
}
