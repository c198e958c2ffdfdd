import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { HavenError } from '../errors/haven-error.ts';
import { findSchoolById } from '../store/school-repository.ts';
import type { Database, User } from '../store/schema.ts';
import {
  deleteSession,
  findSessionWithUser,
  insertSession,
  touchSession,
} from '../store/session-repository.ts';
import { findUserByUsername, updateUser } from '../store/user-repository.ts';
import type { Actor } from './actor.ts';
import { audit } from './audit.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { demoPassword, verifyPassword } from './passwords.ts';
import { isRole, type Role } from './roles.ts';

export interface SessionSettings {
  sessionHours: number;
  maxFailures: number;
  lockoutMinutes: number;
}

export interface SignInRequest {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

export interface SignedIn {
  /** The cookie value; only its hash is stored. */
  token: string;
  csrfToken: string;
  actor: Actor;
  expiresAt: Date;
}

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function actorOf(user: User): Actor {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    schoolId: user.school_id,
    roles: user.roles.filter((r): r is Role => isRole(r)),
  };
}

export type CredentialCheck =
  | { ok: true; user: User }
  | { ok: false; problem: 'bad-credentials' | 'disabled' | 'expired' }
  | { ok: false; problem: 'locked'; retryAfterSeconds: number };

/**
 * The one check of a username and password, for every way of signing in (the web app, a
 * device's captive sign-in, proxy authentication). Failures count towards a lockout; the answer
 * never says whether the username exists; the demo password works only in the demo school.
 * A good password clears the failure count.
 */
export async function checkCredentials(
  db: Kysely<Database>,
  credentials: { username: string; password: string },
  deps: {
    now: Date;
    lockout: { maxFailures: number; lockoutMinutes: number };
    /** Who records a lockout in the audit log, e.g. `sign-in`, `proxy-sign-in`. */
    via: string;
    detail?: Record<string, unknown>;
    verify?: (storedHash: string | null, password: string) => Promise<boolean>;
  },
): Promise<CredentialCheck> {
  const { now } = deps;
  const verify = deps.verify ?? verifyPassword;
  const user = await findUserByUsername(db, credentials.username.trim());
  if (!user) {
    await verify(null, credentials.password);
    return { ok: false, problem: 'bad-credentials' };
  }
  if (user.locked_until && user.locked_until.getTime() > now.getTime()) {
    return {
      ok: false,
      problem: 'locked',
      retryAfterSeconds: Math.ceil((user.locked_until.getTime() - now.getTime()) / 1000),
    };
  }
  let ok = await verify(user.password_hash, credentials.password);
  if (ok && credentials.password === demoPassword) {
    const school = user.school_id ? await findSchoolById(db, user.school_id) : undefined;
    ok = school?.is_demo === true;
  }
  if (!ok) {
    await db.transaction().execute(async (trx) => {
      const failures = user.failed_logins + 1;
      const lock = failures >= deps.lockout.maxFailures;
      await updateUser(trx, user.id, {
        failed_logins: lock ? 0 : failures,
        locked_until: lock
          ? new Date(now.getTime() + deps.lockout.lockoutMinutes * 60_000)
          : user.locked_until,
      });
      if (lock) {
        await audit(
          trx,
          { system: true, label: deps.via },
          {
            action: 'account.locked',
            subjectType: 'user',
            subjectId: user.id,
            schoolId: user.school_id,
            detail: { failures, minutes: deps.lockout.lockoutMinutes, ...deps.detail },
          },
          now,
        );
      }
    });
    return { ok: false, problem: 'bad-credentials' };
  }
  if (user.disabled) return { ok: false, problem: 'disabled' };
  if (guestExpired(user, now)) return { ok: false, problem: 'expired' };
  if (user.failed_logins !== 0 || user.locked_until !== null) {
    await updateUser(db, user.id, { failed_logins: 0, locked_until: null });
  }
  return { ok: true, user };
}

