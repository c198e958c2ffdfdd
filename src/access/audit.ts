import type { Kysely } from 'kysely';
import { appendAudit } from '../store/audit-repository.ts';
import type { Database } from '../store/schema.ts';
import { isSystemActor, type AuditActor } from './actor.ts';

export interface AuditEvent {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  schoolId: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Record who did what to which record. Writes call this inside their transaction; reads of a
 * safeguarding record call it before the record is returned (`auditRead`).
 */
export async function audit(
  db: Kysely<Database>,
  actor: AuditActor,
  event: AuditEvent,
  now: Date,
): Promise<void> {
  await appendAudit(
    db,
    {
      actorId: isSystemActor(actor) ? null : actor.userId,
      actorLabel: isSystemActor(actor) ? `system:${actor.label}` : actor.username,
      ...event,
    },
    now,
  );
}
