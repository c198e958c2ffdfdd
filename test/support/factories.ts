import type { Kysely } from 'kysely';
import { systemActor } from '../../src/access/actor.ts';
import type { Role } from '../../src/access/roles.ts';
import { createPerson } from '../../src/school/people.ts';
import { createSchool } from '../../src/school/schools.ts';
import type { Database, School, User } from '../../src/store/schema.ts';

/** A frozen clock: tests move time by hand. */
export function frozenClock(start = '2026-11-23T10:00:00.000Z') {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

let counter = 0;

export async function buildSchool(
  db: Kysely<Database>,
  overrides: Partial<{ slug: string; name: string; isDemo: boolean }> = {},
): Promise<School> {
  counter += 1;
  return createSchool(db, {
    slug: overrides.slug ?? `school-${counter}`,
    name: overrides.name ?? `Test School ${counter}`,
    isDemo: overrides.isDemo ?? false,
    actor: systemActor('test'),
    now: new Date('2026-11-23T09:00:00Z'),
  });
}

export async function buildPerson(
  db: Kysely<Database>,
  school: School | null,
  overrides: Partial<{
    username: string;
    roles: Role[];
    groups: string[];
    password: string;
    displayName: string;
  }> = {},
): Promise<User> {
  counter += 1;
  return createPerson(
    db,
    {
      schoolId: school?.id ?? null,
      username: overrides.username ?? `person${counter}`,
      displayName: overrides.displayName ?? `Person ${counter}`,
      roles: overrides.roles ?? ['staff'],
      groups: overrides.groups ?? [],
      password: overrides.password ?? 'correct horse battery',
    },
    { actor: systemActor('test'), now: new Date('2026-11-23T09:00:00Z') },
  );
}
