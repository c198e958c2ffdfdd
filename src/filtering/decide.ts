import type { Kysely } from 'kysely';
import { evaluate } from '../policy/engine/evaluate.ts';
import type { Decision } from '../policy/engine/decision.ts';
import { groupSlugsOf } from '../store/user-repository.ts';
import type { Database, User } from '../store/schema.ts';
import type { SchoolSnapshot } from './snapshot-loader.ts';

/** The engine's request for a destination typed by a person: a URL when it has a path or scheme. */
export function destinationOf(input: string): { host: string } | { url: string } {
  const text = input.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.includes('/')
    ? { url: text }
    : { host: text };
}

/** Decide for a group (the "test a URL" box, `haven classify`). */
export function decideForGroups(
  snapshot: SchoolSnapshot,
  groups: readonly string[],
  destination: string,
  at: Date,
): Decision {
  return evaluate(snapshot.snapshot, { groups, ...destinationOf(destination) }, at);
}

/** Decide for a person, with their groups from the database (`haven explain`). */
export async function decideForUser(
  db: Kysely<Database>,
  snapshot: SchoolSnapshot,
  user: User,
  destination: string,
  at: Date,
): Promise<{ decision: Decision; groups: string[] }> {
  const groups = (await groupSlugsOf(db, [user.id])).get(user.id) ?? [];
  const decision = evaluate(
    snapshot.snapshot,
    { user: user.id, groups, ...destinationOf(destination) },
    at,
  );
  return { decision, groups };
}
