import { z } from 'zod';
import { ping } from '../../store/database.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const componentSchema = z.object({ ready: z.boolean(), detail: z.string().optional() });

export function healthRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/health',
      ability: 'health.read',
      tag: 'health',
      summary: 'Whether every component is ready (200) or which are not (503)',
      response: z.object({
        status: z.enum(['ok', 'degraded']),
        database: z.enum(['pglite', 'postgres']),
        components: z.record(z.string(), componentSchema),
      }),
      handler: async ({ reply }) => {
        const database = await ping(deps.store.db);
        const components = {
          database: database
            ? { ready: true, detail: deps.store.kind }
            : { ready: false, detail: 'the database does not answer' },
          ...(await deps.components()),
        };
        const ready = Object.values(components).every((c) => c.ready);
        if (!ready) reply.code(503);
        reply.header('cache-control', 'no-store');
        return {
          status: ready ? ('ok' as const) : ('degraded' as const),
          database: deps.store.kind,
          components,
        };
      },
    }),
  ];
}
