import { z } from 'zod';
import { abilitiesOf } from '../../access/abilities.ts';
import { signIn, signOut } from '../../access/sessions.ts';
import { verifyPassword } from '../../access/passwords.ts';
import type { Actor } from '../../access/actor.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { changeOwnPassword } from '../../school/people.ts';
import { findSchoolById } from '../../store/school-repository.ts';
import { findUserById, groupSlugsOf } from '../../store/user-repository.ts';
import type { ApiDeps } from '../deps.ts';
import { presentSchool, presentUser, schoolDto, userDto } from '../dto.ts';
import { sessionCookie } from '../plugins/abilities.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const meResponse = z.object({
  user: userDto,
  school: schoolDto.nullable(),
  /** The abilities this user holds: the UI shows only what they allow. */
  abilities: z.array(z.string()),
  /** Send as `x-csrf-token` on every state-changing request. */
  csrfToken: z.string(),
});

async function describeMe(
  deps: ApiDeps,
  actor: Actor,
  csrfToken: string,
): Promise<z.input<typeof meResponse>> {
  const db = deps.store.db;
  const user = await findUserById(db, actor.userId);
  if (!user) throw new HavenError('HAVEN_UNAUTHENTICATED');
  const groups = (await groupSlugsOf(db, [user.id])).get(user.id) ?? [];
  const school = user.school_id ? await findSchoolById(db, user.school_id) : undefined;
  return {
    user: presentUser(user, groups),
    school: school ? presentSchool(school) : null,
    abilities: abilitiesOf(actor),
    csrfToken,
  };
}

export function sessionRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/session',
      ability: 'session.create',
      tag: 'session',
      summary: 'Sign in with username and password (sets the session cookie)',
      body: z.object({
        username: z.string().trim().min(1, 'enter your username').max(64),
        password: z.string().min(1, 'enter your password').max(200),
      }),
      response: meResponse,
      handler: async ({ body, request, reply }) => {
        const signedIn = await signIn(
          deps.store.db,
          {
            username: body.username,
            password: body.password,
            ip: request.ip,
            userAgent: request.headers['user-agent'] ?? null,
          },
          { now: deps.clock(), settings: deps.sessions, throttle: deps.throttle },
        );
        reply.setCookie(sessionCookie, signedIn.token, {
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.secureCookies || request.protocol === 'https',
          path: '/',
          expires: signedIn.expiresAt,
        });
        return describeMe(deps, signedIn.actor, signedIn.csrfToken);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/session',
      ability: 'session.delete',
      tag: 'session',
      summary: 'Sign out (ends the session and clears the cookie)',
      response: z.undefined(),
      status: 204,
      handler: async ({ session, reply }) => {
        if (session) await signOut(deps.store.db, session, deps.clock());
        reply.clearCookie(sessionCookie, { path: '/' });
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/me',
      ability: 'me.read',
      tag: 'session',
      summary: 'The signed-in user, their school, their abilities and the CSRF token',
      response: meResponse,
      handler: async ({ actor, session }) => {
        if (!actor || !session) throw new HavenError('HAVEN_UNAUTHENTICATED');
        return describeMe(deps, actor, session.csrfToken);
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/me/password',
      ability: 'me.password.change',
      tag: 'session',
      summary: 'Change your own password (other sessions are signed out)',
      body: z.object({
        currentPassword: z.string().min(1, 'enter your current password'),
        newPassword: z.string().min(1, 'enter a new password'),
      }),
      response: z.undefined(),
      status: 204,
      handler: async ({ actor, session, body }) => {
        if (!actor || !session) throw new HavenError('HAVEN_UNAUTHENTICATED');
        await changeOwnPassword(
          deps.store.db,
          actor,
          {
            currentPassword: body.currentPassword,
            newPassword: body.newPassword,
            keepSessionId: session.id,
          },
          { now: deps.clock(), verify: verifyPassword },
        );
        return undefined;
      },
    }),
  ];
}
