import { sql, type Kysely } from 'kysely';

/**
 * Policy versions (draft → approved → active → superseded), block lists (stored whole, swapped
 * atomically), a school's local allow/block entries, and the filter change log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('draft', 'approved', 'active', 'superseded', 'withdrawn')`),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('change_note', 'text')
    .addColumn('based_on', 'uuid', (c) => c.references('policy_versions.id'))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('approval_note', 'text')
    .addColumn('activated_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('activated_at', 'timestamptz')
    .addColumn('next_review', 'date')
    .addUniqueConstraint('policy_versions_school_number_key', ['school_id', 'number'])
    .execute();
  await sql`create unique index policy_versions_one_active on policy_versions (school_id) where status = 'active'`.execute(
    db,
  );

  await db.schema
    .createTable('block_lists')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_category', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('host_entries', 'integer', (c) => c.notNull())
    .addColumn('url_entries', 'integer', (c) => c.notNull())
    .addColumn('allow_entries', 'integer', (c) => c.notNull())
    .addColumn('bad_lines', 'integer', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('licence', 'text')
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull())
    .execute();
  await sql`create unique index block_lists_one_active on block_lists (name) where active`.execute(
    db,
  );

  await db.schema
    .createTable('local_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id'))
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('allow', 'block')`))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('groups', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('category', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('removed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('removed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('local_entries_school_idx')
    .on('local_entries')
    .column('school_id')
    .execute();

  await db.schema
    .createTable('filter_changes')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('school_id', 'uuid', (c) => c.references('schools.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('filter_changes_school_at_idx')
    .on('filter_changes')
    .columns(['school_id', 'at'])
    .execute();
}
