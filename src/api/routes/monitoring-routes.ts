import { z } from 'zod';
import { can } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { liftIsolation, readIsolations } from '../../activity/alerts/isolation.ts';
import {
  revealWebhookSecret,
  rotateWebhookSecret,
  webhookSecretStatus,
} from '../../activity/alerts/webhook-signing.ts';
import { HavenError } from '../../errors/haven-error.ts';
import type { AlertIsolation } from '../../store/schema.ts';
import { requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

/**
 * Monitoring, second part: the isolations suspected-CSAM alerts place and their lifting by the
 * DSL (MON-4), the alert webhook's signing secret (shown once, rotatable), and the technical
 * notices the technician sees (the activity spool nearing its cap).
 */

const idParams = z.object({ id: z.string().uuid() });

const isolationDto = z.object({
  id: z.string(),
  clientIp: z.string(),
  userId: z.string().nullable(),
  deviceClass: z.string().nullable(),
  createdAt: z.string(),
  liftedAt: z.string().nullable(),
  liftReason: z.string().nullable(),
  /** True while capture is halted for this person and device. */
  inForce: z.boolean(),
});

const secretStatusDto = z.object({
  configured: z.boolean().describe('Whether alerts.webhookUrl is set in the configuration'),
  exists: z.boolean(),
  createdAt: z.string().nullable(),
  shown: z.boolean(),
});

const secretDto = z.object({
  secret: z.string().describe('Shown in this answer only: keep it in the receiving system'),
  createdAt: z.string(),
  header: z.string(),
});

const noticeDto = z.object({
  id: z.string(),
  level: z.enum(['warning', 'error']),
  title: z.string(),
  detail: z.string(),
  since: z.string(),
});

function presentIsolation(row: AlertIsolation): z.input<typeof isolationDto> {
  return {
    id: row.id,
    clientIp: row.client_ip,
    userId: row.user_id,
    deviceClass: row.device_class,
    createdAt: new Date(row.created_at).toISOString(),
    liftedAt: row.lifted_at === null ? null : new Date(row.lifted_at).toISOString(),
    liftReason: row.lift_reason,
    inForce: row.lifted_at === null,
  };
}

/** The actor's school, for abilities used within one school. */
function schoolOf(actor: Actor | null, ability: 'alerts.webhook.manage'): string {
  const a = requireActor(actor);
  if (a.schoolId === null)
    throw new HavenError('HAVEN_FORBIDDEN', 'The webhook secret is managed within one school.');
  if (!can(a, ability, { schoolId: a.schoolId }))
    throw new HavenError('HAVEN_FORBIDDEN', `You do not have the "${ability}" ability.`);
  return a.schoolId;
}

export function monitoringRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/alerts/:id/isolations',
      ability: 'alerts.read',
      tag: 'alerts',
      summary:
        'The isolations a suspected-CSAM alert placed (in force: capture is halted for that person and device); the read is audited',
      params: idParams,
      response: z.object({ isolations: z.array(isolationDto) }),
      handler: async ({ actor, params }) => {
        const rows = await readIsolations(db(), requireActor(actor), params.id, deps.clock());
        return { isolations: rows.map(presentIsolation) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/alerts/:id/isolations/lift',
      ability: 'alerts.isolation.lift',
      tag: 'alerts',
      summary:
        'Lift the isolation an alert placed, saying why: capture resumes for that person and device (audited)',
      params: idParams,
      body: z.object({
        reason: z
          .string()
          .trim()
          .min(3, 'say why the isolation is lifted')
          .max(2000, 'keep the reason under 2000 characters'),
      }),
      response: z.object({ isolations: z.array(isolationDto) }),
      handler: async ({ actor, params, body }) => {
        const rows = await liftIsolation(
          db(),
          requireActor(actor),
          params.id,
          body.reason,
          deps.clock(),
        );
        return { isolations: rows.map(presentIsolation) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/alerts/webhook-secret',
      ability: 'alerts.webhook.manage',
      tag: 'alerts',
      summary:
        "Whether the school's webhook signing secret exists and has been shown (never the secret)",
      response: secretStatusDto,
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor, 'alerts.webhook.manage');
        const status = await webhookSecretStatus(db(), schoolId);
        return {
          configured: deps.alertWebhookConfigured ?? false,
          exists: status.exists,
          createdAt: status.createdAt === null ? null : status.createdAt.toISOString(),
          shown: status.shown,
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/alerts/webhook-secret/reveal',
      ability: 'alerts.webhook.manage',
      tag: 'alerts',
      summary:
        "Show the school's webhook signing secret, once (made now if there is none); 409 when it was shown before: rotate it instead",
      response: secretDto,
      handler: async ({ actor, reply }) => {
        const schoolId = schoolOf(actor, 'alerts.webhook.manage');
        const shown = await revealWebhookSecret(db(), requireActor(actor), schoolId, deps.clock());
        reply.header('cache-control', 'no-store');
        return {
          secret: shown.secret,
          createdAt: shown.createdAt.toISOString(),
          header: 'X-Haven-Signature',
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/alerts/webhook-secret/rotate',
      ability: 'alerts.webhook.manage',
      tag: 'alerts',
      summary:
        "Replace the school's webhook signing secret; the new one is in this answer only (webhooks are signed with it from now on)",
      response: secretDto,
      handler: async ({ actor, reply }) => {
        const schoolId = schoolOf(actor, 'alerts.webhook.manage');
        const shown = await rotateWebhookSecret(db(), requireActor(actor), schoolId, deps.clock());
        reply.header('cache-control', 'no-store');
        return {
          secret: shown.secret,
          createdAt: shown.createdAt.toISOString(),
          header: 'X-Haven-Signature',
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/notices/technical',
      ability: 'notices.technical.read',
      tag: 'health',
      summary:
        'Technical notices for the technician (e.g. the activity spool nearing its cap): not safeguarding alerts',
      response: z.object({ notices: z.array(noticeDto) }),
      handler: async ({ reply }) => {
        reply.header('cache-control', 'no-store');
        const notices = deps.technicalNotices?.() ?? [];
        return {
          notices: notices.map((n) => ({
            id: n.id,
            level: n.level,
            title: n.title,
            detail: n.detail,
            since: n.since.toISOString(),
          })),
        };
      },
    }),
  ];
}
