import { z } from 'zod';
import { abilityRules } from '../access/abilities.ts';
import { errorCatalogue } from '../errors/haven-error.ts';
import type { AnyRoute } from './route.ts';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodType | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

const problemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(errorCatalogue) },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
        required: ['path', 'message'],
      },
    },
  },
};

/** The OpenAPI 3.0 document, generated from the route declarations (never written by hand). */
export function openApiDocument(routes: readonly AnyRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of [...routes].sort(
    (a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method),
  )) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const status = String(route.status ?? 200);
    const rule = abilityRules[route.ability];
    const operation: JsonSchema = {
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[/.-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
      summary: route.summary,
      tags: [route.tag],
      description: `Needs the \`${route.ability}\` ability: ${rule.description}.`,
      parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
      responses: {
        [status]:
          status === '204'
            ? { description: 'Done' }
            : route.produces
              ? {
                  description: 'The document',
                  content: {
                    [route.produces]: {
                      schema:
                        route.produces === 'application/pdf'
                          ? { type: 'string', format: 'binary' }
                          : { type: 'string' },
                    },
                  },
                }
              : {
                  description: 'Success',
                  content: { 'application/json': { schema: schemaOf(route.response, 'output') } },
                },
        default: {
          description: 'A problem (RFC 9457) with a stable `code` from the error catalogue',
          content: {
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          },
        },
      },
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content:
          route.bodyType === 'text/csv'
            ? { 'text/csv': { schema: { type: 'string' } } }
            : route.yamlBody && route.body instanceof z.ZodUnion
              ? {
                  'application/json': {
                    schema: schemaOf(route.body.options[0] as z.ZodType, 'input'),
                  },
                  'text/yaml': { schema: { type: 'string' } },
                }
              : { 'application/json': { schema: schemaOf(route.body, 'input') } },
      };
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Haven API',
      version: '1',
      description:
        'Haven, the online safety platform for schools. Sign in with POST /api/session; send the returned csrfToken as the x-csrf-token header on every state-changing request.',
    },
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'haven_session' } },
    },
    security: [{ session: [] }],
  };
}
