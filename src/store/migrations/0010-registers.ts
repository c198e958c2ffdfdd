import { sql, type Kysely } from 'kysely';

/**
 * Governance registers (GOV-1, GOV-6 to GOV-9): one table holds the rows of every register
 * (roles and responsibilities, Online Safety Group, devices, licences, guest accounts, photo
 * consent, the data protection registers, social media accounts). Each row's fields are JSON
 * checked against the register's definition (`src/governance/registers/`) before they are
 * written; archiving keeps the row, with who archived it and when.
 *
 * Guest accounts are real accounts with an end: `users.guest_expires_at` (sign-in is refused
 * from that moment, and sessions end).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('register_rows')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('register', 'text', (c) => c.notNull().check(sql`register ~ '^[a-z][a-z0-9-]*$'`))
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('archived_at', 'timestamptz')
    .addColumn('archived_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await sql`create index register_rows_school_idx on register_rows (school_id, register, archived_at)`.execute(
    db,
  );
  await sql`alter table users add column guest_expires_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop column guest_expires_at`.execute(db);
  await db.schema.dropTable('register_rows').execute();
}
