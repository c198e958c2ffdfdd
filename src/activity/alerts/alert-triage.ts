import type { Kysely } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { audit } from '../../access/audit.ts';
import { can } from '../../access/abilities.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  findAlertById,
  listAlerts,
  updateAlertStatus,
  type AlertListQuery,
} from '../../store/alert-repository.ts';
import type { Alert, Database } from '../../store/schema.ts';

/**
 * What the DSL does with an alert (MON-3): read it (every read is an audit entry), acknowledge
 * it, dismiss it with a reason, or ask for it to become an incident. Each change and its audit
 * entry share one transaction; an alert ends with a recorded outcome.
 */

function schoolOf(actor: Actor): string | null {
  return actor.roles.includes('trust-admin') ? null : actor.schoolId;
}

/** The alerts this person may see, newest first; the read is audited with the ids shown. */
export async function readAlerts(
  db: Kysely<Database>,
  actor: Actor,
  query: Omit<AlertListQuery, 'schoolId'>,
  now: Date,
): Promise<Alert[]> {
  const schoolId = schoolOf(actor);
  if (schoolId === null && !actor.roles.includes('trust-admin')) return [];
  return db.transaction().execute(async (trx) => {
    const alerts = await listAlerts(trx, { ...query, schoolId });
    await audit(
      trx,
      actor,
      {
        action: 'alert.read',
        subjectType: 'alert',
        subjectId: null,
        schoolId,
        detail: {
          ids: alerts.map((a) => a.id),
          filters: { status: query.status ?? null, severity: query.severity ?? null },
        },
      },
      now,
    );
    return alerts;
  });
}

async function loadForAbility(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  ability: 'alerts.read' | 'alerts.triage',
): Promise<Alert> {
  const alert = await findAlertById(db, id);
  if (!alert) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
  if (!can(actor, ability, { schoolId: alert.school_id })) {
    throw new HavenError('HAVEN_FORBIDDEN', 'This alert belongs to another school.');
  }
  return alert;
}

export async function readAlert(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  now: Date,
): Promise<Alert> {
  const alert = await loadForAbility(db, actor, id, 'alerts.read');
  await db.transaction().execute(async (trx) => {
    await audit(
      trx,
      actor,
      { action: 'alert.read', subjectType: 'alert', subjectId: id, schoolId: alert.school_id },
      now,
    );
  });
  return alert;
}

export type TriageAction =
  | { kind: 'acknowledge' }
  | { kind: 'dismiss'; reason: string }
  | { kind: 'escalate'; note?: string | undefined };

/** Which statuses each action may start from. */
const allowedFrom: Readonly<Record<TriageAction['kind'], readonly Alert['status'][]>> = {
  acknowledge: ['new'],
  dismiss: ['new', 'acknowledged'],
  escalate: ['new', 'acknowledged'],
};

export async function triageAlert(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
  action: TriageAction,
  now: Date,
): Promise<Alert> {
  await loadForAbility(db, actor, id, 'alerts.triage');
  return db.transaction().execute(async (trx) => {
    const current = await findAlertById(trx, id);
    if (!current) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
    if (!allowedFrom[action.kind].includes(current.status)) {
      throw new HavenError(
        'HAVEN_CONFLICT',
        `This alert is already ${current.status}: it cannot be ${action.kind === 'acknowledge' ? 'acknowledged' : action.kind === 'dismiss' ? 'dismissed' : 'escalated'} now.`,
      );
    }
    const updated =
      action.kind === 'acknowledge'
        ? await updateAlertStatus(trx, id, { status: 'acknowledged', by: actor.userId, at: now })
        : action.kind === 'dismiss'
          ? await updateAlertStatus(trx, id, {
              status: 'dismissed',
              by: actor.userId,
              at: now,
              reason: action.reason,
            })
          : await updateAlertStatus(trx, id, {
              status: 'escalated-to-incident',
              by: actor.userId,
              at: now,
            });
    await audit(
      trx,
      actor,
      {
        action: `alert.${action.kind}`,
        subjectType: 'alert',
        subjectId: id,
        schoolId: current.school_id,
        detail: {
          from: current.status,
          to: updated.status,
          ...(action.kind === 'dismiss' ? { reason: action.reason } : {}),
          ...(action.kind === 'escalate'
            ? {
                note: action.note ?? null,
                incident: 'requested: the incident is created by the casework workflow',
              }
            : {}),
        },
      },
      now,
    );
    return updated;
  });
}
