import type { Kysely } from 'kysely';
import { can } from '../access/abilities.ts';
import type { Actor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { HavenError } from '../errors/haven-error.ts';
import {
  findCaseworkSettings,
  listAlertsOfUser,
  listIncidentPeople,
  listIncidents,
  listSanctionsOfUser,
} from '../store/incident-repository.ts';
import type { Database, User } from '../store/schema.ts';
import { findUserById, groupSlugsOf } from '../store/user-repository.ts';
import { exemptionsForGroups } from './exemption-summary.ts';
import { scopeOf } from './incident-records.ts';
import { categoryOf } from './incident-workflow.ts';

/**
 * A pupil's chronology (INC-6): one list, newest first, across every source of safeguarding
 * records. Each source is a function; another area adds its own (exemptions, AUAs…) by
 * appending to `chronologySources`. A source only returns what the reader may see.
 */
export interface ChronologyEntry {
  at: Date;
  /** 'alert', 'incident', 'sanction', … */
  kind: string;
  title: string;
  detail: string;
  /** Where the record is in the app, e.g. `/incidents/ID`; null when it has no page. */
  link: string | null;
}

export interface ChronologyContext {
  db: Kysely<Database>;
  actor: Actor;
  schoolId: string;
  pupil: User;
}

export type ChronologySource = (ctx: ChronologyContext) => Promise<ChronologyEntry[]>;

/** Incidents the pupil is linked to, that the reader may see. */
async function visibleIncidentIds(ctx: ChronologyContext): Promise<Set<string>> {
  const settings = await findCaseworkSettings(ctx.db, ctx.schoolId);
  const incidents = await listIncidents(ctx.db, {
    schoolId: ctx.schoolId,
    personUserId: ctx.pupil.id,
    limit: 1000,
  });
  return new Set(
    incidents
      .filter((i) => can(ctx.actor, 'incidents.read', scopeOf(i, settings.dslSeesStaffConcerns)))
      .map((i) => i.id),
  );
}

const alertSource: ChronologySource = async (ctx) => {
  const alerts = await listAlertsOfUser(ctx.db, ctx.schoolId, ctx.pupil.id, 500);
  return alerts.map((a) => ({
    at: new Date(a.created_at),
    kind: 'alert',
    title: `Alert (${a.severity}): ${a.category}`,
    detail: `${a.summary} — ${a.status}`,
    link: '/alerts',
  }));
};

const incidentSource: ChronologySource = async (ctx) => {
  const settings = await findCaseworkSettings(ctx.db, ctx.schoolId);
  const incidents = (
    await listIncidents(ctx.db, { schoolId: ctx.schoolId, personUserId: ctx.pupil.id, limit: 1000 })
  ).filter((i) => can(ctx.actor, 'incidents.read', scopeOf(i, settings.dslSeesStaffConcerns)));
  const people = await listIncidentPeople(
    ctx.db,
    incidents.map((i) => i.id),
  );
  return incidents.map((i) => {
    const roles = people
      .filter((p) => p.incident_id === i.id && p.user_id === ctx.pupil.id)
      .map((p) => p.role);
    return {
      at: new Date(i.created_at),
      kind: 'incident',
      title: `Incident: ${categoryOf(i.category)?.label ?? 'not yet classified'}`,
      detail: `${roles.join(', ')} · ${i.status}`,
      link: `/incidents/${i.id}`,
    };
  });
};

const sanctionSource: ChronologySource = async (ctx) => {
  const visible = await visibleIncidentIds(ctx);
  const sanctions = await listSanctionsOfUser(ctx.db, ctx.schoolId, ctx.pupil.id);
  return sanctions
    .filter((s) => visible.has(s.incident_id))
    .map((s) => ({
      at: new Date(s.recorded_at),
      kind: 'sanction',
      title: `Sanction: ${s.action_label}`,
      detail: s.note ?? (s.suggested ? 'Suggested by the sanctions table' : 'Chosen by staff'),
      link: `/incidents/${s.incident_id}`,
    }));
};

/**
 * Filter exemptions approved for any of the pupil's groups (what was unblocked for their class,
 * when and why), for readers who may see the school's exemptions.
 */
const exemptionSource: ChronologySource = async (ctx) => {
  if (!can(ctx.actor, 'exemptions.read', { schoolId: ctx.schoolId })) return [];
  const groups = (await groupSlugsOf(ctx.db, [ctx.pupil.id])).get(ctx.pupil.id) ?? [];
  const entries = await exemptionsForGroups(ctx.db, ctx.schoolId, groups, {
    from: new Date(0),
    to: new Date('9999-12-31T00:00:00Z'),
  });
  return entries.map((e) => ({
    at: new Date(e.at),
    kind: e.kind,
    title: e.title,
    detail: e.detail,
    link: '/exemptions',
  }));
};

/** Every source of the chronology; append a source to add its records. */
export const chronologySources: ChronologySource[] = [
  alertSource,
  incidentSource,
  sanctionSource,
  // Exemptions: what was unblocked for the pupil's groups
  exemptionSource,
];

/** A pupil's chronology for a reader with `chronology.read`; the read is audited. */
export async function readChronology(
  db: Kysely<Database>,
  actor: Actor,
  pupilId: string,
  now: Date,
  sources: readonly ChronologySource[] = chronologySources,
): Promise<{ pupil: User; entries: ChronologyEntry[] }> {
  const pupil = await findUserById(db, pupilId);
  if (!pupil || pupil.school_id === null) {
    throw new HavenError('HAVEN_NOT_FOUND', 'There is no such person.');
  }
  if (!can(actor, 'chronology.read', { schoolId: pupil.school_id })) {
    throw new HavenError('HAVEN_FORBIDDEN', 'This person belongs to another school.');
  }
  const ctx: ChronologyContext = { db, actor, schoolId: pupil.school_id, pupil };
  const lists = await Promise.all(sources.map((source) => source(ctx)));
  const entries = lists.flat().sort((a, b) => b.at.getTime() - a.at.getTime());
  await db.transaction().execute(async (trx) => {
    await audit(
      trx,
      actor,
      {
        action: 'chronology.read',
        subjectType: 'user',
        subjectId: pupil.id,
        schoolId: pupil.school_id,
        detail: { entries: entries.length },
      },
      now,
    );
  });
  return { pupil, entries };
}
