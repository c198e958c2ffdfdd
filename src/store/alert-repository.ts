import { sql, type Kysely } from 'kysely';
import type {
  Alert,
  AlertIsolation,
  AlertSeverity,
  AlertStatus,
  AlertWebhookSecret,
  Database,
  NewAlert,
} from './schema.ts';

/** Every SQL statement about alerts (MON-3) and device isolations (MON-4). */

export async function insertAlert(db: Kysely<Database>, alert: NewAlert): Promise<Alert> {
  return db.insertInto('alerts').values(alert).returningAll().executeTakeFirstOrThrow();
}

export async function findAlertById(db: Kysely<Database>, id: string): Promise<Alert | undefined> {
  return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Hold a transaction-scoped lock on a duplicate key, so that filter nodes raising the same alert
 * at once count on one row instead of inserting two.
 */
export async function lockDedupeKey(
  db: Kysely<Database>,
  schoolId: string,
  dedupeKey: string,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(7286532, hashtext(${`${schoolId}|${dedupeKey}`}))`.execute(
    db,
  );
}

/**
 * The open alert with this duplicate key seen since `since`, locked for update so that two
 * events for the same pupil and category count on one alert.
 */
export async function findOpenDuplicate(
  db: Kysely<Database>,
  schoolId: string,
  dedupeKey: string,
  since: Date,
): Promise<Alert | undefined> {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('dedupe_key', '=', dedupeKey)
    .where('last_seen_at', '>=', since)
    .where('status', 'in', ['new', 'acknowledged'])
    .orderBy('last_seen_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** Count a repeat on an existing alert: one more event, new phrases, a higher score or severity. */
export async function recordRepeat(
  db: Kysely<Database>,
  id: string,
  repeat: {
    eventIds: readonly string[];
    phrases: readonly string[];
    score: number;
    severity: AlertSeverity;
    at: Date;
  },
): Promise<Alert> {
  return db
    .updateTable('alerts')
    .set((eb) => ({
      repeats: eb('repeats', '+', 1),
      last_seen_at: repeat.at,
      score: sql<number>`greatest(score, ${repeat.score})`,
      severity: repeat.severity,
      event_ids: sql<string[]>`(event_ids || ${sql.val([...repeat.eventIds])}::uuid[])[1:50]`,
      matched_phrases: sql<
        string[]
      >`array(select distinct unnest(matched_phrases || ${sql.val([...repeat.phrases])}::text[]))`,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface AlertListQuery {
  /** Null for every school (trust administrators). */
  schoolId: string | null;
  status?: AlertStatus | undefined;
  severity?: AlertSeverity | undefined;
  limit: number;
}

export async function listAlerts(db: Kysely<Database>, query: AlertListQuery): Promise<Alert[]> {
  let q = db.selectFrom('alerts').selectAll();
  if (query.schoolId !== null) q = q.where('school_id', '=', query.schoolId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.severity) q = q.where('severity', '=', query.severity);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

export async function countOpenCritical(
  db: Kysely<Database>,
  schoolId: string | null,
): Promise<number> {
  let q = db
    .selectFrom('alerts')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'new')
    .where('severity', '=', 'critical');
  if (schoolId !== null) q = q.where('school_id', '=', schoolId);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateAlertStatus(
  db: Kysely<Database>,
  id: string,
  change:
    | { status: 'acknowledged'; by: string; at: Date }
    | { status: 'dismissed'; by: string; at: Date; reason: string }
    | { status: 'escalated-to-incident'; by: string; at: Date },
): Promise<Alert> {
  const set =
    change.status === 'acknowledged'
      ? { status: change.status, acknowledged_by: change.by, acknowledged_at: change.at }
      : change.status === 'dismissed'
        ? {
            status: change.status,
            dismissed_by: change.by,
            dismissed_at: change.at,
            dismissed_reason: change.reason,
          }
        : { status: change.status, escalated_by: change.by, escalated_at: change.at };
  return db
    .updateTable('alerts')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markAlertNotified(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('alerts').set({ notified_at: at }).where('id', '=', id).execute();
}

/** Critical alerts still new whose last notice (or creation) is older than `before`. */
export async function listDueEscalations(
  db: Kysely<Database>,
  before: Date,
  maxLevel: number,
): Promise<Alert[]> {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('status', '=', 'new')
    .where('severity', '=', 'critical')
    .where('escalation_level', '<', maxLevel)
    .where((eb) =>
      eb.or([
        eb.and([eb('last_escalated_at', 'is', null), eb('created_at', '<=', before)]),
        eb('last_escalated_at', '<=', before),
      ]),
    )
    .orderBy('created_at')
    .execute();
}

/**
 * Raise the escalation level from `fromLevel` to `toLevel`, only if it is still `fromLevel` and
 * the alert is still new (several filter nodes may run the job): true when this call did it.
 */
export async function raiseEscalation(
  db: Kysely<Database>,
  id: string,
  fromLevel: number,
  toLevel: number,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('alerts')
    .set({ escalation_level: toLevel, last_escalated_at: at })
    .where('id', '=', id)
    .where('escalation_level', '=', fromLevel)
    .where('status', '=', 'new')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Take the school's alerts waiting for the digest: they are marked sent at `at` and returned, so
 * that two filter nodes never send the same alerts twice.
 */
export async function claimDigest(
  db: Kysely<Database>,
  schoolId: string,
  at: Date,
): Promise<Alert[]> {
  const rows = await db
    .updateTable('alerts')
    .set({ digest_sent_at: at })
    .where('school_id', '=', schoolId)
    .where('severity', '!=', 'critical')
    .where('digest_sent_at', 'is', null)
    .returningAll()
    .execute();
  return rows.sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime());
}

/** Schools with alerts waiting for the digest. */
export async function schoolsWithDigestPending(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('alerts')
    .select('school_id')
    .distinct()
    .where('severity', '!=', 'critical')
    .where('digest_sent_at', 'is', null)
    .execute();
  return rows.map((r) => r.school_id);
}

export async function insertIsolation(
  db: Kysely<Database>,
  isolation: {
    schoolId: string;
    alertId: string;
    clientIp: string;
    userId: string | null;
    deviceClass: string | null;
    at: Date;
  },
): Promise<AlertIsolation> {
  return db
    .insertInto('alert_isolations')
    .values({
      school_id: isolation.schoolId,
      alert_id: isolation.alertId,
      client_ip: isolation.clientIp,
      user_id: isolation.userId,
      device_class: isolation.deviceClass,
      created_at: isolation.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listIsolations(
  db: Kysely<Database>,
  alertId: string,
): Promise<AlertIsolation[]> {
  return db.selectFrom('alert_isolations').selectAll().where('alert_id', '=', alertId).execute();
}

export interface AlertRecipient {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
}

/** People of a school holding any of these roles (and not disabled): who an alert goes to. */
export async function recipientsWithRoles(
  db: Kysely<Database>,
  schoolId: string,
  roles: readonly string[],
): Promise<AlertRecipient[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'email'])
    .where('school_id', '=', schoolId)
    .where('disabled', '=', false)
    .where(sql<boolean>`roles && ${sql.val([...roles])}::text[]`)
    .orderBy('username')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
  }));
}

/** Display names of people, for the alerts the page lists. */
export async function displayNamesOf(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

// ---------------------------------------------------------------------------------------------
// Monitoring, second part: isolations lifted by the DSL (MON-4), alert retention (MON-5),
// webhook secrets, and ingested events already scored.

/** Isolations in force (not lifted), every school: what filter nodes halt capture for. */
export async function listActiveIsolations(db: Kysely<Database>): Promise<AlertIsolation[]> {
  return db
    .selectFrom('alert_isolations')
    .selectAll()
    .where('lifted_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

/** Lift every isolation an alert made; returns the rows lifted (none: nothing was in force). */
export async function liftIsolations(
  db: Kysely<Database>,
  lift: { alertId: string; by: string | null; reason: string; at: Date },
): Promise<AlertIsolation[]> {
  return db
    .updateTable('alert_isolations')
    .set({ lifted_at: lift.at, lifted_by: lift.by, lift_reason: lift.reason })
    .where('alert_id', '=', lift.alertId)
    .where('lifted_at', 'is', null)
    .returningAll()
    .execute();
}

/** True when an alert of the school already holds this event (an ingest batch sent again). */
export async function alertHoldsEvent(
  db: Kysely<Database>,
  schoolId: string,
  eventId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('alerts')
    .select('id')
    .where('school_id', '=', schoolId)
    .where(sql<boolean>`event_ids @> array[${eventId}]::uuid[]`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** True when an active legal hold covers the alert row aliased `a`. */
const alertHeld = sql`exists (
  select 1 from legal_holds h
  where h.lifted_at is null and h.school_id = a.school_id and h.user_id = a.user_id
)`;

/**
 * Resolved alerts (dismissed or acknowledged — never one escalated to an incident, nor one still
 * new) of a school last seen before `before`, not about a person under an active legal hold and
 * without an isolation in force: delete up to `limit` of them. Returns how many were deleted.
 */
export async function deleteExpiredAlerts(
  db: Kysely<Database>,
  schoolId: string,
  before: Date,
  limit: number,
): Promise<number> {
  const result = await sql`
    delete from alerts where id in (
      select a.id from alerts a
      where a.school_id = ${schoolId}::uuid
        and a.status in ('dismissed', 'acknowledged')
        and a.last_seen_at < ${before}
        and not ${alertHeld}
        and not exists (
          select 1 from alert_isolations i where i.alert_id = a.id and i.lifted_at is null
        )
      order by a.last_seen_at
      limit ${limit}
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Resolved alerts past the cutoff that a legal hold keeps. */
export async function countHeldAlerts(
  db: Kysely<Database>,
  schoolId: string,
  before: Date,
): Promise<number> {
  const { rows } = await sql<{ held: string }>`
    select count(*)::int8::text as held from alerts a
    where a.school_id = ${schoolId}::uuid
      and a.status in ('dismissed', 'acknowledged')
      and a.last_seen_at < ${before}
      and ${alertHeld}
  `.execute(db);
  return Number(rows[0]?.held ?? 0);
}

export async function findWebhookSecret(
  db: Kysely<Database>,
  schoolId: string,
): Promise<AlertWebhookSecret | undefined> {
  return db
    .selectFrom('alert_webhook_secrets')
    .selectAll()
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
}

/** Store a school's secret unless it has one: returns the one in force. */
export async function insertWebhookSecretIfMissing(
  db: Kysely<Database>,
  row: { schoolId: string; secret: string; by: string | null; at: Date },
): Promise<AlertWebhookSecret> {
  await db
    .insertInto('alert_webhook_secrets')
    .values({
      school_id: row.schoolId,
      secret: row.secret,
      created_at: row.at,
      created_by: row.by,
    })
    .onConflict((oc) => oc.column('school_id').doNothing())
    .execute();
  return db
    .selectFrom('alert_webhook_secrets')
    .selectAll()
    .where('school_id', '=', row.schoolId)
    .executeTakeFirstOrThrow();
}

/** Replace a school's secret (a rotation): shown at once, so `shown_at` is set. */
export async function replaceWebhookSecret(
  db: Kysely<Database>,
  row: { schoolId: string; secret: string; by: string | null; at: Date },
): Promise<AlertWebhookSecret> {
  return db
    .insertInto('alert_webhook_secrets')
    .values({
      school_id: row.schoolId,
      secret: row.secret,
      created_at: row.at,
      created_by: row.by,
      shown_at: row.at,
    })
    .onConflict((oc) =>
      oc.column('school_id').doUpdateSet({
        secret: row.secret,
        created_at: row.at,
        created_by: row.by,
        shown_at: row.at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Mark the secret shown, only if it never was: true when this call did it. */
export async function markWebhookSecretShown(
  db: Kysely<Database>,
  schoolId: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('alert_webhook_secrets')
    .set({ shown_at: at })
    .where('school_id', '=', schoolId)
    .where('shown_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** People holding a role in any school (not disabled): who a technical notice goes to. */
export async function usersWithRoleEverywhere(
  db: Kysely<Database>,
  roles: readonly string[],
): Promise<AlertRecipient[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'email'])
    .where('disabled', '=', false)
    .where(sql<boolean>`roles && ${sql.val([...roles])}::text[]`)
    .orderBy('username')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
  }));
}

// ---------------------------------------------------------------------------------------------
// Wiring: isolations an incident asked for ("isolate the device", migration 0014).

/** Mark a person (and, when known, a device address) for isolation from an incident. */
export async function insertIncidentIsolation(
  db: Kysely<Database>,
  isolation: {
    schoolId: string;
    incidentId: string;
    clientIp: string;
    userId: string | null;
    at: Date;
  },
): Promise<AlertIsolation> {
  return db
    .insertInto('alert_isolations')
    .values({
      school_id: isolation.schoolId,
      alert_id: null,
      incident_id: isolation.incidentId,
      client_ip: isolation.clientIp,
      user_id: isolation.userId,
      device_class: null,
      created_at: isolation.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The isolations an incident asked for (in force and lifted), oldest first. */
export async function listIncidentIsolations(
  db: Kysely<Database>,
  incidentId: string,
): Promise<AlertIsolation[]> {
  return db
    .selectFrom('alert_isolations')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Lift every isolation an incident asked for; returns the rows lifted. */
export async function liftIncidentIsolations(
  db: Kysely<Database>,
  lift: { incidentId: string; by: string | null; reason: string; at: Date },
): Promise<AlertIsolation[]> {
  return db
    .updateTable('alert_isolations')
    .set({ lifted_at: lift.at, lifted_by: lift.by, lift_reason: lift.reason })
    .where('incident_id', '=', lift.incidentId)
    .where('lifted_at', 'is', null)
    .returningAll()
    .execute();
}
