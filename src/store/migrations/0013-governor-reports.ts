import { sql, type Kysely } from 'kysely';

/**
 * Governance reports (GOV-2, GOV-3, issue 8):
 *
 * - `governor_reports`: a termly governor report once the online safety governor has signed it
 *   off. The anonymised figures are stored as they were signed (`data`), never re-queried, so an
 *   earlier report reads the same years later. One signed report per school and period.
 * - `filtering_checks`: the log of filtering checks (when, who, which device and group, what was
 *   tested, expected against result), typed in or run by Haven against its own engine.
 * - `annual_reviews` and `annual_review_signoffs`: the annual filtering and monitoring review
 *   against the four DfE standards, the reviewers' notes per standard, the evidence frozen when
 *   the review is complete, and the sign-offs by SLT, DSL, IT provider and governor.
 * - `compliance_reminders`: which reminder emails went out on which day, so that a restart or a
 *   second filter node never sends the same day's reminders twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('governor_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('period_label', 'text', (c) => c.notNull())
    .addColumn('from_day', 'date', (c) => c.notNull())
    .addColumn('to_day', 'date', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('signed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('signed_by_name', 'text', (c) => c.notNull())
    .addColumn('signed_role', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addUniqueConstraint('governor_reports_period_key', ['school_id', 'period_key'])
    .execute();

  await db.schema
    .createTable('filtering_checks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('performed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('performed_by_name', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('device', 'text', (c) => c.notNull())
    .addColumn('group_slug', 'text', (c) => c.notNull())
    .addColumn('tested', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('expected', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('passed', 'boolean', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('category', 'text')
    .addColumn('note', 'text')
    .addColumn('run_id', 'uuid')
    .execute();
  await db.schema
    .createIndex('filtering_checks_school_at_idx')
    .on('filtering_checks')
    .columns(['school_id', 'at'])
    .execute();

  await db.schema
    .createTable('annual_reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('notes', 'jsonb', (c) => c.notNull())
    .addColumn('next_review', 'date', (c) => c.notNull())
    .addColumn('evidence', 'jsonb')
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await sql`create unique index annual_reviews_open_idx on annual_reviews (school_id) where status = 'open'`.execute(
    db,
  );

  await db.schema
    .createTable('annual_review_signoffs')
    .addColumn('review_id', 'uuid', (c) =>
      c.notNull().references('annual_reviews.id').onDelete('cascade'),
    )
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role_title', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addPrimaryKeyConstraint('annual_review_signoffs_pkey', ['review_id', 'slot'])
    .execute();

  await db.schema
    .createTable('compliance_reminders')
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('recipients', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('compliance_reminders_pkey', ['school_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('compliance_reminders').execute();
  await db.schema.dropTable('annual_review_signoffs').execute();
  await db.schema.dropTable('annual_reviews').execute();
  await db.schema.dropTable('filtering_checks').execute();
  await db.schema.dropTable('governor_reports').execute();
}
