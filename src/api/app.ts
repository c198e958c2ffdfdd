import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { HavenError, toProblem, type ErrorCode } from '../errors/haven-error.ts';
import type { ApiDeps } from './deps.ts';
import { openApiDocument } from './openapi.ts';
import { abilities } from './plugins/abilities.ts';
import type { AnyRoute } from './route.ts';
import { acceptIngestBodies, activityRoutes } from './routes/activity-routes.ts';
import { registerRoutes } from './route.ts';
import { alertRoutes } from './routes/alert-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { filteringRoutes } from './routes/filtering-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { acceptFormPosts, networkRoutes } from './routes/network-routes.ts';
import { peopleRoutes } from './routes/people-routes.ts';
import { phraseListRoutes } from './routes/phrase-list-routes.ts';
import { policyRoutes } from './routes/policy-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
// Governance registers
import { registerRoutes as governanceRegisterRoutes } from './routes/register-routes.ts';
// Temporary exemptions and filter change control
import { changeRequestRoutes } from './routes/change-request-routes.ts';
import { exemptionRoutes } from './routes/exemption-routes.ts';
// Acceptable use agreements, training records and surveys
import { auaRoutes } from './routes/aua-routes.ts';
import { surveyRoutes } from './routes/survey-routes.ts';
import { trainingRoutes } from './routes/training-routes.ts';
// Governance reports (issue 8)
import { governanceReportRoutes } from './routes/governance-report-routes.ts';
// Casework: incidents
import { incidentRoutes } from './routes/incident-routes.ts';
// Monitoring: isolations, the webhook secret, technical notices
import { monitoringRoutes } from './routes/monitoring-routes.ts';

/** Every API route, one list per area; the OpenAPI document is generated from it. */
export function apiRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    ...healthRoutes(deps),
    ...sessionRoutes(deps),
    ...peopleRoutes(deps),
    ...policyRoutes(deps),
    ...filteringRoutes(deps),
    ...networkRoutes(deps),
    ...auditRoutes(deps),
    ...alertRoutes(deps),
    ...phraseListRoutes(deps),
    ...activityRoutes(deps),
    // Governance registers
    ...governanceRegisterRoutes(deps),
    // Temporary exemptions and filter change control
    ...exemptionRoutes(deps),
    ...changeRequestRoutes(deps),
    // Acceptable use agreements, training records and surveys
    ...auaRoutes(deps),
    ...trainingRoutes(deps),
    ...surveyRoutes(deps),
    // Governance reports (issue 8)
    ...governanceReportRoutes(deps),
    // Casework: incidents
    ...incidentRoutes(deps),
    // Monitoring: isolations, the webhook secret, technical notices
    ...monitoringRoutes(deps),
  ];
}

function codeForFastifyError(error: FastifyError): ErrorCode {
  switch (error.statusCode) {
    case 413:
      return 'HAVEN_PAYLOAD_TOO_LARGE';
    case 415:
      return 'HAVEN_UNSUPPORTED_MEDIA_TYPE';
    case 404:
      return 'HAVEN_NOT_FOUND';
    default:
      return 'HAVEN_BAD_REQUEST';
  }
}

/** Build the HTTP app without listening: tests drive it with `app.inject()`. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 10 * 1024 * 1024,
    trustProxy: false,
  });
  const routes = apiRoutes(deps);

  app.setErrorHandler((error: FastifyError | HavenError, request, reply) => {
    let haven: HavenError;
    if (error instanceof HavenError) haven = error;
    else if (
      typeof error.statusCode === 'number' &&
      error.statusCode >= 400 &&
      error.statusCode < 500
    ) {
      haven = new HavenError(codeForFastifyError(error), error.message);
    } else {
      request.log.error({ err: error }, 'unexpected error');
      haven = new HavenError(
        'HAVEN_INTERNAL',
        `Something went wrong; quote request id ${request.id} when reporting it.`,
      );
    }
    const problem = toProblem(haven, request.url);
    if (typeof problem.retryAfterSeconds === 'number')
      reply.header('retry-after', String(problem.retryAfterSeconds));
    return reply.code(haven.status).type('application/problem+json').send(problem);
  });

  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body);
  });
  app.addContentTypeParser(
    ['text/yaml', 'application/yaml'],
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, body);
    },
  );
  acceptFormPosts(app);
  acceptIngestBodies(app);

  await app.register(cookie);
  await app.register(abilities, deps);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });

  registerRoutes(app, routes, deps.checkResponses ?? false);
  const document = openApiDocument(routes);
  app.get('/api/openapi.json', { config: { ability: 'health.read' } }, async () => document);

  const webRoot = deps.webRoot;
  const hasWeb = webRoot !== null && existsSync(join(webRoot, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webRoot, serve: false });
    // The UI is a single page: a path that is not a built file gets index.html.
    app.get('/*', { config: { publicAsset: true } }, (request, reply) => {
      const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
      if (path.startsWith('/api/') || path === '/api') {
        const problem = toProblem(
          new HavenError('HAVEN_NOT_FOUND', `No route GET ${path}.`),
          request.url,
        );
        return reply.code(404).type('application/problem+json').send(problem);
      }
      const file = resolve(webRoot, `.${path}`);
      const inside = file.startsWith(`${resolve(webRoot)}${sep}`);
      if (inside && existsSync(file) && statSync(file).isFile()) {
        if (path.startsWith('/assets/'))
          reply.header('cache-control', 'public, max-age=31536000, immutable');
        return reply.sendFile(relative(webRoot, file));
      }
      reply.header('cache-control', 'no-cache');
      return reply.type('text/html').sendFile('index.html');
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const problem = toProblem(
      new HavenError(
        'HAVEN_NOT_FOUND',
        `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`,
      ),
      request.url,
    );
    return reply.code(404).type('application/problem+json').send(problem);
  });
  return app;
}
