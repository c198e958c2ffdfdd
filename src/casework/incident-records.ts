import type { Kysely } from 'kysely';
import { can, type IncidentScope } from '../access/abilities.ts';
import type { Actor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { documentOf } from '../filtering/policy-versions.ts';
import {
  findCaseworkSettings,
  findIncidentById,
  listEvidence,
  listIncidentPeople,
  listIncidents,
  listInvestigators,
  listLearning,
  listReferrals,
  listSanctions,
  namesOf,
  type EvidenceSummary,
  type IncidentListQuery,
  type InvestigatorWithName,
} from '../store/incident-repository.ts';
import { findActivePolicyVersion } from '../store/policy-version-repository.ts';
import type {
  Database,
  Incident,
  IncidentLearning,
  IncidentPerson,
  IncidentReferral,
  IncidentSanction,
} from '../store/schema.ts';
import {
  defaultIncidentType,
  evidenceAllowed,
  nextStep,
  outcomeOf,
  suggestSanctions,
  templateOf,
  type IncidentFacts,
  type NextStep,
  type PolicyTemplate,
  type SanctionSuggestion,
  type SanctionsTableData,
} from './incident-workflow.ts';

/**
 * Reading incidents (INC-2..5, PLT-1): who may see a record is decided by `access/abilities.ts`
 * (`incidents.read` and its record rule); every read is an audit entry, written before the
 * record is returned.
 */

export function scopeOf(incident: Incident, dslSeesStaffConcerns: boolean): IncidentScope {
  return {
    kind: 'incident',
    schoolId: incident.school_id,
    concernAbout: incident.concern_about,
    reportedBy: incident.reported_by,
    dslSeesStaffConcerns,
  };
}

export interface SchoolSanctions {
  template: PolicyTemplate;
  tables: { pupils?: SanctionsTableData | undefined; staff?: SanctionsTableData | undefined };
}

/** The active policy's sanctions tables and template (Roundwood's words when there is none). */
export async function schoolSanctions(
  db: Kysely<Database>,
  schoolId: string,
): Promise<SchoolSanctions> {
  const version = await findActivePolicyVersion(db, schoolId);
  if (!version) return { template: 'roundwood', tables: {} };
  const policy = documentOf(version);
  return {
    template: templateOf(policy.metadata.template),
    tables: { pupils: policy.sanctions?.pupils, staff: policy.sanctions?.staff },
  };
}

/** Load an incident for an ability, or refuse: 404 when it does not exist, 403 when not yours. */
export async function loadIncident(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  ability: 'incidents.read' | 'incidents.manage',
): Promise<Incident> {
  const incident = await findIncidentById(db, id);
  if (!incident) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such incident.');
  const settings = await findCaseworkSettings(db, incident.school_id);
  if (!can(actor, ability, scopeOf(incident, settings.dslSeesStaffConcerns))) {
    throw new HavenError('HAVEN_FORBIDDEN', 'You may not see this incident.');
  }
  return incident;
}

export interface IncidentRecord {
  incident: Incident;
  people: IncidentPerson[];
  investigators: InvestigatorWithName[];
  referrals: IncidentReferral[];
  sanctions: IncidentSanction[];
  evidence: EvidenceSummary[];
  learning: IncidentLearning[];
}

export function factsOf(record: IncidentRecord): IncidentFacts {
  const i = record.incident;
  return {
    category: i.category,
    suspectedIllegal: i.suspected_illegal,
    status: i.status,
    referrals: record.referrals.map((r) => ({ agency: r.agency, reference: r.reference })),
    deviceIsolated: i.device_isolated_at !== null,
    investigators: record.investigators.map((v) => ({ signedOff: v.signed_off_at !== null })),
    designatedDevice: i.designated_device,
    urls: i.urls,
    contentNature: i.content_nature,
    judgement: i.judgement,
    actionsTaken: i.actions_taken,
    sanctionsRecorded: record.sanctions.length,
    feedback: i.feedback,
    support: i.support,
    concernAbout: i.concern_about,
  };
}

export async function loadRecords(
  db: Kysely<Database>,
  incidents: readonly Incident[],
): Promise<IncidentRecord[]> {
  const ids = incidents.map((i) => i.id);
  const first = incidents[0];
  const [people, investigators, referrals, sanctions, evidence, learning] = await Promise.all([
    listIncidentPeople(db, ids),
    listInvestigators(db, ids),
    listReferrals(db, ids),
    listSanctions(db, ids),
    listEvidence(db, ids),
    first ? listLearning(db, { schoolId: first.school_id, incidentIds: ids }) : [],
  ]);
  return incidents.map((incident) => ({
    incident,
    people: people.filter((p) => p.incident_id === incident.id),
    investigators: investigators.filter((p) => p.incident_id === incident.id),
    referrals: referrals.filter((p) => p.incident_id === incident.id),
    sanctions: sanctions.filter((p) => p.incident_id === incident.id),
    evidence: evidence.filter((p) => p.incident_id === incident.id),
    learning: learning.filter((p) => p.incident_id === incident.id),
  }));
}

export interface IncidentDetail extends IncidentRecord {
  next: NextStep;
  outcome: string;
  evidence: EvidenceSummary[];
  evidenceAllowed: { allowed: boolean; reason: string | null };
  /** The sanctions row preselected for the category. */
  suggestedIncidentType: string | null;
  /** Per linked pupil or staff member: the table's suggestion for the incident type. */
  suggestions: { personId: string; suggestion: SanctionSuggestion | null }[];
  names: Map<string, { displayName: string; username: string }>;
  sanctionsTables: SchoolSanctions;
}

export async function detailOf(
  db: Kysely<Database>,
  record: IncidentRecord,
  sanctions?: SchoolSanctions,
): Promise<IncidentDetail> {
  const tables = sanctions ?? (await schoolSanctions(db, record.incident.school_id));
  const facts = factsOf(record);
  const allowed = evidenceAllowed(facts);
  const incidentType =
    record.incident.incident_type ?? defaultIncidentType(record.incident.category, tables.tables);
  const userIds = [
    record.incident.reported_by,
    record.incident.closed_by,
    ...record.referrals.map((r) => r.referred_by),
    ...record.sanctions.map((s) => s.recorded_by),
    ...record.evidence.map((e) => e.uploaded_by),
  ].filter((id): id is string => id !== null);
  return {
    ...record,
    next: nextStep(facts, tables.template),
    outcome: outcomeOf(facts),
    evidenceAllowed: allowed.allowed
      ? { allowed: true, reason: null }
      : { allowed: false, reason: allowed.reason },
    suggestedIncidentType: incidentType,
    suggestions: record.people.map((p) => ({
      personId: p.id,
      suggestion:
        p.role === 'reporter' || p.role === 'witness'
          ? null
          : suggestSanctions(tables.tables, p.kind, incidentType),
    })),
    names: await namesOf(db, userIds),
    sanctionsTables: tables,
  };
}

/** One incident, read by someone allowed to: the read is audited. */
export async function readIncident(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  now: Date,
): Promise<IncidentDetail> {
  const incident = await loadIncident(db, actor, id, 'incidents.read');
  await db.transaction().execute(async (trx) => {
    await audit(
      trx,
      actor,
      {
        action: 'incident.read',
        subjectType: 'incident',
        subjectId: id,
        schoolId: incident.school_id,
      },
      now,
    );
  });
  const [record] = await loadRecords(db, [incident]);
  if (!record) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such incident.');
  return detailOf(db, record);
}

export interface IncidentListItem {
  incident: Incident;
  next: NextStep;
  outcome: string;
  people: IncidentPerson[];
}

/** The incidents this person may see (filters applied), newest first; the read is audited. */
export async function readIncidents(
  db: Kysely<Database>,
  actor: Actor,
  query: Omit<IncidentListQuery, 'schoolId'> & { step?: string | undefined },
  now: Date,
): Promise<IncidentListItem[]> {
  const schoolId = actor.schoolId;
  if (schoolId === null) return [];
  const settings = await findCaseworkSettings(db, schoolId);
  const rows = await listIncidents(db, { ...query, schoolId, limit: 1000 });
  const visible = rows.filter((i) =>
    can(actor, 'incidents.read', scopeOf(i, settings.dslSeesStaffConcerns)),
  );
  const sanctions = await schoolSanctions(db, schoolId);
  const records = await loadRecords(db, visible);
  const items = records
    .map((r) => {
      const facts = factsOf(r);
      return {
        incident: r.incident,
        next: nextStep(facts, sanctions.template),
        outcome: outcomeOf(facts),
        people: r.people,
      };
    })
    .filter((item) => !query.step || item.next.step === query.step)
    .slice(0, query.limit);
  await db.transaction().execute(async (trx) => {
    await audit(
      trx,
      actor,
      {
        action: 'incident.read',
        subjectType: 'incident',
        subjectId: null,
        schoolId,
        detail: {
          ids: items.map((i) => i.incident.id),
          filters: {
            status: query.status ?? null,
            category: query.category ?? null,
            step: query.step ?? null,
          },
        },
      },
      now,
    );
  });
  return items;
}

/** What a reporter sees of their own reports: when, what they wrote, and a plain status. */
export interface OwnReport {
  id: string;
  createdAt: Date;
  summary: string;
  status: 'received' | 'being-dealt-with' | 'closed';
}

export async function readOwnReports(
  db: Kysely<Database>,
  actor: Actor,
  now: Date,
): Promise<OwnReport[]> {
  if (actor.schoolId === null) return [];
  const rows = await listIncidents(db, {
    schoolId: actor.schoolId,
    reportedBy: actor.userId,
    limit: 200,
  });
  const own = rows.filter((i) =>
    can(actor, 'incidents.own.read', scopeOf(i, false /* irrelevant to the reporter's rule */)),
  );
  await db.transaction().execute(async (trx) => {
    await audit(
      trx,
      actor,
      {
        action: 'incident.own.read',
        subjectType: 'incident',
        subjectId: null,
        schoolId: actor.schoolId,
        detail: { ids: own.map((i) => i.id) },
      },
      now,
    );
  });
  return own.map((i) => ({
    id: i.id,
    createdAt: i.created_at,
    summary: i.summary,
    status:
      i.status === 'closed' ? 'closed' : i.category === null ? 'received' : 'being-dealt-with',
  }));
}
