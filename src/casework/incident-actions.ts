import type { Kysely } from 'kysely';
import type { Actor, AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { can } from '../access/abilities.ts';
import { openSecret, sealSecret } from '../access/secret-box.ts';
import { announceIsolationChange } from '../activity/capture-halt.ts';
import { HavenError } from '../errors/haven-error.ts';
import {
  addInvestigator,
  clearSignOffs,
  deleteIncidentPerson,
  findEvidence,
  insertEvidence,
  insertIncident,
  insertIncidentPerson,
  insertLearning,
  insertReferral,
  insertSanction,
  listIncidentPeople,
  listInvestigators,
  lockIncident,
  removeInvestigator,
  signOffInvestigator,
  updateIncident,
  type EvidenceSummary,
} from '../store/incident-repository.ts';
import type {
  ConcernAbout,
  Database,
  Incident,
  IncidentPersonKind,
  IncidentPersonRole,
  IncidentSource,
  ReferralAgency,
  ReporterKind,
} from '../store/schema.ts';
import {
  findAlertById,
  insertIncidentIsolation,
  liftIncidentIsolations,
  listIncidentIsolations,
} from '../store/alert-repository.ts';
import { findUserById } from '../store/user-repository.ts';
import { loadIncident, loadRecords, factsOf, schoolSanctions } from './incident-records.ts';
import {
  canClose,
  categoryOf,
  evidenceAllowed,
  isIllegalRoute,
  seniorRoles,
  seniorRolesForHeadConcern,
  suggestSanctions,
  defaultIncidentType,
} from './incident-workflow.ts';

/**
 * Changing an incident (INC-1..5): each change and its audit entry share one transaction, on the
 * locked incident row; the flowchart's rules (`incident-workflow.ts`) decide what is allowed.
 */

export interface NewReport {
  schoolId: string;
  source: IncidentSource;
  reporterKind: ReporterKind;
  /** Null for an anonymous report: nothing that identifies the reporter is kept. */
  reporter: { userId: string; name: string; kind: IncidentPersonKind } | null;
  summary: string;
  host?: string | null;
  concernAbout?: ConcernAbout;
  blockPageRequestId?: string | null;
  alertId?: string | null;
  /** People the report names, e.g. the pupil an alert was about. */
  people?: readonly {
    userId: string | null;
    name: string;
    kind: IncidentPersonKind;
    role: IncidentPersonRole;
  }[];
  category?: string | null;
}

/** Record a report as a new incident (inside the caller's transaction). */
export async function reportIncident(
  trx: Kysely<Database>,
  actor: AuditActor,
  report: NewReport,
  now: Date,
): Promise<Incident> {
  const incident = await insertIncident(trx, {
    school_id: report.schoolId,
    source: report.source,
    reporter_kind: report.reporter ? report.reporterKind : 'anonymous',
    reported_by: report.reporter?.userId ?? null,
    block_page_request_id: report.blockPageRequestId ?? null,
    alert_id: report.alertId ?? null,
    summary: report.summary,
    host: report.host ?? null,
    concern_about: report.concernAbout ?? 'pupils',
    category: report.category ?? null,
    incident_type: null,
    suspected_illegal: report.category === 'csam' ? true : null,
    device_isolated_at: null,
    device_description: null,
    designated_device: null,
    content_nature: null,
    judgement: null,
    judgement_note: null,
    feedback: null,
    support: null,
    closed_at: null,
    closed_by: null,
    created_at: now,
    updated_at: now,
  });
  if (report.reporter) {
    await insertIncidentPerson(trx, {
      incident_id: incident.id,
      user_id: report.reporter.userId,
      name: report.reporter.name,
      kind: report.reporter.kind,
      role: 'reporter',
      created_at: now,
    });
  }
  for (const person of report.people ?? []) {
    await insertIncidentPerson(trx, {
      incident_id: incident.id,
      user_id: person.userId,
      name: person.name,
      kind: person.kind,
      role: person.role,
      created_at: now,
    });
  }
  await audit(
    trx,
    actor,
    {
      action: 'incident.report',
      subjectType: 'incident',
      subjectId: incident.id,
      schoolId: report.schoolId,
      detail: {
        source: report.source,
        anonymous: report.reporter === null,
        concernAbout: incident.concern_about,
        alert: report.alertId ?? null,
        blockPageRequest: report.blockPageRequestId ?? null,
      },
    },
    now,
  );
  return incident;
}

/** The kind of person a user is, for the incident record. */
export function personKindOf(roles: readonly string[]): IncidentPersonKind {
  if (roles.includes('pupil')) return 'pupil';
  if (
    roles.some((r) =>
      ['staff', 'dsl', 'deputy-dsl', 'head', 'technician', 'online-safety-lead'].includes(r),
    )
  )
    return 'staff';
  return 'other';
}

export function reporterKindOf(roles: readonly string[]): ReporterKind {
  const kind = personKindOf(roles);
  if (kind === 'pupil') return 'pupil';
  if (kind === 'staff') return 'staff';
  return roles.includes('parent') ? 'parent' : 'other';
}

/** Run a change on the locked incident, refusing changes to a closed one, with an audit entry. */
async function change<T>(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  action: string,
  now: Date,
  work: (
    trx: Kysely<Database>,
    incident: Incident,
  ) => Promise<{ result: T; detail: Record<string, unknown> }>,
  options: { allowClosed?: boolean } = {},
): Promise<T> {
  await loadIncident(db, actor, id, 'incidents.manage');
  return db.transaction().execute(async (trx) => {
    const incident = await lockIncident(trx, id);
    if (!incident) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such incident.');
    if (incident.status === 'closed' && !options.allowClosed) {
      throw new HavenError('HAVEN_CONFLICT', 'This incident is closed: it cannot be changed.');
    }
    const { result, detail } = await work(trx, incident);
    await updateIncident(trx, id, { updated_at: now });
    await audit(
      trx,
      actor,
      { action, subjectType: 'incident', subjectId: id, schoolId: incident.school_id, detail },
      now,
    );
    return result;
  });
}

async function recordOf(trx: Kysely<Database>, incident: Incident) {
  const [record] = await loadRecords(trx, [incident]);
  if (!record) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such incident.');
  return record;
}

export interface Classification {
  category: string;
  fourCs: readonly string[];
  suspectedIllegal: boolean;
  incidentType?: string | null | undefined;
  concernAbout?: ConcernAbout | undefined;
}

export async function classifyIncident(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  input: Classification,
  now: Date,
): Promise<void> {
  const category = categoryOf(input.category);
  if (!category) {
    throw new HavenError('HAVEN_VALIDATION', `"${input.category}" is not an incident category.`, {
      errors: [{ path: 'body.category', message: 'choose a category from the list' }],
    });
  }
  await change(db, actor, id, 'incident.classify', now, async (trx, incident) => {
    const tables = (await schoolSanctions(trx, incident.school_id)).tables;
    const type = input.incidentType ?? defaultIncidentType(category.id, tables);
    if (type !== null) {
      const known = [...(tables.pupils?.incidents ?? []), ...(tables.staff?.incidents ?? [])].some(
        (i) => i.id === type,
      );
      if (!known) {
        throw new HavenError(
          'HAVEN_VALIDATION',
          `"${type}" is not a row of the sanctions tables.`,
          {
            errors: [
              { path: 'body.incidentType', message: 'choose an incident type from the policy' },
            ],
          },
        );
      }
    }
    const suspectedIllegal = category.id === 'csam' ? true : input.suspectedIllegal;
    const record = await recordOf(trx, incident);
    // CSAM: nothing of it may be kept. Evidence added before the classification is destroyed.
    let destroyed = 0;
    if (suspectedIllegal && record.evidence.length > 0 && category.id === 'csam') {
      const result = await trx
        .deleteFrom('incident_evidence')
        .where('incident_id', '=', id)
        .executeTakeFirst();
      destroyed = Number(result.numDeletedRows);
    }
    if (suspectedIllegal && record.investigators.length > 0) {
      // The illegal side of the flowchart has no investigation.
      await trx.deleteFrom('incident_investigators').where('incident_id', '=', id).execute();
    }
    await updateIncident(trx, id, {
      category: category.id,
      four_cs: [...new Set(input.fourCs)],
      suspected_illegal: suspectedIllegal,
      incident_type: type,
      ...(input.concernAbout ? { concern_about: input.concernAbout } : {}),
    });
    return {
      result: undefined,
      detail: {
        from: { category: incident.category, suspectedIllegal: incident.suspected_illegal },
        category: category.id,
        fourCs: input.fourCs,
        suspectedIllegal,
        incidentType: type,
        concernAbout: input.concernAbout ?? incident.concern_about,
        ...(destroyed > 0 ? { evidenceDestroyed: destroyed } : {}),
      },
    };
  });
}

export interface PersonLink {
  userId?: string | null | undefined;
  name?: string | null | undefined;
  kind?: IncidentPersonKind | undefined;
  role: IncidentPersonRole;
}

export async function linkPerson(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  link: PersonLink,
  now: Date,
): Promise<string> {
  return change(db, actor, id, 'incident.person.add', now, async (trx, incident) => {
    let name = link.name?.trim() ?? '';
    let kind: IncidentPersonKind = link.kind ?? 'other';
    let userId: string | null = null;
    if (link.userId) {
      const user = await findUserById(trx, link.userId);
      if (!user || user.school_id !== incident.school_id) {
        throw new HavenError('HAVEN_VALIDATION', 'There is no such person in this school.', {
          errors: [{ path: 'body.userId', message: 'choose a person of the school' }],
        });
      }
      userId = user.id;
      name = user.display_name;
      kind = personKindOf(user.roles);
    }
    if (name === '') {
      throw new HavenError('HAVEN_VALIDATION', 'Name the person, or choose one of the school.', {
        errors: [{ path: 'body.name', message: 'give a name or a userId' }],
      });
    }
    const person = await insertIncidentPerson(trx, {
      incident_id: id,
      user_id: userId,
      name,
      kind,
      role: link.role,
      created_at: now,
    });
    return {
      result: person.id,
      detail: { person: person.id, user: userId, role: link.role, kind },
    };
  });
}

export async function unlinkPerson(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  personId: string,
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.person.remove', now, async (trx) => {
    if (!(await deleteIncidentPerson(trx, id, personId))) {
      throw new HavenError('HAVEN_NOT_FOUND', 'That person is not linked to this incident.');
    }
    return { result: undefined, detail: { person: personId } };
  });
}

