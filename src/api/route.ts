import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Ability } from '../access/abilities.ts';
import type { Actor } from '../access/actor.ts';
import type { CurrentSession } from '../access/sessions.ts';
import { HavenError, type ProblemField } from '../errors/haven-error.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<B, Q, P> {
  request: FastifyRequest;
  reply: FastifyReply;
  /** The signed-in user, or null on public routes. */
  actor: Actor | null;
  session: CurrentSession | null;
  body: B;
  query: Q;
  params: P;
}

/**
 * A route as Haven declares it: the ability it needs, its schemas (zod: they validate the
 * request and produce the OpenAPI document) and a thin handler.
 */
export interface RouteDefinition<
  B extends z.ZodType,
  Q extends z.ZodType,
  P extends z.ZodType,
  R extends z.ZodType,
> {
  method: HttpMethod;
  url: string;
  ability: Ability;
  summary: string;
  tag: string;
  body?: B;
  /** Body content type when not JSON (e.g. `text/csv`): the body arrives as a string. */
  bodyType?: 'text/csv';
  /**
   * The body may also be sent as YAML (`text/yaml`): it arrives as a string, so the body schema
   * is a union of the JSON body (first) and `z.string()`.
   */
  yamlBody?: true;
  query?: Q;
  params?: P;
  response: R;
  /** Success status; 200 unless given. */
  status?: 200 | 201 | 204;
  /** A document instead of JSON: the handler sends it with `reply` and returns undefined. */
  produces?: 'text/html' | 'application/pdf' | 'text/csv' | 'text/yaml';
  handler: (ctx: RouteContext<z.output<B>, z.output<Q>, z.output<P>>) => Promise<z.input<R>>;
}

export interface AnyRoute {
  method: HttpMethod;
  url: string;
  ability: Ability;
  summary: string;
  tag: string;
  body?: z.ZodType;
  bodyType?: 'text/csv';
  yamlBody?: true;
  query?: z.ZodType;
  params?: z.ZodType;
  response: z.ZodType;
  status?: 200 | 201 | 204;
  produces?: 'text/html' | 'application/pdf' | 'text/csv' | 'text/yaml';
  handler: (ctx: RouteContext<unknown, unknown, unknown>) => Promise<unknown>;
}

export function defineRoute<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(definition: RouteDefinition<B, Q, P, R>): AnyRoute {
  return definition as unknown as AnyRoute;
}

function problemsOf(where: 'body' | 'query' | 'params', error: z.ZodError): ProblemField[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

function parsePart(
  where: 'body' | 'query' | 'params',
  schema: z.ZodType | undefined,
  value: unknown,
): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = problemsOf(where, result.error);
    throw new HavenError(
      'HAVEN_VALIDATION',
      `The request ${where} is not valid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}.`,
      { errors },
    );
  }
  return result.data;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    ability?: Ability;
    /** Static UI files and the single-page fallback: served to anyone. */
    publicAsset?: boolean;
  }
}

/** Register routes on the app; each keeps its declaration for the OpenAPI document. */
export function registerRoutes(
  app: FastifyInstance,
  routes: readonly AnyRoute[],
  checkResponses: boolean,
): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      config: { ability: route.ability },
      handler: async (request, reply) => {
        const ctx: RouteContext<unknown, unknown, unknown> = {
          request,
          reply,
          actor: request.actor,
          session: request.session,
          body: parsePart('body', route.body, request.body),
          query: parsePart('query', route.query, request.query),
          params: parsePart('params', route.params, request.params),
        };
        const result = await route.handler(ctx);
        if (route.produces) return reply;
        if (checkResponses) {
          const checked = route.response.safeParse(result);
          if (!checked.success) {
            throw new Error(
              `Response of ${route.method} ${route.url} does not match its schema: ${checked.error.message}`,
            );
          }
        }
        if (route.status !== undefined && reply.statusCode === 200) reply.code(route.status);
        if (route.status === 204) return reply.send();
        return result;
      },
    });
  }
}
