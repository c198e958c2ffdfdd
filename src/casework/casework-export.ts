import type { Kysely } from 'kysely';
import { can } from '../access/abilities.ts';
import type { AuditActor } from '../access/actor.ts';
import { isSystemActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import { findCaseworkSettings, listIncidents, namesOf } from '../store/incident-repository.ts';
import type { Database } from '../store/schema.ts';
import { findUserByUsername } from '../store/user-repository.ts';
import { factsOf, loadRecords, scopeOf } from './incident-records.ts';
import { categoryOf, nextStep, outcomeOf } from './incident-workflow.ts';

/**
 * Export of incident records for the school's safeguarding system (INC-6: CPOMS, MyConcern,
 * iSAMS): one pupil's record or everything, as JSON or CSV. The format is documented in
 * docs/casework-export.md; the export itself is an audit entry. Evidence files are never
 * exported (they stay encrypted in Haven); their names and sizes are.
 */

export const EXPORT_FORMAT = 'haven-incidents';
export const EXPORT_VERSION = 1;

export interface ExportedPerson {
  name: string;
  username: string | null;
  kind: string;
  role: string;
}

export interface ExportedIncident {
  id: string;
  reportedAt: string;
  source: string;
  reporter: string;
  concernAbout: string;
  summary: string;
  category: string | null;
  categoryLabel: string | null;
  incidentType: string | null;
  fourCs: string[];
  suspectedIllegal: boolean | null;
  status: string;
  nextStep: string;
  outcome: string;
  people: ExportedPerson[];
  referrals: { agency: string; reference: string | null; note: string | null; at: string }[];
  deviceIsolatedAt: string | null;
  investigation: {
    investigators: { name: string; signedOffAt: string | null }[];
    designatedDevice: string | null;
    urls: string[];
    contentNature: string | null;
    judgement: string | null;
    judgementNote: string | null;
  };
  evidence: { fileName: string; mediaType: string; size: number; uploadedAt: string }[];
  sanctions: {
    person: string;
    table: string;
    action: string;
    suggestedByPolicy: boolean;
    note: string | null;
    at: string;
  }[];
  actionsTaken: string[];
  feedback: string | null;
  support: string | null;
  learning: string[];
  closedAt: string | null;
}

export interface IncidentExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  schoolId: string;
  pupil: { username: string; name: string } | null;
  incidents: ExportedIncident[];
}

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

export interface ExportRequest {
  schoolId: string;
  /** One pupil's record (username), or every incident of the school. */
  pupil?: string | undefined;
}

/**
 * Build the export. A signed-in actor gets only the incidents they may read; the command line
 * (a system actor, run by the school's administrator on the server) gets every incident.
 */
