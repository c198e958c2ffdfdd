import { z } from 'zod';
import { HavenError } from '../../errors/haven-error.ts';
import { listAudit, verifyAuditChain } from '../../store/audit-repository.ts';
import type { ApiDeps } from '../deps.ts';
import { auditEntryDto, presentAudit } from '../dto.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

export function auditRoutes(deps: ApiDeps): AnyRoute[] {
  const db = deps.store.db;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/audit',
      ability: 'audit.read',
      tag: 'audit',
      summary: 'Audit log entries of your school, newest first',
      query: z.object({
        subjectType: z.string().max(40).optional(),
        subjectId: z.string().max(100).optional(),
        action: z.string().max(60).optional(),
        before: z.coerce.number().int().positive().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: z.object({ entries: z.array(auditEntryDto), nextBefore: z.number().nullable() }),
      handler: async ({ actor, query }) => {
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        const trustWide = actor.roles.includes('trust-admin');
        const rows = await listAudit(db, {
          schoolId: trustWide ? undefined : actor.schoolId,
          subjectType: query.subjectType,
          subjectId: query.subjectId,
          action: query.action,
          beforeSeq: query.before,
          limit: query.limit,
        });
        const last = rows[rows.length - 1];
        return {
          entries: rows.map(presentAudit),
          nextBefore: rows.length === query.limit && last ? Number(last.seq) : null,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/audit/verify',
      ability: 'audit.verify',
      tag: 'audit',
      summary: "Walk the whole audit log's hash chain and report the first broken entry",
      response: z.object({
        ok: z.boolean(),
        entries: z.number(),
        brokenSeq: z.number().optional(),
        reason: z.string().optional(),
      }),
      handler: async () => verifyAuditChain(db),
    }),
  ];
}
