import { sql, type Kysely } from 'kysely';

/**
 * Temporary exemptions (FIL-6) and filter change requests (FIL-7), issue 7 items 7 and 8.
 *
 * An exemption lifts the filter for a site (host or URL prefix) or a category, for some of the
 * school's groups, between two instants, once the DSL or the online safety lead has approved it.
 * Whether it is in force is decided when a request is evaluated (`starts_at <= now < ends_at`),
 * so it ends exactly on time; `end_logged_at` only records that the end was written to the filter
 * change log.
 *
 * A change request is a permanent change to the lists or the user actions matrix waiting for an
 * approver; once approved it is applied at its effective time by the server's background job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('exemptions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('target_kind', 'text', (c) =>
      c.notNull().check(sql`target_kind in ('host', 'url', 'category')`),
    )
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('groups', sql`text[]`, (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('requested', 'approved', 'declined', 'revoked', 'withdrawn')`),
    )
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('requested_by_label', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_by_label', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_note', 'text')
    .addColumn('revoked_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('revoked_by_label', 'text')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoke_note', 'text')
    .addColumn('end_logged_at', 'timestamptz')
    .addCheckConstraint('exemptions_window', sql`starts_at < ends_at`)
    .execute();
  await db.schema
    .createIndex('exemptions_school_idx')
    .on('exemptions')
    .columns(['school_id', 'status', 'ends_at'])
    .execute();

  await db.schema
    .createTable('change_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('local-entry.add', 'local-entry.remove', 'matrix')`),
    )
    .addColumn('change', 'jsonb', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`status in ('draft', 'requested', 'approved', 'declined', 'applied', 'failed', 'withdrawn')`,
        ),
    )
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('staff', 'block-page')`))
    .addColumn('block_page_request_id', 'uuid', (c) =>
      c.references('block_page_requests.id').onDelete('set null'),
    )
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('requested_by_label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('requested_at', 'timestamptz')
    .addColumn('effective_at', 'timestamptz')
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_by_label', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_note', 'text')
    .addColumn('applied_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema
    .createIndex('change_requests_school_idx')
    .on('change_requests')
    .columns(['school_id', 'status', 'effective_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('change_requests').execute();
  await db.schema.dropTable('exemptions').execute();
}
