import { sql, type Kysely } from 'kysely';

/**
 * Alerts (MON-3): what the monitoring layer raises from activity events for the DSL — a phrase
 * score over its category's threshold, an allow-with-alert decision, an illegal category, or
 * repeated attempts to get round the filter. One row per pupil (or device) and category within the
 * duplicate window; repeats are counted on it. Only the matched phrases are kept, never a page
 * body; for suspected CSAM (MON-4) only the host of the list entry, never a path or query.
 *
 * Also `alert_isolations`: devices marked for isolation by a suspected-CSAM alert.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('username', 'text')
    .addColumn('group_slug', 'text')
    .addColumn('client_ip', 'text', (c) => c.notNull())
    .addColumn('device_class', 'text')
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('phrases', 'flagged', 'illegal', 'circumvention')`),
    )
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) =>
      c.notNull().check(sql`severity in ('critical', 'high', 'medium', 'low')`),
    )
    .addColumn('score', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('host', 'text')
    .addColumn('matched_phrases', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('event_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'::uuid[]`))
    .addColumn('repeats', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('guidance', 'text')
    .addColumn('isolate_device', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('new')
        .check(sql`status in ('new', 'acknowledged', 'dismissed', 'escalated-to-incident')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acknowledged_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('dismissed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('dismissed_at', 'timestamptz')
    .addColumn('dismissed_reason', 'text')
    .addColumn('escalated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('escalated_at', 'timestamptz')
    .addColumn('escalation_level', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_escalated_at', 'timestamptz')
    .addColumn('notified_at', 'timestamptz')
    .addColumn('digest_sent_at', 'timestamptz')
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .execute();
  await sql`create index alerts_school_created_idx on alerts (school_id, created_at desc)`.execute(
    db,
  );
  await sql`create index alerts_dedupe_idx on alerts (school_id, dedupe_key, last_seen_at desc)`.execute(
    db,
  );
  await sql`create index alerts_open_critical_idx on alerts (school_id, created_at) where status = 'new' and severity = 'critical'`.execute(
    db,
  );

  await db.schema
    .createTable('alert_isolations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id').onDelete('cascade'))
    .addColumn('alert_id', 'uuid', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('client_ip', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('device_class', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
