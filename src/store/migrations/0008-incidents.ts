import { sql, type Kysely } from 'kysely';

/**
 * Casework: online safety incidents (INC-1..6). An incident comes from a report (the app, the
 * block page's "report a worry", or an alert) and follows the policy's flowchart: suspected
 * illegal → referred to police/CEOP, device isolated, no investigation; otherwise an investigation
 * by two senior staff, evidence (encrypted at rest, never for CSAM), a judgement both sign off,
 * actions and sanctions from the policy's tables, feedback, support and learning for the Online
 * Safety Group. An anonymous report keeps nothing that identifies the reporter.
 *
 * Also `casework_settings`: per school, whether the DSL may see concerns about staff (INC-4).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('app', 'block-page', 'alert')`),
    )
    .addColumn('reporter_kind', 'text', (c) =>
      c.notNull().check(sql`reporter_kind in ('staff', 'pupil', 'parent', 'anonymous', 'other')`),
    )
    .addColumn('reported_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('block_page_request_id', 'uuid', (c) =>
      c.references('block_page_requests.id').onDelete('set null'),
    )
    .addColumn('alert_id', 'uuid', (c) => c.references('alerts.id').onDelete('set null'))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('host', 'text')
    .addColumn('concern_about', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pupils')
        .check(sql`concern_about in ('pupils', 'staff', 'head')`),
    )
    .addColumn('category', 'text')
    .addColumn('incident_type', 'text')
    .addColumn('four_cs', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('suspected_illegal', 'boolean')
    .addColumn('device_isolated_at', 'timestamptz')
    .addColumn('device_description', 'text')
    .addColumn('designated_device', 'text')
    .addColumn('urls', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('content_nature', 'text')
    .addColumn('judgement', 'text', (c) => c.check(sql`judgement in ('substance', 'no-substance')`))
    .addColumn('judgement_note', 'text')
    .addColumn('actions_taken', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('feedback', 'text')
    .addColumn('support', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'closed')`),
    )
    .addColumn('closed_at', 'timestamptz')
    .addColumn('closed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index incidents_school_created_idx on incidents (school_id, created_at desc)`.execute(
    db,
  );
  await sql`create index incidents_reported_by_idx on incidents (reported_by)`.execute(db);

  await db.schema
    .createTable('incident_people')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('incident_id', 'uuid', (c) =>
      c.notNull().references('incidents.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('pupil', 'staff', 'other')`))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('victim', 'instigator', 'witness', 'reporter')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index incident_people_user_idx on incident_people (user_id)`.execute(db);
  await sql`create index incident_people_incident_idx on incident_people (incident_id)`.execute(db);

  await db.schema
    .createTable('incident_investigators')
    .addColumn('incident_id', 'uuid', (c) =>
      c.notNull().references('incidents.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addColumn('signed_off_at', 'timestamptz')
    .addPrimaryKeyConstraint('incident_investigators_pk', ['incident_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('incident_referrals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('incident_id', 'uuid', (c) =>
      c.notNull().references('incidents.id').onDelete('cascade'),
    )
    .addColumn('agency', 'text', (c) =>
      c.notNull().check(sql`agency in ('police', 'ceop', 'mash', 'lado', 'trust-or-la', 'other')`),
    )
    .addColumn('reference', 'text')
    .addColumn('note', 'text')
    .addColumn('referred_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('referred_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('incident_sanctions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('incident_id', 'uuid', (c) =>
      c.notNull().references('incidents.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'uuid', (c) =>
      c.notNull().references('incident_people.id').onDelete('cascade'),
    )
    .addColumn('table_name', 'text', (c) =>
      c.notNull().check(sql`table_name in ('pupils', 'staff')`),
    )
    .addColumn('policy_incident', 'text')
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('action_label', 'text', (c) => c.notNull())
    .addColumn('suggested', 'boolean', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('incident_evidence')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('incident_id', 'uuid', (c) =>
      c.notNull().references('incidents.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('iv', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('uploaded_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('incident_learning')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('incident_id', 'uuid', (c) =>
      c.notNull().references('incidents.id').onDelete('cascade'),
    )
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'closed')`),
    )
    .addColumn('recorded_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('closed_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('casework_settings')
    .addColumn('school_id', 'uuid', (c) =>
      c.primaryKey().references('schools.id').onDelete('cascade'),
    )
    .addColumn('dsl_sees_staff_concerns', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'casework_settings',
    'incident_learning',
    'incident_evidence',
    'incident_sanctions',
    'incident_referrals',
    'incident_investigators',
    'incident_people',
    'incidents',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
