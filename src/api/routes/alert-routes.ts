import { z } from 'zod';
import { readAlert, readAlerts, triageAlert } from '../../activity/alerts/alert-triage.ts';
import { escalateAlertToIncident } from '../../casework/report-intake.ts';
import { HavenError } from '../../errors/haven-error.ts';
import { countOpenCritical, displayNamesOf, listAlerts } from '../../store/alert-repository.ts';
import type { Alert } from '../../store/schema.ts';
import { requireActor } from '../signed-in.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

const severity = z.enum(['critical', 'high', 'medium', 'low']);
const status = z.enum(['new', 'acknowledged', 'dismissed', 'escalated-to-incident']);

const alertDto = z.object({
  id: z.string(),
  kind: z.enum(['phrases', 'flagged', 'illegal', 'circumvention']),
  category: z.string(),
  severity,
  status,
  score: z.number(),
  summary: z.string(),
  pupil: z
    .object({
      id: z.string().nullable(),
      username: z.string().nullable(),
      name: z.string().nullable(),
    })
    .describe('Who: the signed-in person, when the filter knew them'),
  group: z.string().nullable(),
  clientIp: z.string(),
  deviceClass: z.string().nullable(),
  host: z
    .string()
    .nullable()
    .describe('For suspected illegal content, the only part of the address kept'),
  matchedPhrases: z.array(z.string()),
  repeats: z.number(),
  guidance: z.string().nullable(),
  isolateDevice: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  dismissedAt: z.string().nullable(),
  dismissedReason: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  escalationLevel: z.number(),
  lastEscalatedAt: z.string().nullable(),
  notifiedAt: z.string().nullable(),
});

type AlertDto = z.input<typeof alertDto>;

const iso = (value: Date | null): string | null => (value ? new Date(value).toISOString() : null);

function presentAlert(alert: Alert, names: ReadonlyMap<string, string>): AlertDto {
  return {
    id: alert.id,
    kind: alert.kind,
    category: alert.category,
    severity: alert.severity,
    status: alert.status,
    score: alert.score,
    summary: alert.summary,
    pupil: {
      id: alert.user_id,
      username: alert.username,
      name: alert.user_id ? (names.get(alert.user_id) ?? null) : null,
    },
    group: alert.group_slug,
    clientIp: alert.client_ip,
    deviceClass: alert.device_class,
    host: alert.host,
    matchedPhrases: alert.matched_phrases,
    repeats: alert.repeats,
    guidance: alert.guidance,
    isolateDevice: alert.isolate_device,
    createdAt: new Date(alert.created_at).toISOString(),
    lastSeenAt: new Date(alert.last_seen_at).toISOString(),
    acknowledgedAt: iso(alert.acknowledged_at),
    dismissedAt: iso(alert.dismissed_at),
    dismissedReason: alert.dismissed_reason,
    escalatedAt: iso(alert.escalated_at),
    escalationLevel: alert.escalation_level,
    lastEscalatedAt: iso(alert.last_escalated_at),
    notifiedAt: iso(alert.notified_at),
  };
}

const idParams = z.object({ id: z.uuid() });

export function alertRoutes(deps: ApiDeps): AnyRoute[] {
  const db = () => deps.store.db;
  const present = async (alerts: readonly Alert[]): Promise<AlertDto[]> => {
    const ids = [...new Set(alerts.flatMap((a) => (a.user_id ? [a.user_id] : [])))];
    const names = await displayNamesOf(db(), ids);
    return alerts.map((a) => presentAlert(a, names));
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/alerts',
      ability: 'alerts.read',
      tag: 'alerts',
      summary: 'Safeguarding alerts of your school, newest first (the read is audited)',
      query: z.object({
        status: status.optional(),
        severity: severity.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      response: z.object({ alerts: z.array(alertDto) }),
      handler: async ({ actor, query }) => {
        const alerts = await readAlerts(db(), requireActor(actor), query, deps.clock());
        return { alerts: await present(alerts) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/alerts/summary',
      ability: 'alerts.read',
      tag: 'alerts',
      summary:
        'How many critical alerts wait for acknowledgement, and the newest alert id (no alert contents: polled by the page)',
      response: z.object({
        openCritical: z.number(),
        latestId: z.string().nullable(),
        latestSeenAt: z.string().nullable(),
      }),
      handler: async ({ actor }) => {
        const a = requireActor(actor);
        const schoolId = a.roles.includes('trust-admin') ? null : a.schoolId;
        if (schoolId === null && !a.roles.includes('trust-admin')) {
          return { openCritical: 0, latestId: null, latestSeenAt: null };
        }
        const [openCritical, latest] = await Promise.all([
          countOpenCritical(db(), schoolId),
          listAlerts(db(), { schoolId, limit: 1 }),
        ]);
        const newest = latest[0];
        return {
          openCritical,
          latestId: newest?.id ?? null,
          latestSeenAt: newest
            ? `${new Date(newest.last_seen_at).toISOString()}|${newest.status}`
            : null,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/alerts/:id',
      ability: 'alerts.read',
      tag: 'alerts',
      summary: 'One alert (the read is audited)',
      params: idParams,
      response: alertDto,
      handler: async ({ actor, params }) => {
        const alert = await readAlert(db(), requireActor(actor), params.id, deps.clock());
        const [dto] = await present([alert]);
        if (!dto) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
        return dto;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/alerts/:id/acknowledge',
      ability: 'alerts.triage',
      tag: 'alerts',
      summary: 'Acknowledge an alert: you have seen it and are dealing with it (stops escalation)',
      params: idParams,
      response: alertDto,
      handler: async ({ actor, params }) => {
        const alert = await triageAlert(
          db(),
          requireActor(actor),
          params.id,
          { kind: 'acknowledge' },
          deps.clock(),
        );
        const [dto] = await present([alert]);
        if (!dto) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
        return dto;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/alerts/:id/dismiss',
      ability: 'alerts.triage',
      tag: 'alerts',
      summary: 'Dismiss an alert, saying why (the reason is kept with the alert and audited)',
      params: idParams,
      body: z.object({
        reason: z
          .string()
          .trim()
          .min(3, 'say why the alert is dismissed')
          .max(2000, 'keep the reason under 2000 characters'),
      }),
      response: alertDto,
      handler: async ({ actor, params, body }) => {
        const alert = await triageAlert(
          db(),
          requireActor(actor),
          params.id,
          { kind: 'dismiss', reason: body.reason },
          deps.clock(),
        );
        const [dto] = await present([alert]);
        if (!dto) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
        return dto;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/alerts/:id/escalate',
      ability: 'alerts.triage',
      tag: 'alerts',
      summary:
        'Escalate an alert to an incident: the alert is closed as escalated and an incident is created, linked to the alert and its pupil (`incidentId`)',
      params: idParams,
      body: z.object({ note: z.string().trim().max(2000).optional() }).optional(),
      response: alertDto.extend({ incidentId: z.string() }),
      handler: async ({ actor, params, body }) => {
        const { alert, incident } = await escalateAlertToIncident(
          db(),
          requireActor(actor),
          params.id,
          body?.note,
          deps.clock(),
        );
        const [dto] = await present([alert]);
        if (!dto) throw new HavenError('HAVEN_NOT_FOUND', 'There is no such alert.');
        return { ...dto, incidentId: incident.id };
      },
    }),
  ];
}
