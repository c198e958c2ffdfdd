import { sql, type Kysely } from 'kysely';
import type { Database, FilterChange, GovernorReportRow } from './schema.ts';

/**
 * Every SQL statement of the governor report (GOV-2): the figures its sections collect for a
 * period, and the signed reports kept as snapshots. Counts only: no statement here returns a
 * pupil's name.
 */

const num = (value: string | number | null | undefined): number => Number(value ?? 0);

/** One alert of a period, reduced to what the report counts. */
export interface AlertFact {
  severity: string;
  category: string;
  status: string;
  /** Seconds from the alert to the first response (acknowledged, dismissed or escalated). */
  responseSeconds: number | null;
}

/** The school's alerts raised in `[from, to)`. */
export async function listAlertFacts(
  db: Kysely<Database>,
  schoolId: string,
  from: Date,
  to: Date,
): Promise<AlertFact[]> {
  const { rows } = await sql<{
    severity: string;
    category: string;
    status: string;
    seconds: string | number | null;
  }>`
    select severity, category, status,
      extract(epoch from (least(acknowledged_at, dismissed_at, escalated_at) - created_at))::float8
        as seconds
    from alerts
    where school_id = ${schoolId}::uuid and created_at >= ${from} and created_at < ${to}
  `.execute(db);
  return rows.map((r) => ({
    severity: r.severity,
    category: r.category,
    status: r.status,
    responseSeconds: r.seconds === null ? null : Math.max(0, Number(r.seconds)),
  }));
}

export interface DailyTotal {
  key: string | null;
  events: number;
}

/** The daily rollup between two local days (inclusive) for one action, summed by a column. */
export async function sumDailyActivityBy(
  db: Kysely<Database>,
  query: {
    schoolId: string;
    fromDay: string;
    toDay: string;
    action?: string;
    by: 'category' | 'group' | 'action';
  },
): Promise<DailyTotal[]> {
  const column =
    query.by === 'category' ? sql`category` : query.by === 'group' ? sql`group_slug` : sql`action`;
  const { rows } = await sql<{ key: string | null; events: string }>`
    select ${column} as key, sum(events)::int8::text as events
    from activity_daily
    where school_id = ${query.schoolId}::uuid and day >= ${query.fromDay}::date
      and day <= ${query.toDay}::date
      ${query.action === undefined ? sql`` : sql`and action = ${query.action}`}
    group by 1
    order by 2 desc, 1
  `.execute(db);
  return rows.map((r) => ({ key: r.key, events: num(r.events) }));
}

/** Filter changes for the school (and deployment-wide ones) in `[from, to)`, oldest first. */
export async function listFilterChangesBetween(
  db: Kysely<Database>,
  schoolId: string,
  from: Date,
  to: Date,
): Promise<FilterChange[]> {
  return db
    .selectFrom('filter_changes')
    .selectAll()
    .where((eb) => eb.or([eb('school_id', '=', schoolId), eb('school_id', 'is', null)]))
    .where('at', '>=', from)
    .where('at', '<', to)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** Block page requests (review requests and worries) in `[from, to)`, by kind and status. */
export async function countBlockPageRequests(
  db: Kysely<Database>,
  schoolId: string,
  from: Date,
  to: Date,
): Promise<{ kind: string; status: string; count: number }[]> {
  const rows = await db
    .selectFrom('block_page_requests')
    .select(['kind', 'status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('school_id', '=', schoolId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy(['kind', 'status'])
    .execute();
  return rows.map((r) => ({ kind: r.kind, status: r.status, count: num(r.n) }));
}

/** How many people (not disabled) hold each role in the school. */
export async function countPeopleByRole(
  db: Kysely<Database>,
  schoolId: string,
): Promise<{ role: string; count: number }[]> {
  const { rows } = await sql<{ role: string; n: string }>`
    select role, count(*)::int8::text as n
    from users, unnest(roles) as role
    where school_id = ${schoolId}::uuid and not disabled
    group by role
    order by role
  `.execute(db);
  return rows.map((r) => ({ role: r.role, count: num(r.n) }));
}

export interface RoleHolder {
  id: string;
  displayName: string;
  email: string | null;
  roles: string[];
}

/** People of a school (not disabled) holding any of these roles. */
export async function listRoleHolders(
  db: Kysely<Database>,
  schoolId: string,
  roles: readonly string[],
): Promise<RoleHolder[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'email', 'roles'])
    .where('school_id', '=', schoolId)
    .where('disabled', '=', false)
    .where(sql<boolean>`roles && ${sql.val([...roles])}::text[]`)
    .orderBy('display_name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    email: r.email,
    roles: r.roles,
  }));
}

// ---------------------------------------------------------------------------------------------
// Signed reports

export interface NewSignedReport {
  schoolId: string;
  periodKey: string;
  periodLabel: string;
  fromDay: string;
  toDay: string;
  data: unknown;
  signedBy: string;
  signedByName: string;
  signedRole: string;
  signedAt: Date;
  comment: string | null;
}

/** Store a signed report; undefined when the period already has one (nothing is written). */
export async function insertSignedReport(
  db: Kysely<Database>,
  report: NewSignedReport,
): Promise<GovernorReportRow | undefined> {
  return db
    .insertInto('governor_reports')
    .values({
      school_id: report.schoolId,
      period_key: report.periodKey,
      period_label: report.periodLabel,
      from_day: report.fromDay,
      to_day: report.toDay,
      data: JSON.stringify(report.data),
      signed_by: report.signedBy,
      signed_by_name: report.signedByName,
      signed_role: report.signedRole,
      signed_at: report.signedAt,
      comment: report.comment,
    })
    .onConflict((oc) => oc.columns(['school_id', 'period_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findSignedReport(
  db: Kysely<Database>,
  schoolId: string,
  periodKey: string,
): Promise<GovernorReportRow | undefined> {
  return db
    .selectFrom('governor_reports')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('period_key', '=', periodKey)
    .executeTakeFirst();
}

export async function findSignedReportById(
  db: Kysely<Database>,
  id: string,
): Promise<GovernorReportRow | undefined> {
  return db.selectFrom('governor_reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The school's signed reports, newest period first (without their data). */
export async function listSignedReports(
  db: Kysely<Database>,
  schoolId: string,
): Promise<Omit<GovernorReportRow, 'data'>[]> {
  return db
    .selectFrom('governor_reports')
    .select([
      'id',
      'school_id',
      'period_key',
      'period_label',
      'from_day',
      'to_day',
      'signed_by',
      'signed_by_name',
      'signed_role',
      'signed_at',
      'comment',
    ])
    .where('school_id', '=', schoolId)
    .orderBy('from_day', 'desc')
    .orderBy('signed_at', 'desc')
    .execute();
}
