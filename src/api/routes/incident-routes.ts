import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { staffRoles, type Role } from '../../access/roles.ts';
import { audit } from '../../access/audit.ts';
import { exportIncidents, exportToCsv } from '../../casework/casework-export.ts';
import { readChronology } from '../../casework/chronology.ts';
import {
  addEvidence,
  addIncidentInvestigator,
  addLearning,
  classifyIncident,
  closeIncident,
  isolateDevice,
  liftIncidentIsolation,
  linkPerson,
  maxEvidenceBytes,
  readEvidence,
  recordInvestigation,
  recordJudgement,
  recordOutcome,
  recordSanction,
  referIncident,
  removeIncidentInvestigator,
  signOffJudgement,
  unlinkPerson,
} from '../../casework/incident-actions.ts';
import {
  readIncident,
  readIncidents,
  readOwnReports,
  type IncidentDetail,
} from '../../casework/incident-records.ts';
import { summariseIncidents } from '../../casework/incident-summary.ts';
import { takeLearningToMeeting } from '../../casework/learning-agenda.ts';
import {
  actionKinds,
  fourCs,
  incidentCategories,
  seniorRoles,
} from '../../casework/incident-workflow.ts';
import { mayReportAnonymously, reportConcern } from '../../casework/report-intake.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  findCaseworkSettings,
  listLearning,
  saveCaseworkSettings,
} from '../../store/incident-repository.ts';
import { listUsers } from '../../store/user-repository.ts';
import { requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

/** Incidents (INC-1..6): reporting, the flowchart, investigation, sanctions, export. */

const isStaffRole = (role: string): boolean => (staffRoles as readonly string[]).includes(role);

const idParams = z.object({ id: z.uuid() });
const text = (max: number, what: string) =>
  z.string().trim().min(1, `${what} is required`).max(max, `keep it under ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `keep it under ${max} characters`)
    .nullish()
    .transform((v) => (v === '' || v === undefined ? null : v));

const concernAbout = z.enum(['pupils', 'staff', 'head']);
const personRole = z.enum(['victim', 'instigator', 'witness', 'reporter']);
const quoteDto = z.object({ text: z.string(), source: z.string() });
const nextStepDto = z.object({
  step: z.string(),
  title: z.string(),
  why: z.string(),
  quote: quoteDto,
  illegalRoute: z.boolean(),
});
const personDto = z.object({
  id: z.string(),
  userId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['pupil', 'staff', 'other']),
  role: personRole,
});

const listItemDto = z.object({
  id: z.string(),
  createdAt: z.string(),
  source: z.string(),
  summary: z.string(),
  concernAbout,
  category: z.string().nullable(),
  categoryLabel: z.string().nullable(),
  fourCs: z.array(z.string()),
  status: z.enum(['open', 'closed']),
  outcome: z.string(),
  next: nextStepDto,
  people: z.array(personDto),
});

const suggestionDto = z
  .object({
    table: z.enum(['pupils', 'staff']),
    policyIncident: z.string(),
    incident: z.string(),
    actions: z.array(z.object({ id: z.string(), label: z.string(), suggested: z.boolean() })),
  })
  .nullable();

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

const incidentDto = listItemDto.extend({
  reporterKind: z.string(),
  reportedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  host: z.string().nullable(),
  alertId: z.string().nullable(),
  blockPageRequestId: z.string().nullable(),
  incidentType: z.string().nullable(),
  suggestedIncidentType: z.string().nullable(),
  incidentTypes: z.array(
    z.object({ id: z.string(), incident: z.string(), table: z.enum(['pupils', 'staff']) }),
  ),
  suspectedIllegal: z.boolean().nullable(),
  deviceIsolatedAt: z.string().nullable(),
  deviceDescription: z.string().nullable(),
  referrals: z.array(
    z.object({
      id: z.string(),
      agency: z.string(),
      reference: z.string().nullable(),
      note: z.string().nullable(),
      at: z.string(),
      by: z.string().nullable(),
    }),
  ),
  investigators: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      signedOffAt: z.string().nullable(),
    }),
  ),
  designatedDevice: z.string().nullable(),
  urls: z.array(z.string()),
  contentNature: z.string().nullable(),
  judgement: z.enum(['substance', 'no-substance']).nullable(),
  judgementNote: z.string().nullable(),
  evidenceAllowed: z.boolean(),
  evidenceRefusal: z.string().nullable(),
  evidence: z.array(
    z.object({
      id: z.string(),
      fileName: z.string(),
      mediaType: z.string(),
      size: z.number(),
      description: z.string().nullable(),
      uploadedAt: z.string(),
    }),
  ),
  suggestions: z.array(z.object({ personId: z.string(), suggestion: suggestionDto })),
  sanctions: z.array(
    z.object({
      id: z.string(),
      personId: z.string(),
      table: z.enum(['pupils', 'staff']),
      actionId: z.string(),
      actionLabel: z.string(),
      suggested: z.boolean(),
      note: z.string().nullable(),
      at: z.string(),
      by: z.string().nullable(),
    }),
  ),
  actionsTaken: z.array(z.string()),
  feedback: z.string().nullable(),
  support: z.string().nullable(),
  learning: z.array(z.object({ id: z.string(), text: z.string(), status: z.string() })),
  closedAt: z.string().nullable(),
  canManage: z.boolean(),
});

type IncidentDto = z.input<typeof incidentDto>;

function present(detail: IncidentDetail, actor: Actor): IncidentDto {
  const i = detail.incident;
  const name = (id: string | null) => (id ? (detail.names.get(id)?.displayName ?? null) : null);
  const tables = detail.sanctionsTables.tables;
  return {
    id: i.id,
    createdAt: new Date(i.created_at).toISOString(),
    source: i.source,
    summary: i.summary,
    concernAbout: i.concern_about,
    category: i.category,
    categoryLabel: incidentCategories.find((c) => c.id === i.category)?.label ?? null,
    fourCs: i.four_cs,
    status: i.status,
    outcome: detail.outcome,
    next: detail.next,
    people: detail.people.map((p) => ({
      id: p.id,
      userId: p.user_id,
      name: p.name,
      kind: p.kind,
      role: p.role,
    })),
    reporterKind: i.reporter_kind,
    reportedBy: i.reported_by ? { id: i.reported_by, name: name(i.reported_by) ?? '' } : null,
    host: i.host,
    alertId: i.alert_id,
    blockPageRequestId: i.block_page_request_id,
    incidentType: i.incident_type,
    suggestedIncidentType: detail.suggestedIncidentType,
    incidentTypes: [
      ...(tables.pupils?.incidents ?? []).map((r) => ({
        id: r.id,
        incident: r.incident,
        table: 'pupils' as const,
      })),
      ...(tables.staff?.incidents ?? [])
        .filter((r) => !(tables.pupils?.incidents ?? []).some((p) => p.id === r.id))
        .map((r) => ({ id: r.id, incident: r.incident, table: 'staff' as const })),
    ],
    suspectedIllegal: i.suspected_illegal,
    deviceIsolatedAt: iso(i.device_isolated_at),
    deviceDescription: i.device_description,
    referrals: detail.referrals.map((r) => ({
      id: r.id,
      agency: r.agency,
      reference: r.reference,
      note: r.note,
      at: new Date(r.referred_at).toISOString(),
      by: name(r.referred_by),
    })),
    investigators: detail.investigators.map((v) => ({
      userId: v.user_id,
      name: v.display_name,
      signedOffAt: iso(v.signed_off_at),
    })),
    designatedDevice: i.designated_device,
    urls: i.urls,
    contentNature: i.content_nature,
    judgement: i.judgement,
    judgementNote: i.judgement_note,
    evidenceAllowed: detail.evidenceAllowed.allowed,
    evidenceRefusal: detail.evidenceAllowed.reason,
    evidence: detail.evidence.map((e) => ({
      id: e.id,
      fileName: e.file_name,
      mediaType: e.media_type,
      size: e.size,
      description: e.description,
      uploadedAt: new Date(e.uploaded_at).toISOString(),
    })),
    suggestions: detail.suggestions.map((s) => ({
      personId: s.personId,
      suggestion: s.suggestion
        ? {
            table: s.suggestion.table,
            policyIncident: s.suggestion.policyIncident,
            incident: s.suggestion.incident,
            actions: s.suggestion.actions.map((a) => ({ ...a })),
          }
        : null,
    })),
    sanctions: detail.sanctions.map((s) => ({
      id: s.id,
      personId: s.person_id,
      table: s.table_name,
      actionId: s.action_id,
      actionLabel: s.action_label,
      suggested: s.suggested,
      note: s.note,
      at: new Date(s.recorded_at).toISOString(),
      by: name(s.recorded_by),
    })),
    actionsTaken: i.actions_taken,
    feedback: i.feedback,
    support: i.support,
    learning: detail.learning.map((l) => ({ id: l.id, text: l.text, status: l.status })),
    closedAt: iso(i.closed_at),
    // Reading and managing share roles and the record rule: whoever reads it may act on it.
    canManage: can(actor, 'incidents.manage'),
  };
}

function requireSchool(actor: Actor): string {
  if (actor.schoolId === null) {
    throw new HavenError('HAVEN_FORBIDDEN', 'Incidents belong to a school: you have none.');
  }
  return actor.schoolId;
}

const summaryDto = z.object({
  total: z.number(),
  byCategory: z.array(z.object({ label: z.string(), count: z.number() })),
  byFourCs: z.array(z.object({ label: z.string(), count: z.number() })),
  byOutcome: z.array(z.object({ label: z.string(), count: z.number() })),
});

export function incidentRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  const detail = async (actor: Actor, id: string) =>
    present(await readIncident(db(), actor, id, deps.clock()), actor);
  const key = (): Buffer => {
    if (!deps.secretKey) {
      throw new HavenError(
        'HAVEN_NOT_READY',
        'Evidence cannot be stored: no secret key is set up.',
      );
    }
    return deps.secretKey();
  };
  /** Run a change, then answer with the incident as it is now (that read is audited too). */
  const changed = async (actor: Actor | null, id: string, work: (a: Actor) => Promise<unknown>) => {
    const a = requireActor(actor);
    await work(a);
    return detail(a, id);
  };
  const post = <B extends z.ZodType>(
    url: string,
    summary: string,
    body: B,
    run: (a: Actor, id: string, body: z.output<B>) => Promise<unknown>,
  ): AnyRoute =>
    defineRoute({
      method: 'POST',
      url,
      ability: 'incidents.manage',
      tag: 'incidents',
      summary,
      params: idParams,
      body,
      response: incidentDto,
      handler: ({ actor, params, body: b }) =>
        changed(actor, params.id, (a) => run(a, params.id, b as z.output<B>)),
    });

  return [
    defineRoute({
      method: 'POST',
      url: '/api/incidents/report',
      ability: 'incidents.report',
      tag: 'incidents',
      summary:
        'Report a concern (staff, pupils — anonymously if they choose — and parents). An anonymous report keeps nothing that identifies the reporter',
      body: z.object({
        summary: text(4000, 'what happened'),
        concernAbout: concernAbout.default('pupils'),
        anonymous: z.boolean().default(false),
        aboutUserId: z.uuid().optional(),
      }),
      response: z.object({ id: z.string(), status: z.string(), anonymous: z.boolean() }),
      status: 201,
      handler: async ({ actor, body }) => {
        const incident = await reportConcern(db(), requireActor(actor), body, deps.clock());
        return { id: incident.id, status: 'received', anonymous: incident.reported_by === null };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/incidents/mine',
      ability: 'incidents.own.read',
      tag: 'incidents',
      summary: 'The concerns you reported and their status (nothing else of them)',
      response: z.object({
        mayReportAnonymously: z.boolean(),
        reports: z.array(
          z.object({
            id: z.string(),
            createdAt: z.string(),
            summary: z.string(),
            status: z.enum(['received', 'being-dealt-with', 'closed']),
          }),
        ),
      }),
      handler: async ({ actor }) => {
        const a = requireActor(actor);
        const reports = await readOwnReports(db(), a, deps.clock());
        return {
          mayReportAnonymously: mayReportAnonymously(a),
          reports: reports.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/incidents/options',
      ability: 'incidents.read',
      tag: 'incidents',
      summary:
        'The incident categories, the 4Cs, the actions and the senior staff who may investigate',
      response: z.object({
        categories: z.array(
          z.object({ id: z.string(), label: z.string(), illegalByDefault: z.boolean() }),
        ),
        fourCs: z.array(z.string()),
        actionKinds: z.array(z.string()),
        seniorStaff: z.array(
          z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()) }),
        ),
        people: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            username: z.string(),
            roles: z.array(z.string()),
          }),
        ),
      }),
      handler: async ({ actor }) => {
        const a = requireActor(actor);
        const schoolId = requireSchool(a);
        const { users } = await listUsers(db(), { schoolId, limit: 5000, offset: 0 });
        // The chair of governors handles concerns about the head: they are offered staff, not pupils.
        const schoolStaff = ['dsl', 'deputy-dsl', 'head', 'online-safety-lead'].some((r) =>
          a.roles.includes(r as Role),
        );
        const people = users.filter(
          (u) => !u.disabled && (schoolStaff || u.roles.some((r) => isStaffRole(r))),
        );
        return {
          categories: incidentCategories.map((c) => ({
            id: c.id,
            label: c.label,
            illegalByDefault: c.illegalByDefault,
          })),
          fourCs: [...fourCs],
          actionKinds: [...actionKinds],
          seniorStaff: people
            .filter((u) => u.roles.some((r) => [...seniorRoles, 'chair-of-governors'].includes(r)))
            .map((u) => ({ id: u.id, name: u.display_name, roles: u.roles })),
          people: people.map((u) => ({
            id: u.id,
            name: u.display_name,
            username: u.username,
            roles: u.roles,
          })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/incidents',
      ability: 'incidents.read',
      tag: 'incidents',
      summary:
        'Incidents you may see, newest first, with the next step of each (the read is audited)',
      query: z.object({
        status: z.enum(['open', 'closed']).optional(),
        category: z.string().max(60).optional(),
        step: z.string().max(40).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: z.object({ incidents: z.array(listItemDto) }),
      handler: async ({ actor, query }) => {
        const items = await readIncidents(db(), requireActor(actor), query, deps.clock());
        return {
          incidents: items.map((item) => ({
            id: item.incident.id,
            createdAt: new Date(item.incident.created_at).toISOString(),
            source: item.incident.source,
            summary: item.incident.summary,
            concernAbout: item.incident.concern_about,
            category: item.incident.category,
            categoryLabel:
              incidentCategories.find((c) => c.id === item.incident.category)?.label ?? null,
            fourCs: item.incident.four_cs,
            status: item.incident.status,
            outcome: item.outcome,
            next: item.next,
            people: item.people.map((p) => ({
              id: p.id,
              userId: p.user_id,
              name: p.name,
              kind: p.kind,
              role: p.role,
            })),
          })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/incidents/summary',
      ability: 'incidents.summary',
      tag: 'incidents',
      summary: 'Anonymised counts by category, 4Cs and outcome for a period (no names)',
      query: z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }),
      response: summaryDto,
      handler: async ({ actor, query }) => {
        const schoolId = requireSchool(requireActor(actor));
        const to = query.to ? new Date(`${query.to}T00:00:00Z`) : deps.clock();
        const from = query.from
          ? new Date(`${query.from}T00:00:00Z`)
          : new Date(to.getTime() - 365 * 24 * 3600 * 1000);
        return summariseIncidents(db(), schoolId, { from, to });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/incidents/learning',
      ability: 'incidents.learning.read',
      tag: 'incidents',
      summary: 'Open learning points from incidents, for the Online Safety Group’s agenda',
      response: z.object({
        learning: z.array(
          z.object({
            id: z.string(),
            incidentId: z.string(),
            text: z.string(),
            recordedAt: z.string(),
          }),
        ),
      }),
      handler: async ({ actor }) => {
        const schoolId = requireSchool(requireActor(actor));
        const rows = await listLearning(db(), { schoolId, status: 'open' });
        return {
          learning: rows.map((l) => ({
            id: l.id,
            incidentId: l.incident_id,
            text: l.text,
            recordedAt: new Date(l.recorded_at).toISOString(),
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/incidents/learning/:id/meeting',
      ability: 'registers.roles.edit',
      tag: 'incidents',
      summary:
        'Mark a learning point as taken to an Online Safety Group meeting (a row of the meetings register); it leaves the agenda',
      params: idParams,
      body: z.object({ meetingId: z.uuid('choose a meeting from the register') }),
      response: z.object({
        id: z.string(),
        incidentId: z.string(),
        meetingId: z.string(),
        takenAt: z.string(),
      }),
      handler: async ({ actor, params, body }) => {
        const row = await takeLearningToMeeting(
          db(),
          requireActor(actor),
          params.id,
          body.meetingId,
          deps.clock(),
        );
        return {
          id: row.id,
          incidentId: row.incident_id,
          meetingId: body.meetingId,
          takenAt: new Date(row.taken_at ?? deps.clock()).toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/incidents/settings',
      ability: 'incidents.settings.manage',
      tag: 'incidents',
      summary: 'Whether the DSL and deputies see concerns about staff',
      response: z.object({ dslSeesStaffConcerns: z.boolean() }),
      handler: async ({ actor }) => findCaseworkSettings(db(), requireSchool(requireActor(actor))),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/incidents/settings',
      ability: 'incidents.settings.manage',
      tag: 'incidents',
      summary: 'Decide whether the DSL and deputies see concerns about staff (audited)',
      body: z.object({ dslSeesStaffConcerns: z.boolean() }),
      response: z.object({ dslSeesStaffConcerns: z.boolean() }),
      handler: async ({ actor, body }) => {
        const a = requireActor(actor);
        const schoolId = requireSchool(a);
        const now = deps.clock();
        await db()
          .transaction()
          .execute(async (trx) => {
            await saveCaseworkSettings(trx, schoolId, body, now);
            await audit(
              trx,
              a,
              {
                action: 'incident.settings',
                subjectType: 'school',
                subjectId: schoolId,
                schoolId,
                detail: { ...body },
              },
              now,
            );
          });
        return findCaseworkSettings(db(), schoolId);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/incidents/export',
      ability: 'incidents.export',
      tag: 'incidents',
      summary:
        'Export incidents (one pupil with ?pupil=USERNAME, or all you may see) as JSON or CSV (docs/casework-export.md); audited',
      query: z.object({
        pupil: z.string().max(200).optional(),
        format: z.enum(['json', 'csv']).default('json'),
      }),
      response: z.unknown(),
      handler: async ({ actor, query, reply }) => {
        const a = requireActor(actor);
        const data = await exportIncidents(
          db(),
          a,
          { schoolId: requireSchool(a), pupil: query.pupil },
          deps.clock(),
        );
        const stem = `incidents${query.pupil ? `-${query.pupil.replace(/[^a-zA-Z0-9_.-]/g, '_')}` : ''}`;
        if (query.format === 'csv') {
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${stem}.csv"`)
            .header('cache-control', 'no-store');
          return exportToCsv(data);
        }
        reply.header('cache-control', 'no-store');
        return data;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/people/:id/chronology',
      ability: 'chronology.read',
      tag: 'incidents',
      summary:
        "A pupil's chronology across alerts, incidents, sanctions and exemptions for their groups (audited)",
      params: idParams,
      response: z.object({
        pupil: z.object({ id: z.string(), name: z.string(), username: z.string() }),
        entries: z.array(
          z.object({
            at: z.string(),
            kind: z.string(),
            title: z.string(),
            detail: z.string(),
            link: z.string().nullable(),
          }),
        ),
      }),
      handler: async ({ actor, params }) => {
        const { pupil, entries } = await readChronology(
          db(),
          requireActor(actor),
          params.id,
          deps.clock(),
        );
        return {
          pupil: { id: pupil.id, name: pupil.display_name, username: pupil.username },
          entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/incidents/:id',
      ability: 'incidents.read',
      tag: 'incidents',
      summary: 'One incident with its flowchart step and why (the read is audited)',
      params: idParams,
      response: incidentDto,
      handler: ({ actor, params }) => detail(requireActor(actor), params.id),
    }),
    post(
      '/api/incidents/:id/classify',
      'Classify: category, 4Cs, whether illegal activity is suspected, the sanctions-table incident type, whom it is about',
      z.object({
        category: z.string().min(1, 'choose a category').max(60),
        fourCs: z.array(z.enum(fourCs)).default([]),
        suspectedIllegal: z.boolean(),
        incidentType: z.string().max(100).nullish(),
        concernAbout: concernAbout.optional(),
      }),
      (a, id, b) => classifyIncident(db(), a, id, b, deps.clock()),
    ),
    post(
      '/api/incidents/:id/people',
      'Link a pupil, member of staff or other person with their role (victim, instigator, witness, reporter)',
      z.object({
        userId: z.uuid().nullish(),
        name: z.string().trim().max(200).nullish(),
        kind: z.enum(['pupil', 'staff', 'other']).optional(),
        role: personRole,
      }),
      (a, id, b) => linkPerson(db(), a, id, b, deps.clock()),
    ),
    defineRoute({
      method: 'DELETE',
      url: '/api/incidents/:id/people/:personId',
      ability: 'incidents.manage',
      tag: 'incidents',
      summary: 'Unlink a person from the incident',
      params: z.object({ id: z.uuid(), personId: z.uuid() }),
      response: incidentDto,
      handler: ({ actor, params }) =>
        changed(actor, params.id, (a) =>
          unlinkPerson(db(), a, params.id, params.personId, deps.clock()),
        ),
    }),
    post(
      '/api/incidents/:id/referrals',
      'Record a referral: police or CEOP (with the reference), MASH, LADO, trust/LA',
      z
        .object({
          agency: z.enum(['police', 'ceop', 'mash', 'lado', 'trust-or-la', 'other']),
          reference: optionalText(200),
          note: optionalText(2000),
        })
        .refine((b) => !(b.agency === 'police' || b.agency === 'ceop') || b.reference !== null, {
          message: 'record the reference the police or CEOP gave',
          path: ['reference'],
        }),
      (a, id, b) => referIncident(db(), a, id, b, deps.clock()),
    ),
    post(
      '/api/incidents/:id/isolate-device',
      'Record that the device was isolated (as it is, for the police); monitoring halts capture for the alert’s person and device and the victims and instigators with an account',
      z.object({ description: text(500, 'which device, and where it is kept') }),
      (a, id, b) => isolateDevice(db(), a, id, b.description, deps.clock()),
    ),
    defineRoute({
      method: 'POST',
      url: '/api/incidents/:id/isolation/lift',
      ability: 'alerts.isolation.lift',
      tag: 'incidents',
      summary:
        'Lift the isolation the incident placed (the DSL, with a reason): capture resumes (audited)',
      params: idParams,
      body: z.object({ reason: z.string().max(2000) }),
      response: incidentDto,
      handler: ({ actor, params, body }) =>
        changed(actor, params.id, (a) =>
          liftIncidentIsolation(db(), a, params.id, body.reason, deps.clock()),
        ),
    }),
    post(
      '/api/incidents/:id/investigators',
      'Name a senior member of staff as an investigator',
      z.object({ userId: z.uuid() }),
      (a, id, b) => addIncidentInvestigator(db(), a, id, b.userId, deps.clock()),
    ),
    defineRoute({
      method: 'DELETE',
      url: '/api/incidents/:id/investigators/:userId',
      ability: 'incidents.manage',
      tag: 'incidents',
      summary: 'Remove an investigator (every sign-off is then asked for again)',
      params: z.object({ id: z.uuid(), userId: z.uuid() }),
      response: incidentDto,
      handler: ({ actor, params }) =>
        changed(actor, params.id, (a) =>
          removeIncidentInvestigator(db(), a, params.id, params.userId, deps.clock()),
        ),
    }),
    post(
      '/api/incidents/:id/investigation',
      'Record the investigation: the designated device, the URLs visited and the nature of the content',
      z.object({
        designatedDevice: text(200, 'the designated device'),
        urls: z
          .array(z.string().trim().min(1).max(2000))
          .min(1, 'record at least one URL')
          .max(200),
        contentNature: text(4000, 'the nature of the content'),
      }),
      (a, id, b) => recordInvestigation(db(), a, id, b, deps.clock()),
    ),
    post(
      '/api/incidents/:id/judgement',
      'Judge whether the concern has substance (each investigator then signs it off)',
      z.object({ judgement: z.enum(['substance', 'no-substance']), note: optionalText(4000) }),
      (a, id, b) => recordJudgement(db(), a, id, b, deps.clock()),
    ),
    post(
      '/api/incidents/:id/sign-off',
      'Sign off the judgement (you must be one of the named investigators)',
      z.object({}).optional(),
      (a, id) => signOffJudgement(db(), a, id, deps.clock()),
    ),
    post(
      '/api/incidents/:id/evidence',
      'Attach evidence (encrypted at rest; at most 5 MB). Refused for CSAM and suspected illegal activity',
      z.object({
        fileName: text(200, 'the file name'),
        mediaType: z
          .string()
          .trim()
          .max(100)
          .regex(/^[\w.+-]+\/[\w.+-]+$/, 'a media type such as image/png')
          .default('application/octet-stream'),
        contentBase64: z.base64('the file content must be base64').min(1, 'attach a file'),
        description: optionalText(2000),
      }),
      async (a, id, b) => {
        const content = Buffer.from(b.contentBase64, 'base64');
        if (content.length > maxEvidenceBytes) {
          throw new HavenError('HAVEN_PAYLOAD_TOO_LARGE', 'Evidence files are at most 5 MB each.');
        }
        return addEvidence(
          db(),
          a,
          id,
          key(),
          { fileName: b.fileName, mediaType: b.mediaType, content, description: b.description },
          deps.clock(),
        );
      },
    ),
    defineRoute({
      method: 'GET',
      url: '/api/incidents/:id/evidence/:evidenceId',
      ability: 'incidents.read',
      tag: 'incidents',
      summary: 'Download one piece of evidence, decrypted (the read is audited)',
      params: z.object({ id: z.uuid(), evidenceId: z.uuid() }),
      response: z.unknown(),
      handler: async ({ actor, params, reply }) => {
        const file = await readEvidence(
          db(),
          requireActor(actor),
          params.id,
          params.evidenceId,
          key(),
          deps.clock(),
        );
        reply
          .type(file.mediaType)
          .header(
            'content-disposition',
            `attachment; filename="${file.fileName.replace(/["\\\r\n]/g, '_')}"`,
          )
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff');
        return file.content;
      },
    }),
    post(
      '/api/incidents/:id/sanctions',
      'Record an action from the sanctions table for a linked person (the record says whether the table suggested it)',
      z.object({
        personId: z.uuid(),
        actionId: z.string().min(1).max(100),
        note: optionalText(2000),
      }),
      (a, id, b) => recordSanction(db(), a, id, b, deps.clock()),
    ),
    post(
      '/api/incidents/:id/outcome',
      'Record the actions taken, the feedback given to those involved and the support offered',
      z.object({
        actionsTaken: z.array(z.enum(actionKinds)).optional(),
        feedback: optionalText(4000).optional(),
        support: optionalText(4000).optional(),
      }),
      (a, id, b) => recordOutcome(db(), a, id, b, deps.clock()),
    ),
    post(
      '/api/incidents/:id/learning',
      'Record a learning point for the Online Safety Group',
      z.object({ text: text(2000, 'the learning point') }),
      (a, id, b) => addLearning(db(), a, id, b.text, deps.clock()),
    ),
    post(
      '/api/incidents/:id/close',
      'Close the incident (only when the flowchart’s steps are recorded)',
      z.object({}).optional(),
      (a, id) => closeIncident(db(), a, id, deps.clock()),
    ),
  ];
}
