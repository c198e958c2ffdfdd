import type { Role } from './roles.ts';

/** Who is asking: the signed-in user as the rest of Haven sees them. */
export interface Actor {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  /** Null for a trust administrator, who spans every school. */
  readonly schoolId: string | null;
  readonly roles: readonly Role[];
}

/** Work done by Haven itself (start-up, demo set-up, imports from the command line). */
export interface SystemActor {
  readonly system: true;
  readonly label: string;
}

export type AuditActor = Actor | SystemActor;

export function systemActor(label: string): SystemActor {
  return { system: true, label };
}

export function isSystemActor(actor: AuditActor): actor is SystemActor {
  return 'system' in actor;
}

/**
 * Who did something, as a record keeps it: the person's id (null for Haven itself) and a label —
 * the username, or with `{ by: 'name' }` the display name people read in change logs.
 */
export function actorRef(
  actor: AuditActor,
  options: { by?: 'username' | 'name' } = {},
): { id: string | null; label: string } {
  if (isSystemActor(actor)) return { id: null, label: `system:${actor.label}` };
  const label = options.by === 'name' ? actor.displayName || actor.username : actor.username;
  return { id: actor.userId, label };
}