/** A time-limited guest account past its expiry (GOV-6): sign-in refused, sessions end. */
export function guestExpired(user: User, now: Date): boolean {
  return user.guest_expires_at !== null && user.guest_expires_at.getTime() <= now.getTime();
}

/** The API's answer to a failed credential check. */
export function credentialError(check: Exclude<CredentialCheck, { ok: true }>): HavenError {
  if (check.problem === 'locked') {
    return new HavenError(
      'HAVEN_ACCOUNT_LOCKED',
      `Too many failed sign-ins: this account is locked for ${Math.ceil(check.retryAfterSeconds / 60)} more minute(s).`,
      { extra: { retryAfterSeconds: check.retryAfterSeconds } },
    );
  }
  if (check.problem === 'expired')
    return new HavenError(
      'HAVEN_ACCOUNT_DISABLED',
      'This guest account has expired: ask the member of staff who arranged your visit.',
    );
  return new HavenError(
    check.problem === 'disabled' ? 'HAVEN_ACCOUNT_DISABLED' : 'HAVEN_BAD_CREDENTIALS',
  );
}

/** Sign in with username and password: a new cookie session. */
export async function signIn(
  db: Kysely<Database>,
  request: SignInRequest,
  deps: { now: Date; settings: SessionSettings; throttle: LoginThrottle },
): Promise<SignedIn> {
  const { now, settings } = deps;
  const wait = deps.throttle.attempt(request.ip ?? 'unknown', now.getTime());
  if (wait > 0) {
    throw new HavenError(
      'HAVEN_RATE_LIMITED',
      `Too many sign-in attempts; try again in ${wait} s.`,
      {
        extra: { retryAfterSeconds: wait },
      },
    );
  }
  const check = await checkCredentials(db, request, {
    now,
    lockout: settings,
    via: 'sign-in',
    detail: { ip: request.ip },
  });
  if (!check.ok) throw credentialError(check);
  const user = check.user;

  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + settings.sessionHours * 3_600_000);
  const actor = actorOf(user);
  await db.transaction().execute(async (trx) => {
    await insertSession(trx, {
      id: sessionIdOf(token),
      userId: user.id,
      csrfToken,
      now,
      expiresAt,
      ip: request.ip,
      userAgent: request.userAgent?.slice(0, 300) ?? null,
    });
    await audit(
      trx,
      actor,
      {
        action: 'session.created',
        subjectType: 'user',
        subjectId: user.id,
        schoolId: user.school_id,
        detail: { ip: request.ip },
      },
      now,
    );
  });
  return { token, csrfToken, actor, expiresAt };
}

export interface CurrentSession {
  id: string;
  actor: Actor;
  csrfToken: string;
  expiresAt: Date;
}

/** Resolve a session cookie to its actor, sliding the expiry; undefined when not valid. */
export async function resumeSession(
  db: Kysely<Database>,
  token: string,
  deps: { now: Date; settings: SessionSettings },
): Promise<CurrentSession | undefined> {
  const id = sessionIdOf(token);
  const found = await findSessionWithUser(db, id);
  if (!found) return undefined;
  const { session, user } = found;
  const now = deps.now.getTime();
  if (session.expires_at.getTime() <= now || user.disabled || guestExpired(user, deps.now)) {
    await deleteSession(db, id);
    return undefined;
  }
  let expiresAt = session.expires_at;
  if (now - session.last_seen_at.getTime() > 60_000) {
    expiresAt = new Date(now + deps.settings.sessionHours * 3_600_000);
    await touchSession(db, id, deps.now, expiresAt);
  }
  return { id, actor: actorOf(user), csrfToken: session.csrf_token, expiresAt };
}

export async function signOut(
  db: Kysely<Database>,
  session: CurrentSession,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await deleteSession(trx, session.id);
    await audit(
      trx,
      session.actor,
      {
        action: 'session.ended',
        subjectType: 'user',
        subjectId: session.actor.userId,
        schoolId: session.actor.schoolId,
      },
      now,
    );
  });
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