export async function referIncident(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  referral: { agency: ReferralAgency; reference: string | null; note: string | null },
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.refer', now, async (trx) => {
    const row = await insertReferral(trx, {
      incidentId: id,
      agency: referral.agency,
      reference: referral.reference,
      note: referral.note,
      by: actor.userId,
      at: now,
    });
    return {
      result: undefined,
      detail: { referral: row.id, agency: referral.agency, reference: referral.reference },
    };
  });
}

/**
 * Whom an incident's "isolate the device" step halts capture for (MON-4): the person and device
 * of the alert it came from, and the pupils and staff linked as victim or instigator who have an
 * account. Witnesses and reporters are not isolated.
 */
async function isolationTargets(
  trx: Kysely<Database>,
  incident: Incident,
): Promise<{ userId: string | null; clientIp: string }[]> {
  const targets: { userId: string | null; clientIp: string }[] = [];
  if (incident.alert_id) {
    const alert = await findAlertById(trx, incident.alert_id);
    if (alert && alert.school_id === incident.school_id)
      targets.push({ userId: alert.user_id, clientIp: alert.client_ip });
  }
  for (const person of await listIncidentPeople(trx, [incident.id])) {
    if (person.user_id === null) continue;
    if (person.role !== 'victim' && person.role !== 'instigator') continue;
    targets.push({ userId: person.user_id, clientIp: '' });
  }
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.userId ?? ''}|${t.clientIp}`;
    if ((t.userId === null && t.clientIp === '') || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Record that the device was isolated, and halt capture for the people and device involved the
 * same way a suspected-CSAM alert does (`alert_isolations`, see activity/capture-halt.ts): from
 * the commit on, the filter nodes record for them only what safeguarding needs, until the DSL
 * lifts it. Isolating again adds only people not already isolated. Returns how many were added.
 */
export async function isolateDevice(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  description: string,
  now: Date,
): Promise<number> {
  const added = await change(
    db,
    actor,
    id,
    'incident.isolate-device',
    now,
    async (trx, incident) => {
      await updateIncident(trx, id, { device_isolated_at: now, device_description: description });
      const active = (await listIncidentIsolations(trx, id)).filter((i) => i.lifted_at === null);
      const rows = [];
      for (const target of await isolationTargets(trx, incident)) {
        if (active.some((i) => i.user_id === target.userId && i.client_ip === target.clientIp))
          continue;
        rows.push(
          await insertIncidentIsolation(trx, {
            schoolId: incident.school_id,
            incidentId: id,
            clientIp: target.clientIp,
            userId: target.userId,
            at: now,
          }),
        );
      }
      return {
        result: rows.length,
        detail: {
          device: description,
          isolations: rows.map((r) => ({ id: r.id, clientIp: r.client_ip, userId: r.user_id })),
        },
      };
    },
  );
  if (added > 0) announceIsolationChange();
  return added;
}

/**
 * Lift the isolation an incident asked for (the DSL, once the police have said what to do):
 * capture resumes on every filter node. 409 when none is in force.
 */
export async function liftIncidentIsolation(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  reason: string,
  now: Date,
): Promise<void> {
  const why = reason.trim();
  if (why.length < 3)
    throw new HavenError('HAVEN_VALIDATION', 'say why the isolation is lifted', {
      errors: [{ path: 'body.reason', message: 'at least 3 characters' }],
    });
  const incident = await loadIncident(db, actor, id, 'incidents.read');
  if (!can(actor, 'alerts.isolation.lift', { schoolId: incident.school_id }))
    throw new HavenError('HAVEN_FORBIDDEN', 'Only the DSL lifts an isolation.');
  await db.transaction().execute(async (trx) => {
    const rows = await liftIncidentIsolations(trx, {
      incidentId: id,
      by: actor.userId,
      reason: why,
      at: now,
    });
    if (rows.length === 0)
      throw new HavenError(
        'HAVEN_CONFLICT',
        'This incident has no isolation in force (it never had one, or it was lifted already).',
      );
    await audit(
      trx,
      actor,
      {
        action: 'incident.isolation.lifted',
        subjectType: 'incident',
        subjectId: id,
        schoolId: incident.school_id,
        detail: {
          reason: why,
          isolations: rows.map((r) => ({ id: r.id, clientIp: r.client_ip, userId: r.user_id })),
        },
      },
      now,
    );
  });
  announceIsolationChange();
}

function refuseOnIllegalRoute(incident: Incident): void {
  if (
    isIllegalRoute({ category: incident.category, suspectedIllegal: incident.suspected_illegal })
  ) {
    throw new HavenError(
      'HAVEN_CONFLICT',
      'Illegal activity is suspected: the school refers it to the police and does not investigate it.',
    );
  }
  if (incident.category === null || incident.suspected_illegal === null) {
    throw new HavenError(
      'HAVEN_CONFLICT',
      'Classify the incident first: whether illegal activity is suspected decides whether the school investigates.',
    );
  }
}

export async function addIncidentInvestigator(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  userId: string,
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.investigator.add', now, async (trx, incident) => {
    refuseOnIllegalRoute(incident);
    const user = await findUserById(trx, userId);
    const allowed: readonly string[] =
      incident.concern_about === 'head' ? seniorRolesForHeadConcern : seniorRoles;
    if (!user || user.school_id !== incident.school_id || user.disabled) {
      throw new HavenError('HAVEN_VALIDATION', 'There is no such person in this school.', {
        errors: [{ path: 'body.userId', message: 'choose a member of senior staff' }],
      });
    }
    if (!user.roles.some((r) => allowed.includes(r))) {
      throw new HavenError(
        'HAVEN_VALIDATION',
        `${user.display_name} is not senior staff: investigators are the DSL, deputy DSLs, the head or the online safety lead.`,
        { errors: [{ path: 'body.userId', message: 'choose a member of senior staff' }] },
      );
    }
    if (incident.concern_about === 'head' && user.roles.includes('head')) {
      throw new HavenError(
        'HAVEN_VALIDATION',
        'The head cannot investigate a concern about the head.',
        {
          errors: [{ path: 'body.userId', message: 'choose someone else' }],
        },
      );
    }
    await addInvestigator(trx, id, user.id, now);
    return { result: undefined, detail: { investigator: user.id } };
  });
}

export async function removeIncidentInvestigator(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  userId: string,
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.investigator.remove', now, async (trx) => {
    await removeInvestigator(trx, id, userId);
    await clearSignOffs(trx, id);
    return { result: undefined, detail: { investigator: userId } };
  });
}

export async function recordInvestigation(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  input: { designatedDevice: string; urls: readonly string[]; contentNature: string },
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.investigation', now, async (trx, incident) => {
    refuseOnIllegalRoute(incident);
    await updateIncident(trx, id, {
      designated_device: input.designatedDevice,
      urls: [...input.urls],
      content_nature: input.contentNature,
    });
    return {
      result: undefined,
      detail: { designatedDevice: input.designatedDevice, urls: input.urls.length },
    };
  });
}

export async function recordJudgement(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  input: { judgement: 'substance' | 'no-substance'; note: string | null },
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.judgement', now, async (trx, incident) => {
    refuseOnIllegalRoute(incident);
    const record = await recordOf(trx, incident);
    if (record.investigators.length < 2) {
      throw new HavenError(
        'HAVEN_CONFLICT',
        'Name at least two senior members of staff as investigators before judging.',
      );
    }
    if (!incident.designated_device || incident.urls.length === 0 || !incident.content_nature) {
      throw new HavenError(
        'HAVEN_CONFLICT',
        'Record the designated device, the URLs and the nature of the content before judging.',
      );
    }
    await updateIncident(trx, id, { judgement: input.judgement, judgement_note: input.note });
    // A new judgement is signed off afresh by every investigator.
    await clearSignOffs(trx, id);
    return { result: undefined, detail: { judgement: input.judgement } };
  });
}

export async function signOffJudgement(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.sign-off', now, async (trx, incident) => {
    if (incident.judgement === null) {
      throw new HavenError('HAVEN_CONFLICT', 'There is no judgement to sign off yet.');
    }
    const investigators = await listInvestigators(trx, [id]);
    const me = investigators.find((i) => i.user_id === actor.userId);
    if (!me) {
      throw new HavenError(
        'HAVEN_FORBIDDEN',
        'Only the named investigators sign off the judgement: you are not one of them.',
      );
    }
    if (me.signed_off_at !== null) {
      throw new HavenError('HAVEN_CONFLICT', 'You have already signed off this judgement.');
    }
    await signOffInvestigator(trx, id, actor.userId, now);
    return { result: undefined, detail: { judgement: incident.judgement } };
  });
}

export const maxEvidenceBytes = 5 * 1024 * 1024;

export async function addEvidence(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  key: Buffer,
  file: { fileName: string; mediaType: string; content: Buffer; description: string | null },
  now: Date,
): Promise<EvidenceSummary> {
  return change(db, actor, id, 'incident.evidence.add', now, async (trx, incident) => {
    const allowed = evidenceAllowed({
      category: incident.category,
      suspectedIllegal: incident.suspected_illegal,
    });
    if (!allowed.allowed) throw new HavenError('HAVEN_EVIDENCE_REFUSED', allowed.reason);
    if (file.content.length === 0) {
      throw new HavenError('HAVEN_VALIDATION', 'The file is empty.', {
        errors: [{ path: 'body.contentBase64', message: 'attach a file' }],
      });
    }
    if (file.content.length > maxEvidenceBytes) {
      throw new HavenError('HAVEN_PAYLOAD_TOO_LARGE', 'Evidence files are at most 5 MB each.');
    }
    const sealed = sealSecret(key, file.content, `incident-evidence:${id}`);
    const row = await insertEvidence(trx, {
      incident_id: id,
      file_name: file.fileName,
      media_type: file.mediaType,
      size: file.content.length,
      description: file.description,
      iv: sealed.iv,
      tag: sealed.tag,
      ciphertext: Buffer.from(sealed.data, 'base64'),
      uploaded_by: actor.userId,
      uploaded_at: now,
    });
    return {
      result: row,
      detail: { evidence: row.id, fileName: file.fileName, size: file.content.length },
    };
  });
}

/** Open one piece of evidence (decrypted); the read is audited. */
export async function readEvidence(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  evidenceId: string,
  key: Buffer,
  now: Date,
): Promise<{ fileName: string; mediaType: string; content: Buffer }> {
  const incident = await loadIncident(db, actor, id, 'incidents.read');
  const row = await findEvidence(db, id, evidenceId);
  if (!row) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such evidence.');
  const content = openSecret(
    key,
    {
      v: 1,
      alg: 'aes-256-gcm',
      iv: row.iv,
      tag: row.tag,
      data: Buffer.from(row.ciphertext).toString('base64'),
    },
    `incident-evidence:${id}`,
  );
  await db.transaction().execute(async (trx) => {
    await audit(
      trx,
      actor,
      {
        action: 'incident.evidence.read',
        subjectType: 'incident',
        subjectId: id,
        schoolId: incident.school_id,
        detail: { evidence: evidenceId },
      },
      now,
    );
  });
  return { fileName: row.file_name, mediaType: row.media_type, content };
}

export async function recordSanction(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  input: { personId: string; actionId: string; note: string | null },
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.sanction', now, async (trx, incident) => {
    if (incident.judgement === 'no-substance') {
      throw new HavenError(
        'HAVEN_CONFLICT',
        'The concern was judged to have no substance: no sanction can be recorded.',
      );
    }
    const people = await listIncidentPeople(trx, [id]);
    const person = people.find((p) => p.id === input.personId);
    if (!person) {
      throw new HavenError('HAVEN_VALIDATION', 'That person is not linked to this incident.', {
        errors: [{ path: 'body.personId', message: 'choose a person linked to the incident' }],
      });
    }
    const tables = (await schoolSanctions(trx, incident.school_id)).tables;
    const type = incident.incident_type ?? defaultIncidentType(incident.category, tables);
    const suggestion = suggestSanctions(tables, person.kind, type);
    const table =
      person.kind === 'pupil' ? tables.pupils : person.kind === 'staff' ? tables.staff : undefined;
    const action = table?.actions.find((a) => a.id === input.actionId);
    if (!table || !action) {
      throw new HavenError(
        'HAVEN_VALIDATION',
        `"${input.actionId}" is not an action of the ${person.kind === 'staff' ? 'staff' : 'pupil'} sanctions table.`,
        { errors: [{ path: 'body.actionId', message: 'choose an action from the policy table' }] },
      );
    }
    const suggested = suggestion?.actions.find((a) => a.id === action.id)?.suggested ?? false;
    const row = await insertSanction(trx, {
      incident_id: id,
      person_id: person.id,
      table_name: person.kind === 'staff' ? 'staff' : 'pupils',
      policy_incident: type,
      action_id: action.id,
      action_label: action.label,
      suggested,
      note: input.note,
      recorded_by: actor.userId,
      recorded_at: now,
    });
    return {
      result: undefined,
      detail: { sanction: row.id, person: person.id, action: action.id, suggested },
    };
  });
}

export async function recordOutcome(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  input: {
    actionsTaken?: readonly string[] | undefined;
    feedback?: string | null | undefined;
    support?: string | null | undefined;
  },
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.outcome', now, async (trx) => {
    await updateIncident(trx, id, {
      ...(input.actionsTaken ? { actions_taken: [...new Set(input.actionsTaken)] } : {}),
      ...(input.feedback !== undefined ? { feedback: input.feedback } : {}),
      ...(input.support !== undefined ? { support: input.support } : {}),
    });
    return {
      result: undefined,
      detail: {
        actionsTaken: input.actionsTaken ?? null,
        feedback: input.feedback !== undefined,
        support: input.support !== undefined,
      },
    };
  });
}

export async function addLearning(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  text: string,
  now: Date,
): Promise<void> {
  await change(
    db,
    actor,
    id,
    'incident.learning',
    now,
    async (trx, incident) => {
      const row = await insertLearning(trx, {
        school_id: incident.school_id,
        incident_id: id,
        text,
        recorded_by: actor.userId,
        recorded_at: now,
        closed_at: null,
      });
      return { result: undefined, detail: { learning: row.id } };
    },
    { allowClosed: true },
  );
}

export async function closeIncident(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  now: Date,
): Promise<void> {
  await change(db, actor, id, 'incident.close', now, async (trx, incident) => {
    const verdict = canClose(factsOf(await recordOf(trx, incident)));
    if (!verdict.ok) throw new HavenError('HAVEN_CONFLICT', verdict.reason);
    await updateIncident(trx, id, { status: 'closed', closed_at: now, closed_by: actor.userId });
    return { result: undefined, detail: {} };
  });
}
