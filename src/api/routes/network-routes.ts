import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { systemActor } from '../../access/actor.ts';
import { audit } from '../../access/audit.ts';
import { LoginThrottle } from '../../access/login-throttle.ts';
import { actorOf, checkCredentials, credentialError } from '../../access/sessions.ts';
import { reportWorry } from '../../casework/report-intake.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  insertBlockPageRequest,
  listBlockPageRequests,
} from '../../store/block-page-request-repository.ts';
import {
  deleteDeviceSession,
  deviceAddress,
  findDeviceSession,
  listDeviceSessions,
  upsertDeviceSession,
} from '../../store/device-session-repository.ts';
import { findSchoolById, findSchoolBySlug, listSchools } from '../../store/school-repository.ts';
import type { BlockPageRequest, Database, School, User } from '../../store/schema.ts';
import { findUserById } from '../../store/user-repository.ts';
import type { ApiDeps, NetworkSettings } from '../deps.ts';
import { requireActor } from '../signed-in.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import { draftFromBlockPage } from '../../casework/change-requests.ts';

/**
 * The network side of Haven's API (ENF-4, INC-1):
 *
 * - captive sign-in: a device on the school network signs in with a Haven account and its
 *   address is tied to that person for `filter.signInHours` (the filter then applies their
 *   groups); technicians see who is signed in where;
 * - the block page's requests: "ask for this site to be reviewed" and "report a worry" (which
 *   may be anonymous), read by the DSL and the online safety lead.
 */

const defaultSignInHours = 8;
const defaultRequestsPerMinute = 10;

/** Routes that also accept an HTML form post (`application/x-www-form-urlencoded`). */
const formPostRoutes: ReadonlySet<string> = new Set(['POST /api/block-page/requests']);

/**
 * Accept form posts on the routes that take them (the block page's form works without
 * JavaScript); every other route still refuses them with 415, so a cross-site form can never
 * reach a JSON route.
 */
export function acceptFormPosts(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (request, body, done) => {
      const route = `${request.method} ${request.routeOptions.url ?? ''}`;
      if (!formPostRoutes.has(route)) {
        done(
          new HavenError(
            'HAVEN_UNSUPPORTED_MEDIA_TYPE',
            'This route takes JSON (application/json), not a form post.',
          ),
          undefined,
        );
        return;
      }
      const text = typeof body === 'string' ? body : body.toString('utf8');
      done(null, Object.fromEntries(new URLSearchParams(text)));
    },
  );
}

function isFormPost(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

// ---- captive sign-in ----

/**
 * Check a device's username and password the way the sign-in page does (same lockout, same
 * rule for the demo password), then tie the address to the person. Returns the user and the
 * sign-in's end.
 */
async function signInDevice(
  db: Kysely<Database>,
  input: { username: string; password: string; clientIp: string },
  deps: {
    now: Date;
    hours: number;
    lockout: { maxFailures: number; lockoutMinutes: number };
  },
): Promise<{ user: User; expiresAt: Date }> {
  const { now } = deps;
  const check = await checkCredentials(db, input, {
    now,
    lockout: deps.lockout,
    via: 'network-sign-in',
    detail: { ip: input.clientIp },
  });
  if (!check.ok) throw credentialError(check);
  const user = check.user;
  if (!user.school_id) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      'A trust administrator belongs to no school: sign the device in with a school account.',
      { errors: [{ path: 'body.username', message: 'not a member of a school' }] },
    );
  }
  const schoolId = user.school_id;
  const expiresAt = new Date(now.getTime() + deps.hours * 3_600_000);
  await db.transaction().execute(async (trx) => {
    await upsertDeviceSession(trx, {
      clientIp: input.clientIp,
      userId: user.id,
      schoolId,
      now,
      expiresAt,
    });
    await audit(
      trx,
      actorOf(user),
      {
        action: 'network.signed-in',
        subjectType: 'user',
        subjectId: user.id,
        schoolId,
        detail: { ip: deviceAddress(input.clientIp), until: expiresAt.toISOString() },
      },
      now,
    );
  });
  return { user, expiresAt };
}

