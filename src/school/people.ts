import type { Kysely } from 'kysely';
import type { Actor, AuditActor } from '../access/actor.ts';
import { audit } from '../access/audit.ts';
import { hashPassword, passwordProblem } from '../access/passwords.ts';
import type { Role } from '../access/roles.ts';
import { deleteSessionsOfUser } from '../store/session-repository.ts';
import { HavenError } from '../errors/haven-error.ts';
import { findSchoolById, listGroups } from '../store/school-repository.ts';
import type { Database, User } from '../store/schema.ts';
import {
  findUserByUsername,
  groupSlugsOf,
  insertUser,
  setUserGroups,
  updateUser,
} from '../store/user-repository.ts';

export interface PersonInput {
  schoolId: string | null;
  username: string;
  displayName: string;
  email?: string | null;
  roles: Role[];
  groups: string[];
  yearGroup?: string | null;
  staffRole?: string | null;
  password?: string | null;
}

async function groupIds(
  db: Kysely<Database>,
  schoolId: string | null,
  slugs: string[],
): Promise<string[]> {
  if (slugs.length === 0) return [];
  if (schoolId === null) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      'A trust administrator belongs to no school and so to no group.',
      {
        errors: [{ path: 'groups', message: 'leave empty for a trust administrator' }],
      },
    );
  }
  const groups = await listGroups(db, schoolId);
  const bySlug = new Map(groups.map((g) => [g.slug, g.id]));
  const unknown = slugs.filter((s) => !bySlug.has(s));
  if (unknown.length > 0) {
    throw new HavenError('HAVEN_VALIDATION', `Unknown group(s): ${unknown.join(', ')}.`, {
      errors: unknown.map((slug) => ({
        path: 'groups',
        message: `the school has no group "${slug}"`,
      })),
    });
  }
  return slugs.flatMap((s) => bySlug.get(s) ?? []);
}

async function checkedPasswordHash(
  db: Kysely<Database>,
  schoolId: string | null,
  password: string,
): Promise<string> {
  const school = schoolId ? await findSchoolById(db, schoolId) : undefined;
  const problem = passwordProblem(password, { demoSchool: school?.is_demo === true });
  if (problem) {
    throw new HavenError('HAVEN_WEAK_PASSWORD', `The password was not accepted: ${problem}.`, {
      errors: [{ path: 'password', message: problem }],
    });
  }
  return hashPassword(password);
}

/** Add one person, with groups and (optionally) a password. */
export async function createPerson(
  db: Kysely<Database>,
  input: PersonInput,
  deps: { actor: AuditActor; now: Date },
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    if (await findUserByUsername(trx, input.username)) {
      throw new HavenError('HAVEN_CONFLICT', `The username "${input.username}" is already taken.`, {
        errors: [{ path: 'username', message: 'already taken' }],
      });
    }
    const ids = await groupIds(trx, input.schoolId, input.groups);
    const passwordHash = input.password
      ? await checkedPasswordHash(trx, input.schoolId, input.password)
      : null;
    const user = await insertUser(trx, {
      school_id: input.schoolId,
      username: input.username.toLowerCase(),
      display_name: input.displayName,
      email: input.email ?? null,
      roles: input.roles,
      year_group: input.yearGroup ?? null,
      staff_role: input.staffRole ?? null,
      password_hash: passwordHash,
      updated_at: deps.now,
    });
    await setUserGroups(trx, user.id, ids);
    await audit(
      trx,
      deps.actor,
      {
        action: 'user.created',
        subjectType: 'user',
        subjectId: user.id,
        schoolId: input.schoolId,
        detail: {
          username: user.username,
          roles: input.roles,
          groups: input.groups,
          password: passwordHash !== null,
        },
      },
      deps.now,
    );
    return user;
  });
}

export interface PersonChanges {
  displayName?: string | undefined;
  email?: string | null | undefined;
  roles?: Role[] | undefined;
  groups?: string[] | undefined;
  disabled?: boolean | undefined;
  unlock?: boolean | undefined;
  password?: string | undefined;
}

/** Change a person's details; the audit entry lists what changed (never the password). */
export async function changePerson(
  db: Kysely<Database>,
  user: User,
  changes: PersonChanges,
  deps: { actor: AuditActor; now: Date },
): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const recorded: Record<string, unknown> = {};
    const set: Parameters<typeof updateUser>[2] = { updated_at: deps.now };
    if (changes.displayName !== undefined && changes.displayName !== user.display_name) {
      set.display_name = changes.displayName;
      recorded.displayName = [user.display_name, changes.displayName];
    }
    if (changes.email !== undefined && changes.email !== user.email) {
      set.email = changes.email;
      recorded.email = [user.email, changes.email];
    }
    if (changes.roles !== undefined) {
      set.roles = changes.roles;
      recorded.roles = [user.roles, changes.roles];
    }
    if (changes.disabled !== undefined && changes.disabled !== user.disabled) {
      set.disabled = changes.disabled;
      recorded.disabled = changes.disabled;
    }
    if (changes.unlock) {
      set.locked_until = null;
      set.failed_logins = 0;
      recorded.unlocked = true;
    }
    if (changes.password !== undefined) {
      set.password_hash = await checkedPasswordHash(trx, user.school_id, changes.password);
      recorded.password = 'changed';
    }
    const updated = await updateUser(trx, user.id, set);
    if (changes.groups !== undefined) {
      const before = (await groupSlugsOf(trx, [user.id])).get(user.id) ?? [];
      if (await setUserGroups(trx, user.id, await groupIds(trx, user.school_id, changes.groups))) {
        recorded.groups = [before, changes.groups];
      }
    }
    if (changes.disabled === true || changes.password !== undefined) {
      await deleteSessionsOfUser(trx, user.id, undefined);
    }
    await audit(
      trx,
      deps.actor,
      {
        action: 'user.updated',
        subjectType: 'user',
        subjectId: user.id,
        schoolId: user.school_id,
        detail: recorded,
      },
      deps.now,
    );
    return updated;
  });
}

/** A signed-in user changes their own password, proving the current one. */
export async function changeOwnPassword(
  db: Kysely<Database>,
  actor: Actor,
  input: { currentPassword: string; newPassword: string; keepSessionId: string },
  deps: { now: Date; verify: (hash: string | null, password: string) => Promise<boolean> },
): Promise<void> {
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  if (!(await deps.verify(user.password_hash, input.currentPassword))) {
    throw new HavenError('HAVEN_VALIDATION', 'The current password is not right.', {
      errors: [{ path: 'currentPassword', message: 'not the current password' }],
    });
  }
  await db.transaction().execute(async (trx) => {
    const hash = await checkedPasswordHash(trx, user.school_id, input.newPassword);
    await updateUser(trx, user.id, { password_hash: hash, updated_at: deps.now });
    await deleteSessionsOfUser(trx, user.id, input.keepSessionId);
    await audit(
      trx,
      actor,
      {
        action: 'user.password-changed',
        subjectType: 'user',
        subjectId: user.id,
        schoolId: user.school_id,
      },
      deps.now,
    );
  });
}
