import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { can, isAbility, isPublicAbility } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { csrfMatches, resumeSession, type CurrentSession } from '../../access/sessions.ts';
import { HavenError } from '../../errors/haven-error.ts';
import type { ApiDeps } from '../deps.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    session: CurrentSession | null;
  }
}

export const sessionCookie = 'haven_session';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * The one gate every request passes: resolve the session, then refuse unless the route's
 * declared ability allows it. Routes without an ability cannot even be registered.
 */
async function abilitiesPlugin(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);

  app.addHook('onRoute', (route) => {
    const config = route.config as { ability?: unknown; publicAsset?: boolean } | undefined;
    if (config?.publicAsset === true && !route.url.startsWith('/api')) return;
    if (route.method === 'HEAD' || route.method === 'OPTIONS') return;
    if (typeof config?.ability !== 'string' || !isAbility(config.ability)) {
      throw new Error(
        `Route ${String(route.method)} ${route.url} declares no ability: add one from access/abilities.ts to its definition.`,
      );
    }
  });

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (config.publicAsset === true) return;
    const ability = config.ability;
    if (ability === undefined) return; // no such route: the not-found handler answers
    const token = request.cookies[sessionCookie];
    if (token) {
      const session = await resumeSession(deps.store.db, token, {
        now: deps.clock(),
        settings: deps.sessions,
      });
      request.session = session ?? null;
      request.actor = session?.actor ?? null;
    }
    if (isPublicAbility(ability)) {
      // A request that proves itself with a bearer token and carries no session cookie cannot be
      // a forged cross-site form post (a browser extension's ingest, for example).
      const bearer = !token && /^Bearer\s/i.test(request.headers.authorization ?? '');
      if (unsafeMethods.has(request.method) && !bearer && !sameOrigin(request)) {
        throw new HavenError('HAVEN_CSRF', 'Cross-site requests are refused.');
      }
      return;
    }
    if (!request.actor || !request.session) throw new HavenError('HAVEN_UNAUTHENTICATED');
    if (unsafeMethods.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      if (
        !csrfMatches(request.session.csrfToken, typeof header === 'string' ? header : undefined)
      ) {
        throw new HavenError('HAVEN_CSRF');
      }
    }
    if (!can(request.actor, ability)) {
      throw new HavenError('HAVEN_FORBIDDEN', `You do not have the "${ability}" ability.`);
    }
  });
}

export const abilities = fp(abilitiesPlugin, {
  name: 'haven-abilities',
  dependencies: ['@fastify/cookie'],
});
