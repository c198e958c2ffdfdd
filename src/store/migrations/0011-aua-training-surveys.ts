import { sql, type Kysely } from 'kysely';

/**
 * Acceptable use agreements, training records and surveys (GOV-4, GOV-5, GOV-10).
 *
 * - `aua_versions`: each published version of an agreement for one audience; a new version
 *   supersedes the previous one from its effective date and must be signed again.
 * - `aua_signatures`: who signed which version, when, with the name they typed.
 * - `aua_settings`: the school's choice to keep people who have not signed on a safe list in the
 *   filter, and that short list (Haven's own address is kept beside it).
 * - `training_courses`, `training_records`, `training_needs`: courses with their validity and
 *   the roles that must hold them, what each person completed, and needs people report.
 * - `surveys`, `survey_questions`, `survey_responses`, `survey_respondents`: answers are stored
 *   with no user and only the day; who has answered is a separate list with no time and no link
 *   to the answers, so the two cannot be joined.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('aua_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('audience', 'text', (c) =>
      c
        .notNull()
        .check(sql`audience in ('pupil-younger', 'pupil-older', 'staff', 'parent', 'visitor')`),
    )
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('effective_from', 'timestamptz', (c) => c.notNull())
    .addColumn('change_note', 'text', (c) => c.notNull())
    .addColumn('published_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('aua_versions_number_key', ['school_id', 'audience', 'number'])
    .execute();
  await db.schema
    .createTable('aua_signatures')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('version_id', 'uuid', (c) =>
      c.notNull().references('aua_versions.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('typed_name', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('aua_signatures_once_key', ['version_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('aua_signatures_user_idx')
    .on('aua_signatures')
    .columns(['user_id'])
    .execute();
  await db.schema
    .createTable('aua_settings')
    .addColumn('school_id', 'uuid', (c) =>
      c.primaryKey().references('schools.id').onDelete('cascade'),
    )
    .addColumn('safe_list_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('safe_hosts', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('app_host', 'text')
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('training_courses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('validity_months', 'integer', (c) => c.check(sql`validity_months > 0`))
    .addColumn('required_roles', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('built_in', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('training_courses_slug_key', ['school_id', 'slug'])
    .execute();
  await db.schema
    .createTable('training_records')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('course_id', 'uuid', (c) =>
      c.notNull().references('training_courses.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('completed_on', 'date', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('training_records_user_idx')
    .on('training_records')
    .columns(['school_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('training_needs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('need', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('surveys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('introduction', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('audience', 'text', (c) =>
      c.notNull().check(sql`audience in ('pupils', 'parents', 'staff')`),
    )
    .addColumn('opens_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closes_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('survey_questions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('scale', 'choice', 'text')`))
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('choices', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addUniqueConstraint('survey_questions_key', ['survey_id', 'key'])
    .execute();
  // Anonymous answers: a random id, the survey, the day only, and the answers. No user column.
  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('answered_on', 'date', (c) => c.notNull())
    .addColumn('answers', 'jsonb', (c) => c.notNull())
    .execute();
  // Who has answered: no time, no id shared with the answers.
  await db.schema
    .createTable('survey_respondents')
    .addColumn('survey_id', 'uuid', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('survey_respondents_pkey', ['survey_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'survey_respondents',
    'survey_responses',
    'survey_questions',
    'surveys',
    'training_needs',
    'training_records',
    'training_courses',
    'aua_settings',
    'aua_signatures',
    'aua_versions',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
