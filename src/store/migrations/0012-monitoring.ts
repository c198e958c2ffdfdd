import { sql, type Kysely } from 'kysely';

/**
 * Monitoring, second part (MON-2, MON-4, MON-5, MON-3 webhooks):
 *
 *   activity_events     `page_title` (the `<title>` of an HTML page, trimmed and capped) and
 *                       `risk_phrases` (the phrases page content scoring matched; the score and
 *                       categories already have `risk_score` and `risk_categories`)
 *   retention_settings  `alerts_days`: how long resolved alerts are kept (null: the default)
 *   activity_purges     a purge may now be of `alerts`
 *   alert_isolations    an isolation can be lifted by the DSL (when, by whom, why)
 *   alert_webhook_secrets  one secret per school signing the alert webhook (HMAC-SHA256)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table activity_events add column page_title text`.execute(db);
  await sql`alter table activity_events add column risk_phrases text[]`.execute(db);

  await sql`alter table retention_settings add column alerts_days integer
    constraint retention_settings_alerts_days_check check (alerts_days between 1 and 36500)`.execute(
    db,
  );

  await sql`alter table activity_purges drop constraint activity_purges_kind_check`.execute(db);
  await sql`alter table activity_purges add constraint activity_purges_kind_check
    check (kind in ('events', 'search-terms', 'alerts'))`.execute(db);

  await sql`alter table alert_isolations add column lifted_at timestamptz`.execute(db);
  await sql`alter table alert_isolations add column lifted_by uuid references users (id) on delete set null`.execute(
    db,
  );
  await sql`alter table alert_isolations add column lift_reason text`.execute(db);
  await sql`create index alert_isolations_active_idx on alert_isolations (school_id) where lifted_at is null`.execute(
    db,
  );

  await db.schema
    .createTable('alert_webhook_secrets')
    .addColumn('school_id', 'uuid', (c) =>
      c.primaryKey().references('schools.id').onDelete('cascade'),
    )
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    /** When the secret was shown to someone (at most once; then only a rotation shows one). */
    .addColumn('shown_at', 'timestamptz')
    .execute();
}
