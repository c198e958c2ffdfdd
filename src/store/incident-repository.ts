import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type {
  Alert,
  Database,
  Incident,
  IncidentEvidence,
  IncidentInvestigator,
  IncidentLearning,
  IncidentPerson,
  IncidentReferral,
  IncidentSanction,
  IncidentTable,
  ReferralAgency,
} from './schema.ts';

/** Every SQL statement about incidents (INC-1..6): the incident, its people, its records. */

export async function insertIncident(
  db: Kysely<Database>,
  incident: Insertable<IncidentTable>,
): Promise<Incident> {
  return db.insertInto('incidents').values(incident).returningAll().executeTakeFirstOrThrow();
}

export async function findIncidentById(
  db: Kysely<Database>,
  id: string,
): Promise<Incident | undefined> {
  return db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Lock the incident row for a change (two investigators signing off at once count on one row). */
export async function lockIncident(
  db: Kysely<Database>,
  id: string,
): Promise<Incident | undefined> {
  return db.selectFrom('incidents').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateIncident(
  db: Kysely<Database>,
  id: string,
  change: Updateable<IncidentTable>,
): Promise<Incident> {
  return db
    .updateTable('incidents')
    .set(change)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface IncidentListQuery {
  schoolId: string;
  status?: 'open' | 'closed' | undefined;
  category?: string | undefined;
  reportedBy?: string | undefined;
  /** Only incidents this person is linked to. */
  personUserId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
}

export async function listIncidents(
  db: Kysely<Database>,
  query: IncidentListQuery,
): Promise<Incident[]> {
  let q = db.selectFrom('incidents').selectAll().where('school_id', '=', query.schoolId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.category) q = q.where('category', '=', query.category);
  if (query.reportedBy) q = q.where('reported_by', '=', query.reportedBy);
  if (query.from) q = q.where('created_at', '>=', query.from);
  if (query.to) q = q.where('created_at', '<', query.to);
  if (query.personUserId) {
    const userId = query.personUserId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('incident_people')
          .select(sql<number>`1`.as('one'))
          .whereRef('incident_people.incident_id', '=', 'incidents.id')
          .where('incident_people.user_id', '=', userId),
      ),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

export async function findIncidentByAlert(
  db: Kysely<Database>,
  alertId: string,
): Promise<Incident | undefined> {
  return db.selectFrom('incidents').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
}

// People ---------------------------------------------------------------------------------------

export async function insertIncidentPerson(
  db: Kysely<Database>,
  person: Insertable<Database['incident_people']>,
): Promise<IncidentPerson> {
  return db.insertInto('incident_people').values(person).returningAll().executeTakeFirstOrThrow();
}

export async function deleteIncidentPerson(
  db: Kysely<Database>,
  incidentId: string,
  personId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('incident_people')
    .where('incident_id', '=', incidentId)
    .where('id', '=', personId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listIncidentPeople(
  db: Kysely<Database>,
  incidentIds: readonly string[],
): Promise<IncidentPerson[]> {
  if (incidentIds.length === 0) return [];
  return db
    .selectFrom('incident_people')
    .selectAll()
    .where('incident_id', 'in', [...incidentIds])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

// Investigators -------------------------------------------------------------------------------

export async function addInvestigator(
  db: Kysely<Database>,
  incidentId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto('incident_investigators')
    .values({ incident_id: incidentId, user_id: userId, added_at: at, signed_off_at: null })
    .onConflict((oc) => oc.columns(['incident_id', 'user_id']).doNothing())
    .execute();
}

export async function removeInvestigator(
  db: Kysely<Database>,
  incidentId: string,
  userId: string,
): Promise<void> {
  await db
    .deleteFrom('incident_investigators')
    .where('incident_id', '=', incidentId)
    .where('user_id', '=', userId)
    .execute();
}

export interface InvestigatorWithName extends IncidentInvestigator {
  display_name: string;
  username: string;
  roles: string[];
}

export async function listInvestigators(
  db: Kysely<Database>,
  incidentIds: readonly string[],
): Promise<InvestigatorWithName[]> {
  if (incidentIds.length === 0) return [];
  return db
    .selectFrom('incident_investigators')
    .innerJoin('users', 'users.id', 'incident_investigators.user_id')
    .selectAll('incident_investigators')
    .select(['users.display_name', 'users.username', 'users.roles'])
    .where('incident_investigators.incident_id', 'in', [...incidentIds])
    .orderBy('incident_investigators.added_at')
    .execute();
}

export async function signOffInvestigator(
  db: Kysely<Database>,
  incidentId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('incident_investigators')
    .set({ signed_off_at: at })
    .where('incident_id', '=', incidentId)
    .where('user_id', '=', userId)
    .execute();
}

/** A changed judgement must be signed off again by everyone. */
export async function clearSignOffs(db: Kysely<Database>, incidentId: string): Promise<void> {
  await db
    .updateTable('incident_investigators')
    .set({ signed_off_at: null })
    .where('incident_id', '=', incidentId)
    .execute();
}

// Referrals, sanctions, learning -----------------------------------------------------------------

export async function insertReferral(
  db: Kysely<Database>,
  referral: {
    incidentId: string;
    agency: ReferralAgency;
    reference: string | null;
    note: string | null;
    by: string | null;
    at: Date;
  },
): Promise<IncidentReferral> {
  return db
    .insertInto('incident_referrals')
    .values({
      incident_id: referral.incidentId,
      agency: referral.agency,
      reference: referral.reference,
      note: referral.note,
      referred_by: referral.by,
      referred_at: referral.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listReferrals(
  db: Kysely<Database>,
  incidentIds: readonly string[],
): Promise<IncidentReferral[]> {
  if (incidentIds.length === 0) return [];
  return db
    .selectFrom('incident_referrals')
    .selectAll()
    .where('incident_id', 'in', [...incidentIds])
    .orderBy('referred_at')
    .execute();
}

export async function insertSanction(
  db: Kysely<Database>,
  sanction: Insertable<Database['incident_sanctions']>,
): Promise<IncidentSanction> {
  return db
    .insertInto('incident_sanctions')
    .values(sanction)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listSanctions(
  db: Kysely<Database>,
  incidentIds: readonly string[],
): Promise<IncidentSanction[]> {
  if (incidentIds.length === 0) return [];
  return db
    .selectFrom('incident_sanctions')
    .selectAll()
    .where('incident_id', 'in', [...incidentIds])
    .orderBy('recorded_at')
    .execute();
}

export async function insertLearning(
  db: Kysely<Database>,
  learning: Insertable<Database['incident_learning']>,
): Promise<IncidentLearning> {
  return db
    .insertInto('incident_learning')
    .values(learning)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listLearning(
  db: Kysely<Database>,
  query: { schoolId: string; incidentIds?: readonly string[]; status?: 'open' | 'closed' },
): Promise<IncidentLearning[]> {
  let q = db.selectFrom('incident_learning').selectAll().where('school_id', '=', query.schoolId);
  if (query.incidentIds) {
    if (query.incidentIds.length === 0) return [];
    q = q.where('incident_id', 'in', [...query.incidentIds]);
  }
  if (query.status) q = q.where('status', '=', query.status);
  return q.orderBy('recorded_at').execute();
}

export async function findLearning(
  db: Kysely<Database>,
  id: string,
): Promise<IncidentLearning | undefined> {
  return db.selectFrom('incident_learning').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Close an open learning point as taken to an Online Safety Group meeting; undefined if not open. */
export async function markLearningTaken(
  db: Kysely<Database>,
  taken: { id: string; meetingId: string; by: string | null; at: Date },
): Promise<IncidentLearning | undefined> {
  return db
    .updateTable('incident_learning')
    .set({
      status: 'closed',
      closed_at: taken.at,
      meeting_id: taken.meetingId,
      taken_at: taken.at,
      taken_by: taken.by,
    })
    .where('id', '=', taken.id)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}

// Evidence ---------------------------------------------------------------------------------------

export type EvidenceSummary = Omit<IncidentEvidence, 'ciphertext' | 'iv' | 'tag'>;

export async function insertEvidence(
  db: Kysely<Database>,
  evidence: Insertable<Database['incident_evidence']>,
): Promise<EvidenceSummary> {
  return db
    .insertInto('incident_evidence')
    .values(evidence)
    .returning([
      'id',
      'incident_id',
      'file_name',
      'media_type',
      'size',
      'description',
      'uploaded_by',
      'uploaded_at',
    ])
    .executeTakeFirstOrThrow();
}

export async function listEvidence(
  db: Kysely<Database>,
  incidentIds: readonly string[],
): Promise<EvidenceSummary[]> {
  if (incidentIds.length === 0) return [];
  return db
    .selectFrom('incident_evidence')
    .select([
      'id',
      'incident_id',
      'file_name',
      'media_type',
      'size',
      'description',
      'uploaded_by',
      'uploaded_at',
    ])
    .where('incident_id', 'in', [...incidentIds])
    .orderBy('uploaded_at')
    .execute();
}

export async function findEvidence(
  db: Kysely<Database>,
  incidentId: string,
  evidenceId: string,
): Promise<IncidentEvidence | undefined> {
  return db
    .selectFrom('incident_evidence')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .where('id', '=', evidenceId)
    .executeTakeFirst();
}

// Settings ---------------------------------------------------------------------------------------

export async function findCaseworkSettings(
  db: Kysely<Database>,
  schoolId: string,
): Promise<{ dslSeesStaffConcerns: boolean }> {
  const row = await db
    .selectFrom('casework_settings')
    .select('dsl_sees_staff_concerns')
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
  return { dslSeesStaffConcerns: row?.dsl_sees_staff_concerns ?? false };
}

export async function saveCaseworkSettings(
  db: Kysely<Database>,
  schoolId: string,
  settings: { dslSeesStaffConcerns: boolean },
  at: Date,
): Promise<void> {
  await db
    .insertInto('casework_settings')
    .values({
      school_id: schoolId,
      dsl_sees_staff_concerns: settings.dslSeesStaffConcerns,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc
        .column('school_id')
        .doUpdateSet({ dsl_sees_staff_concerns: settings.dslSeesStaffConcerns, updated_at: at }),
    )
    .execute();
}

/** Display names of users, for presenting records. */
export async function namesOf(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, { displayName: string; username: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'username'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { displayName: r.display_name, username: r.username }]));
}

/** The alerts raised about one person (for the chronology). */
export async function listAlertsOfUser(
  db: Kysely<Database>,
  schoolId: string,
  userId: string,
  limit: number,
): Promise<Alert[]> {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('school_id', '=', schoolId)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Sanctions recorded against one person, with their incident (for the chronology). */
export async function listSanctionsOfUser(
  db: Kysely<Database>,
  schoolId: string,
  userId: string,
): Promise<(IncidentSanction & { incident_school_id: string })[]> {
  return db
    .selectFrom('incident_sanctions')
    .innerJoin('incident_people', 'incident_people.id', 'incident_sanctions.person_id')
    .innerJoin('incidents', 'incidents.id', 'incident_sanctions.incident_id')
    .selectAll('incident_sanctions')
    .select('incidents.school_id as incident_school_id')
    .where('incidents.school_id', '=', schoolId)
    .where('incident_people.user_id', '=', userId)
    .orderBy('incident_sanctions.recorded_at', 'desc')
    .execute();
}
