import type { Kysely } from 'kysely';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { audit } from '../../access/audit.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { findAlertById, liftIsolations, listIsolations } from '../../store/alert-repository.ts';
import type { AlertIsolation, Database } from '../../store/schema.ts';
import { announceIsolationChange } from '../capture-halt.ts';

/**
 * Isolations (MON-4): a suspected-CSAM alert marks the person and the device for isolation and
 * capture for them halts (`capture-halt.ts`). Only the DSL lifts it — when the police have said
 * what to do and the device is back in use — with a reason; the lift is audited and capture
 * resumes on every filter node within seconds.
 */

/** The isolations an alert made (in force and lifted); the read is audited. */
export async function readIsolations(
  db: Kysely<Database>,
  actor: Actor,
  alertId: string,
  now: Date,
): Promise<AlertIsolation[]> {
  const alert = await findAlertById(db, alertId);
  if (!alert) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
  if (!can(actor, 'alerts.read', { schoolId: alert.school_id }))
    throw new HavenError('HAVEN_FORBIDDEN', 'This alert belongs to another school.');
  return db.transaction().execute(async (trx) => {
    const rows = await listIsolations(trx, alertId);
    await audit(
      trx,
      actor,
      {
        action: 'alert.isolation.read',
        subjectType: 'alert',
        subjectId: alertId,
        schoolId: alert.school_id,
      },
      now,
    );
    return rows;
  });
}

/** Lift the isolation an alert placed; 409 when none is in force. */
export async function liftIsolation(
  db: Kysely<Database>,
  actor: Actor,
  alertId: string,
  reason: string,
  now: Date,
): Promise<AlertIsolation[]> {
  const why = reason.trim();
  if (why.length < 3)
    throw new HavenError('HAVEN_VALIDATION', 'say why the isolation is lifted', {
      errors: [{ path: 'body.reason', message: 'at least 3 characters' }],
    });
  const alert = await findAlertById(db, alertId);
  if (!alert) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
  if (!can(actor, 'alerts.isolation.lift', { schoolId: alert.school_id }))
    throw new HavenError('HAVEN_FORBIDDEN', 'This alert belongs to another school.');
  const lifted = await db.transaction().execute(async (trx) => {
    const rows = await liftIsolations(trx, { alertId, by: actor.userId, reason: why, at: now });
    if (rows.length === 0)
      throw new HavenError(
        'HAVEN_CONFLICT',
        'This alert has no isolation in force (it never had one, or it was lifted already).',
      );
    await audit(
      trx,
      actor,
      {
        action: 'alert.isolation.lifted',
        subjectType: 'alert',
        subjectId: alertId,
        schoolId: alert.school_id,
        detail: {
          reason: why,
          isolations: rows.map((r) => ({ id: r.id, clientIp: r.client_ip, userId: r.user_id })),
        },
      },
      now,
    );
    return rows;
  });
  announceIsolationChange();
  return (await listIsolations(db, alertId)).filter((r) => lifted.some((l) => l.id === r.id));
}
