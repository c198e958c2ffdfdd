import { sql, type Kysely } from 'kysely';

/**
 * Connecting casework, monitoring and governance:
 *
 * - `alert_isolations` also holds isolations an incident asked for ("isolate the device"):
 *   `alert_id` may be null when `incident_id` says which incident; one of the two is always set.
 *   The filter nodes halt capture for every row not lifted, whichever raised it.
 * - `incident_learning` records the Online Safety Group meeting a learning point was taken to
 *   (a row of the `osg-meetings` register), when and by whom.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table alert_isolations alter column alert_id drop not null`.execute(db);
  await sql`alter table alert_isolations add column incident_id uuid references incidents (id) on delete cascade`.execute(
    db,
  );
  await sql`alter table alert_isolations add constraint alert_isolations_source_check check (alert_id is not null or incident_id is not null)`.execute(
    db,
  );
  await sql`create index alert_isolations_incident_idx on alert_isolations (incident_id) where incident_id is not null`.execute(
    db,
  );

  await sql`alter table incident_learning add column meeting_id uuid references register_rows (id) on delete set null`.execute(
    db,
  );
  await sql`alter table incident_learning add column taken_at timestamptz`.execute(db);
  await sql`alter table incident_learning add column taken_by uuid references users (id) on delete set null`.execute(
    db,
  );
}