export async function exportIncidents(
  db: Kysely<Database>,
  actor: AuditActor,
  request: ExportRequest,
  now: Date,
): Promise<IncidentExport> {
  let pupil: { id: string; username: string; name: string } | null = null;
  if (request.pupil !== undefined) {
    const user = await findUserByUsername(db, request.pupil);
    if (!user || user.school_id !== request.schoolId) {
      throw new HavenError(
        'HAVEN_NOT_FOUND',
        `There is no person "${request.pupil}" in this school.`,
      );
    }
    pupil = { id: user.id, username: user.username, name: user.display_name };
  }
  const settings = await findCaseworkSettings(db, request.schoolId);
  const incidents = (
    await listIncidents(db, {
      schoolId: request.schoolId,
      personUserId: pupil?.id,
      limit: 1_000_000,
    })
  ).filter(
    (i) =>
      isSystemActor(actor) ||
      can(actor, 'incidents.read', scopeOf(i, settings.dslSeesStaffConcerns)),
  );
  const records = await loadRecords(db, incidents);
  const names = await namesOf(
    db,
    records.flatMap((r) => r.people.flatMap((p) => (p.user_id ? [p.user_id] : []))),
  );
  const exported = records.map((r): ExportedIncident => {
    const i = r.incident;
    const facts = factsOf(r);
    const personName = (id: string) => r.people.find((p) => p.id === id)?.name ?? '';
    return {
      id: i.id,
      reportedAt: new Date(i.created_at).toISOString(),
      source: i.source,
      reporter: i.reporter_kind,
      concernAbout: i.concern_about,
      summary: i.summary,
      category: i.category,
      categoryLabel: categoryOf(i.category)?.label ?? null,
      incidentType: i.incident_type,
      fourCs: i.four_cs,
      suspectedIllegal: i.suspected_illegal,
      status: i.status,
      nextStep: nextStep(facts).title,
      outcome: outcomeOf(facts),
      people: r.people.map((p) => ({
        name: p.name,
        username: p.user_id ? (names.get(p.user_id)?.username ?? null) : null,
        kind: p.kind,
        role: p.role,
      })),
      referrals: r.referrals.map((f) => ({
        agency: f.agency,
        reference: f.reference,
        note: f.note,
        at: new Date(f.referred_at).toISOString(),
      })),
      deviceIsolatedAt: iso(i.device_isolated_at),
      investigation: {
        investigators: r.investigators.map((v) => ({
          name: v.display_name,
          signedOffAt: iso(v.signed_off_at),
        })),
        designatedDevice: i.designated_device,
        urls: i.urls,
        contentNature: i.content_nature,
        judgement: i.judgement,
        judgementNote: i.judgement_note,
      },
      evidence: r.evidence.map((e) => ({
        fileName: e.file_name,
        mediaType: e.media_type,
        size: e.size,
        uploadedAt: new Date(e.uploaded_at).toISOString(),
      })),
      sanctions: r.sanctions.map((s) => ({
        person: personName(s.person_id),
        table: s.table_name,
        action: s.action_label,
        suggestedByPolicy: s.suggested,
        note: s.note,
        at: new Date(s.recorded_at).toISOString(),
      })),
      actionsTaken: i.actions_taken,
      feedback: i.feedback,
      support: i.support,
      learning: r.learning.map((l) => l.text),
      closedAt: iso(i.closed_at),
    };
  });
  await db.transaction().execute(async (trx) => {
    await audit(
      trx,
      actor,
      {
        action: 'incident.export',
        subjectType: pupil ? 'user' : 'incident',
        subjectId: pupil?.id ?? null,
        schoolId: request.schoolId,
        detail: { pupil: pupil?.username ?? null, incidents: exported.map((e) => e.id) },
      },
      now,
    );
  });
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    schoolId: request.schoolId,
    pupil: pupil ? { username: pupil.username, name: pupil.name } : null,
    incidents: exported,
  };
}

/** The CSV columns, in order (docs/casework-export.md). */
export const csvColumns = [
  'incident_id',
  'reported_at',
  'source',
  'reporter',
  'concern_about',
  'category',
  'category_label',
  'incident_type',
  'four_cs',
  'suspected_illegal',
  'status',
  'outcome',
  'person_name',
  'person_username',
  'person_kind',
  'person_role',
  'sanctions',
  'referrals',
  'actions_taken',
  'summary',
  'feedback',
  'support',
  'closed_at',
] as const;

function csvCell(value: string): string {
  // Cells starting with = + - @ would be formulas in a spreadsheet: quote them with a leading '.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * One row per incident and linked person (an incident with nobody linked has one row with the
 * person columns empty), so a safeguarding system can file it under each pupil.
 */
export function exportToCsv(data: IncidentExport): string {
  const lines = [csvColumns.join(',')];
  for (const i of data.incidents) {
    const people = i.people.length > 0 ? i.people : [null];
    for (const p of people) {
      const sanctions = i.sanctions
        .filter((s) => p === null || s.person === p.name)
        .map((s) => s.action)
        .join('; ');
      const row: Record<(typeof csvColumns)[number], string> = {
        incident_id: i.id,
        reported_at: i.reportedAt,
        source: i.source,
        reporter: i.reporter,
        concern_about: i.concernAbout,
        category: i.category ?? '',
        category_label: i.categoryLabel ?? '',
        incident_type: i.incidentType ?? '',
        four_cs: i.fourCs.join('; '),
        suspected_illegal: i.suspectedIllegal === null ? '' : String(i.suspectedIllegal),
        status: i.status,
        outcome: i.outcome,
        person_name: p?.name ?? '',
        person_username: p?.username ?? '',
        person_kind: p?.kind ?? '',
        person_role: p?.role ?? '',
        sanctions,
        referrals: i.referrals
          .map((r) => (r.reference ? `${r.agency} (${r.reference})` : r.agency))
          .join('; '),
        actions_taken: i.actionsTaken.join('; '),
        summary: i.summary,
        feedback: i.feedback ?? '',
        support: i.support ?? '',
        closed_at: i.closedAt ?? '',
      };
      lines.push(csvColumns.map((c) => csvCell(row[c])).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
