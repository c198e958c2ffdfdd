import type { Actor } from '../access/actor.ts';
import { HavenError } from '../errors/haven-error.ts';

/**
 * The signed-in person a route acts for. The ability check has already let the request through;
 * this only narrows the type (and answers 401 if a public route calls it without a session).
 */
export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
  return actor;
}

/**
 * The signed-in person and their school, for routes whose records belong to one school. A trust
 * administrator, who has no school of their own, is told to use a school account. `records` names
 * what the route deals with ("Exemptions", "Training records").
 */
export function actorInSchool(
  actor: Actor | null,
  records: string,
): { actor: Actor; schoolId: string } {
  const signedIn = requireActor(actor);
  if (!signedIn.schoolId) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      `${records} belong to a school: sign in as a member of one.`,
      {
        errors: [{ path: 'school', message: 'trust administrators work through a school account' }],
      },
    );
  }
  return { actor: signedIn, schoolId: signedIn.schoolId };
}
