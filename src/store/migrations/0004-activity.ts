import { sql, type Kysely } from 'kysely';

/**
 * Activity events (MON-1): one row per filter decision or ingested event, in a table partitioned
 * by day on `at` (declarative range partitioning, the same SQL on PostgreSQL and on PGlite). The
 * day partitions themselves (`activity_events_pYYYYMMDD`, UTC days) are created ahead and on
 * demand by `store/activity-repository.ts#ensureActivityPartitions`; the default partition only
 * catches rows whose day has no partition yet, and they move out when it is created.
 *
 * Also: the per-day rollup the dashboards read (kept up to date by the writer, in the statement
 * that inserts the events), retention settings per school, legal holds on a person's events, and
 * the record of every purge (MON-5).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // No foreign keys on this table: it takes tens of thousands of rows a second, events arrive for
  // schools and people from other systems (MON-6), and an event must outlive its account.
  await sql`
    create table activity_events (
      id uuid not null,
      at timestamptz not null,
      source text not null,
      school_id uuid not null,
      user_id uuid,
      username text,
      group_slug text,
      device_class text,
      client_ip text not null,
      method text not null,
      host text not null,
      url text,
      action text not null,
      category text,
      rule_id text not null,
      status integer,
      bytes_in bigint not null default 0,
      bytes_out bigint not null default 0,
      duration_ms integer not null default 0,
      search_terms text,
      risk_score numeric,
      risk_categories text[],
      constraint activity_events_pkey primary key (id, at)
    ) partition by range (at)
  `.execute(db);
  await sql`create table activity_events_default partition of activity_events default`.execute(db);
  // Time ranges over a day's partition: BRIN is tiny and rows arrive in time order.
  await sql`create index activity_events_at_brin on activity_events using brin (at)`.execute(db);
  await sql`create index activity_events_school_user_at_idx on activity_events (school_id, user_id, at)`.execute(
    db,
  );
  await sql`create index activity_events_school_host_at_idx on activity_events (school_id, host, at)`.execute(
    db,
  );
  await sql`create index activity_events_school_category_at_idx on activity_events (school_id, category, at)`.execute(
    db,
  );
  // Only the (few) events with search terms: the search-terms purge and the monitoring pages.
  await sql`create index activity_events_search_terms_idx on activity_events (school_id, at) where search_terms is not null`.execute(
    db,
  );

  await db.schema
    .createTable('activity_daily')
    .addColumn('school_id', 'uuid', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('group_slug', 'text')
    .addColumn('events', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create unique index activity_daily_key on activity_daily (school_id, day, category, action, group_slug) nulls not distinct`.execute(
    db,
  );

  await db.schema
    .createTable('retention_settings')
    .addColumn('school_id', 'uuid', (c) =>
      c.primaryKey().references('schools.id').onDelete('cascade'),
    )
    .addColumn('activity_days', 'integer', (c) =>
      c.notNull().check(sql`activity_days between 1 and 36500`),
    )
    .addColumn('search_terms_days', 'integer', (c) =>
      c.notNull().check(sql`search_terms_days between 1 and 36500`),
    )
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .execute();

  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('school_id', 'uuid', (c) => c.notNull().references('schools.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('placed_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('lifted_at', 'timestamptz')
    .addColumn('lifted_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('lift_reason', 'text')
    .execute();
  await sql`create index legal_holds_active_idx on legal_holds (school_id, user_id) where lifted_at is null`.execute(
    db,
  );

  await db.schema
    .createTable('activity_purges')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('school_id', 'uuid')
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('events', 'search-terms')`))
    .addColumn('method', 'text', (c) =>
      c.notNull().check(sql`method in ('drop-partition', 'delete', 'clear')`),
    )
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('cutoff', 'timestamptz', (c) => c.notNull())
    .addColumn('rows', 'bigint', (c) => c.notNull())
    .addColumn('held_rows', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex('activity_purges_school_at_idx')
    .on('activity_purges')
    .columns(['school_id', 'at'])
    .execute();
}