const deviceSessionDto = z.object({
  address: z.string(),
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  signedInAt: z.string(),
  expiresAt: z.string(),
});

// ---- block page requests ----

const blockPageRequestDto = z.object({
  id: z.string(),
  kind: z.enum(['worry', 'review']),
  host: z.string(),
  category: z.string().nullable(),
  ruleId: z.string().nullable(),
  /** Null for an anonymous worry, or when the person was not known. */
  user: z.object({ id: z.string(), username: z.string(), displayName: z.string() }).nullable(),
  clientIp: z.string().nullable(),
  message: z.string().nullable(),
  status: z.string(),
  createdAt: z.string(),
});

/** Form fields arrive as strings; an empty field is a field not given. */
const optionalText = (max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().trim().max(max).optional(),
  );

const formBoolean = z.preprocess(
  (value) =>
    typeof value === 'string' ? ['on', 'true', '1', 'yes'].includes(value.toLowerCase()) : value,
  z.boolean().optional(),
);

/** The destination's host, whether the page sent a host name or a URL (never its path: MON-4). */
function hostOf(text: string): string | null {
  const value = text.trim();
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host === '' ? null : host;
  } catch {
    return null;
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The page a form post gets back: plain, readable without styles or scripts. */
function thankYouPage(kind: 'worry' | 'review', host: string): string {
  const what =
    kind === 'worry'
      ? '<p>Thank you for telling us — a member of staff will look at this.</p>' +
        '<p>If you are worried about your safety right now, tell a teacher or another adult you trust. ' +
        'You can also talk to Childline, free and in confidence, on <a href="tel:08001111">0800 1111</a>.</p>'
      : `<p>Thank you — a member of staff will look at this.</p><p>You asked for <strong>${escapeHtml(host)}</strong> to be reviewed. It stays blocked until they have decided.</p>`;
  return [
    '<!doctype html>',
    '<html lang="en-GB"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Thank you</title>',
    '<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}h1{font-size:1.6rem}</style>',
    '</head><body><main>',
    '<h1>Thank you</h1>',
    what,
    '</main></body></html>',
  ].join('\n');
}

function presentRequest(
  row: BlockPageRequest & { username: string | null; display_name: string | null },
): z.input<typeof blockPageRequestDto> {
  return {
    id: row.id,
    kind: row.kind,
    host: row.host,
    category: row.category,
    ruleId: row.rule_id,
    user:
      row.user_id && row.username
        ? { id: row.user_id, username: row.username, displayName: row.display_name ?? '' }
        : null,
    clientIp: row.client_ip,
    message: row.message,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The school a staff request is about: the actor's own, or for a trust admin the one asked for. */
function schoolAsked(actor: Actor, requested: string | undefined): string {
  const schoolId = requested ?? actor.schoolId;
  if (!schoolId) {
    throw new HavenError(
      'HAVEN_VALIDATION',
      'Say which school: add ?schoolId=… (trust administrators span every school).',
      { errors: [{ path: 'query.schoolId', message: 'required for a trust administrator' }] },
    );
  }
  return schoolId;
}

export function networkRoutes(deps: ApiDeps): AnyRoute[] {
  const db = (): Kysely<Database> => deps.store.db;
  const settings = (): NetworkSettings => deps.network ?? { signInHours: defaultSignInHours };
  const requestThrottle = new LoginThrottle(
    deps.network?.requestsPerMinute ?? defaultRequestsPerMinute,
  );

  /** Who is asking from the block page: a Haven session, else the device's captive sign-in. */
  async function personAsking(actor: Actor | null, ip: string, now: Date): Promise<User | null> {
    if (actor) return (await findUserById(db(), actor.userId)) ?? null;
    const session = await findDeviceSession(db(), ip, now);
    if (!session || session.disabled) return null;
    return (await findUserById(db(), session.user_id)) ?? null;
  }

  async function schoolFor(given: string | undefined, person: User | null): Promise<School> {
    if (given) {
      const school = z.uuid().safeParse(given).success
        ? await findSchoolById(db(), given)
        : await findSchoolBySlug(db(), given);
      if (!school) {
        throw new HavenError('HAVEN_VALIDATION', `There is no school "${given}".`, {
          errors: [{ path: 'body.school', message: 'unknown school' }],
        });
      }
      return school;
    }
    if (person?.school_id) {
      const school = await findSchoolById(db(), person.school_id);
      if (school) return school;
    }
    const schools = await listSchools(db());
    const only = schools.length === 1 ? schools[0] : undefined;
    if (!only) {
      throw new HavenError('HAVEN_VALIDATION', 'Say which school this is about.', {
        errors: [{ path: 'body.school', message: 'required when Haven serves several schools' }],
      });
    }
    return only;
  }

  return [
    defineRoute({
      method: 'POST',
      url: '/api/network/sign-in',
      ability: 'network.sign-in',
      tag: 'network',
      summary: `Sign this device in to the filter: its address is tied to the person for filter.signInHours (default ${defaultSignInHours})`,
      body: z.object({
        username: z.string().trim().min(1, 'enter your username').max(64),
        password: z.string().min(1, 'enter your password').max(200),
      }),
      response: z.object({
        address: z.string(),
        username: z.string(),
        displayName: z.string(),
        expiresAt: z.string(),
      }),
      handler: async ({ body, request }) => {
        const now = deps.clock();
        const wait = deps.throttle.attempt(request.ip, now.getTime());
        if (wait > 0) {
          throw new HavenError(
            'HAVEN_RATE_LIMITED',
            `Too many sign-in attempts; try again in ${wait} s.`,
            { extra: { retryAfterSeconds: wait } },
          );
        }
        const { user, expiresAt } = await signInDevice(
          db(),
          { username: body.username, password: body.password, clientIp: request.ip },
          {
            now,
            hours: settings().signInHours,
            lockout: {
              maxFailures: deps.sessions.maxFailures,
              lockoutMinutes: deps.sessions.lockoutMinutes,
            },
          },
        );
        settings().onDeviceChange?.(request.ip);
        return {
          address: deviceAddress(request.ip),
          username: user.username,
          displayName: user.display_name,
          expiresAt: expiresAt.toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/network/sign-in',
      ability: 'network.sign-out',
      tag: 'network',
      summary: 'Sign this device out of the filter (its address is no longer tied to a person)',
      response: z.undefined(),
      status: 204,
      handler: async ({ request }) => {
        const now = deps.clock();
        await db()
          .transaction()
          .execute(async (trx) => {
            const ended = await deleteDeviceSession(trx, request.ip);
            if (!ended) return;
            await audit(
              trx,
              systemActor('network-sign-out'),
              {
                action: 'network.signed-out',
                subjectType: 'user',
                subjectId: ended.user_id,
                schoolId: ended.school_id,
                detail: { ip: ended.client_ip },
              },
              now,
            );
          });
        settings().onDeviceChange?.(request.ip);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/network/sessions',
      ability: 'network.sessions.read',
      tag: 'network',
      summary: 'Who is signed in on which device address (captive sign-ins that have not expired)',
      query: z.object({
        schoolId: z.uuid().optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      }),
      response: z.object({ sessions: z.array(deviceSessionDto) }),
      handler: async ({ actor, query }) => {
        const a = requireActor(actor);
        const schoolId = schoolAsked(a, query.schoolId);
        if (!can(a, 'network.sessions.read', { schoolId })) {
          throw new HavenError('HAVEN_FORBIDDEN', 'You can only see your own school.');
        }
        const rows = await listDeviceSessions(db(), schoolId, deps.clock(), query.limit);
        return {
          sessions: rows.map((r) => ({
            address: r.client_ip,
            userId: r.user_id,
            username: r.username,
            displayName: r.display_name,
            signedInAt: new Date(r.created_at).toISOString(),
            expiresAt: new Date(r.expires_at).toISOString(),
          })),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/block-page/requests',
      ability: 'block-requests.create',
      tag: 'block page',
      summary:
        'From the block page: ask for a site to be reviewed, or report a worry (anonymous unless "anonymous" is false). ' +
        'Takes JSON or a form post (application/x-www-form-urlencoded); a form post gets a thank-you page (text/html)',
      body: z.object({
        kind: z.enum(['worry', 'review']),
        host: z.string().trim().min(1, 'which site?').max(2000),
        category: optionalText(60),
        ruleId: optionalText(200),
        message: optionalText(2000),
        /** School id or slug; default: the person's school, or the only school. */
        school: optionalText(100),
        /** A worry is anonymous unless this is false; a review request always says who asked. */
        anonymous: formBoolean,
      }),
      response: z.union([
        z.object({
          id: z.string(),
          kind: z.enum(['worry', 'review']),
          status: z.string(),
          createdAt: z.string(),
        }),
        z.string().describe('the thank-you page (text/html), when a form was posted'),
      ]),
      status: 201,
      handler: async ({ body, request, reply, actor }) => {
        const now = deps.clock();
        const wait = requestThrottle.attempt(request.ip, now.getTime());
        if (wait > 0) {
          throw new HavenError(
            'HAVEN_RATE_LIMITED',
            `Too many requests from this device; try again in ${wait} s.`,
            { extra: { retryAfterSeconds: wait } },
          );
        }
        const host = hostOf(body.host);
        if (!host) {
          throw new HavenError('HAVEN_VALIDATION', `"${body.host}" is not a site.`, {
            errors: [{ path: 'body.host', message: 'give the host name of the blocked site' }],
          });
        }
        const anonymous = body.kind === 'worry' && body.anonymous !== false;
        const person = anonymous ? null : await personAsking(actor, request.ip, now);
        const school = await schoolFor(body.school, person);
        const row = await db()
          .transaction()
          .execute(async (trx) => {
            const created = await insertBlockPageRequest(trx, {
              schoolId: school.id,
              kind: body.kind,
              host,
              category: body.category ?? null,
              ruleId: body.ruleId ?? null,
              userId: person?.id ?? null,
              clientIp: anonymous ? null : deviceAddress(request.ip),
              message: body.message ?? null,
              now,
            });
            // A worry becomes an incident for the DSL to triage (INC-1), in the same transaction.
            if (body.kind === 'worry') {
              await reportWorry(
                trx,
                created,
                person
                  ? { id: person.id, displayName: person.display_name, roles: person.roles }
                  : null,
                now,
              );
            }
            // The audit entry says that a request was made, never by whom for a worry.
            await audit(
              trx,
              systemActor('block-page'),
              {
                action: `block-page.${body.kind}`,
                subjectType: 'block-page-request',
                subjectId: created.id,
                schoolId: school.id,
                detail: { host, category: created.category, anonymous },
              },
              now,
            );
            // A review becomes a draft filter change request for a member of staff (FIL-7).
            if (created.kind === 'review') await draftFromBlockPage(trx, created, now);
            return created;
          });
        if (isFormPost(request.headers['content-type'])) {
          reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
          return thankYouPage(body.kind, host);
        }
        return {
          id: row.id,
          kind: row.kind,
          status: row.status,
          createdAt: new Date(row.created_at).toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/block-page/requests',
      ability: 'block-requests.read',
      tag: 'block page',
      summary: 'Review requests and worries sent from the block page, newest first',
      query: z.object({
        schoolId: z.uuid().optional(),
        kind: z.enum(['worry', 'review']).optional(),
        status: z.string().max(40).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: z.object({ requests: z.array(blockPageRequestDto) }),
      handler: async ({ actor, query }) => {
        const a = requireActor(actor);
        const schoolId = schoolAsked(a, query.schoolId);
        if (!can(a, 'block-requests.read', { schoolId })) {
          throw new HavenError('HAVEN_FORBIDDEN', 'You can only see your own school.');
        }
        const rows = await listBlockPageRequests(db(), {
          schoolId,
          kind: query.kind,
          status: query.status,
          limit: query.limit,
        });
        return { requests: rows.map(presentRequest) };
      },
    }),
  ];
}
