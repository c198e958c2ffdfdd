import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can, type Ability } from '../../access/abilities.ts';
import type { Actor } from '../../access/actor.ts';
import { audit } from '../../access/audit.ts';
import type { ActivityBatchWriter } from '../../activity/event-writer.ts';
import { ingestText, schoolUsernames, type IngestFormat } from '../../activity/ingest.ts';
import {
  liftLegalHold,
  placeLegalHold,
  retentionOf,
  setRetention,
} from '../../activity/retention.ts';
import { SpoolFullError } from '../../activity/spool.ts';
import { HavenError } from '../../errors/haven-error.ts';
import {
  findLegalHold,
  listLegalHolds,
  searchActivityEvents,
  streamActivityEvents,
  sumActivityDaily,
  topBlockedHosts,
  type ActivityListItem,
  type ActivitySearch,
} from '../../store/activity-repository.ts';
import {
  findIngestToken,
  insertIngestToken,
  listIngestTokens,
  findActiveIngestToken,
  markIngestTokenRevoked,
  touchIngestToken,
} from '../../store/ingest-token-repository.ts';
import { findSchoolById } from '../../store/school-repository.ts';
import type { IngestToken, LegalHold } from '../../store/schema.ts';
import { findUserById, findUserByUsername } from '../../store/user-repository.ts';
import type { ApiDeps } from '../deps.ts';
import { defineRoute, type AnyRoute } from '../route.ts';

/**
 * Activity (MON-1, MON-5, MON-6): search, CSV export and dashboard for the school's staff who
 * may read it; ingest tokens and the ingest endpoint other systems send events to; retention
 * periods and legal holds. Every search that names a person is audited (`activity.read`), and
 * so is every export (`activity.exported`).
 */

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_DAYS = 7;

const actions = ['allow', 'block', 'allow-with-alert'] as const;
const sourceKinds = ['extension', 'ingest', 'squid-log'] as const;

/** Content types the ingest endpoint takes, and the format each is read as. */
const ingestTypes: Readonly<Record<string, IngestFormat>> = {
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'text/plain': 'jsonl',
  'text/x-squid-log': 'squid',
};
const ingestUrl = '/api/activity/ingest';

const text = (max: number) => z.string().trim().min(1).max(max);

const searchQuery = z
  .object({
    user: text(100).optional(),
    group: text(100).optional(),
    deviceClass: text(60).optional(),
    clientIp: text(60).optional(),
    host: text(253)
      .transform((h) => h.toLowerCase().replace(/^\*?\./, ''))
      .optional(),
    category: text(100).optional(),
    action: z.enum(actions).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: '"from" must be before "to"',
    path: ['from'],
  });
type SearchQuery = z.output<typeof searchQuery>;

const pageQuery = searchQuery.and(
  z.object({
    /** The `nextCursor` of the previous page. */
    cursor: z
      .string()
      .regex(/^\d+~[0-9a-f-]{36}$/i)
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
);

const eventDto = z.object({
  id: z.string(),
  at: z.string(),
  source: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  group: z.string().nullable(),
  deviceClass: z.string().nullable(),
  clientIp: z.string(),
  method: z.string(),
  host: z.string(),
  url: z.string().nullable(),
  action: z.string(),
  category: z.string().nullable(),
  ruleId: z.string(),
  status: z.number().nullable(),
  /** Null for readers who see technical logs only (technicians). */
  searchTerms: z.string().nullable(),
  /** The page's title (MON-2); null for technicians, as search terms. */
  title: z.string().nullable(),
  /** Page content scoring (HTTPS inspection): score, categories, matched phrases; null/empty for technicians. */
  riskScore: z.number().nullable(),
  riskCategories: z.array(z.string()),
  riskPhrases: z.array(z.string()),
});

const tokenDto = z.object({
  id: z.string(),
  name: z.string(),
  sourceKind: z.enum(sourceKinds),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const holdDto = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  reason: z.string(),
  placedAt: z.string(),
  liftedAt: z.string().nullable(),
  liftReason: z.string().nullable(),
});

const retentionDto = z.object({
  activityDays: z.number(),
  searchTermsDays: z.number(),
  /** Days resolved (dismissed or acknowledged) alerts are kept (MON-5). */
  alertsDays: z.number(),
  custom: z.boolean(),
});

const ingestReportDto = z.object({
  lines: z.number(),
  events: z.number(),
  inserted: z.number(),
  duplicates: z.number(),
  spooled: z.number(),
  problems: z.array(z.object({ line: z.number(), message: z.string() })),
  problemCount: z.number(),
});

const idParams = z.object({ id: z.string().uuid() });

function schoolOf(actor: Actor | null, ability: Ability): string {
  if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
  if (actor.schoolId === null)
    throw new HavenError('HAVEN_FORBIDDEN', 'Activity is read and managed within one school.');
  if (!can(actor, ability, { schoolId: actor.schoolId }))
    throw new HavenError('HAVEN_FORBIDDEN', `You do not have the "${ability}" ability.`);
  return actor.schoolId;
}

function encodeCursor(item: ActivityListItem): string {
  return `${item.at.getTime()}~${item.id}`;
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [ms, id] = cursor.split('~');
  return { at: new Date(Number(ms)), id: id ?? '' };
}

function presentEvent(item: ActivityListItem, searchTerms: boolean): z.input<typeof eventDto> {
  return {
    ...item,
    at: item.at.toISOString(),
    searchTerms: searchTerms ? item.searchTerms : null,
    title: searchTerms ? item.title : null,
    riskScore: searchTerms ? item.riskScore : null,
    riskCategories: searchTerms ? [...item.riskCategories] : [],
    riskPhrases: searchTerms ? [...item.riskPhrases] : [],
  };
}

function presentToken(token: IngestToken): z.input<typeof tokenDto> {
  return {
    id: token.id,
    name: token.name,
    sourceKind: token.source_kind,
    createdBy: token.created_by,
    createdAt: token.created_at.toISOString(),
    lastUsedAt: token.last_used_at?.toISOString() ?? null,
    revokedAt: token.revoked_at?.toISOString() ?? null,
  };
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The local day (`YYYY-MM-DD`) of an instant in a time zone. */
function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

const csvColumns = [
  'time',
  'username',
  'name',
  'group',
  'device_class',
  'client_ip',
  'method',
  'host',
  'url',
  'decision',
  'category',
  'rule',
  'status',
  'source',
  'search_terms',
  'title',
  'risk_score',
  'risk_categories',
  'risk_phrases',
] as const;

/** A CSV field, quoted when needed, and never read as a formula by a spreadsheet. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvRow(item: ActivityListItem, searchTerms: boolean): string {
  return `${[
    item.at.toISOString(),
    item.username,
    item.displayName,
    item.group,
    item.deviceClass,
    item.clientIp,
    item.method,
    item.host,
    item.url,
    item.action,
    item.category,
    item.ruleId,
    item.status,
    item.source,
    searchTerms ? item.searchTerms : null,
    searchTerms ? item.title : null,
    searchTerms ? item.riskScore : null,
    searchTerms ? item.riskCategories.join('; ') || null : null,
    searchTerms ? item.riskPhrases.join('; ') || null : null,
  ]
    .map(csvField)
    .join(',')}\r\n`;
}

async function* csvLines(
  rows: AsyncGenerator<ActivityListItem>,
  searchTerms: boolean,
): AsyncGenerator<string> {
  yield `${csvColumns.join(',')}\r\n`;
  for await (const item of rows) yield csvRow(item, searchTerms);
}

/** The ingest endpoint's bodies arrive as text (JSON lines or a Squid log). */
export function acceptIngestBodies(app: FastifyInstance): void {
  for (const type of Object.keys(ingestTypes)) {
    if (type === 'text/plain') continue; // Fastify reads text/plain as a string already
    app.addContentTypeParser(type, { parseAs: 'string' }, (request, body, done) => {
      if (request.routeOptions.url !== ingestUrl) {
        done(
          new HavenError(
            'HAVEN_UNSUPPORTED_MEDIA_TYPE',
            `Only ${ingestUrl} takes ${type}; this route takes JSON.`,
          ),
          undefined,
        );
        return;
      }
      done(null, body);
    });
  }
}

function ingestFormatOf(request: FastifyRequest): IngestFormat {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const format = ingestTypes[type];
  if (format === undefined)
    throw new HavenError(
      'HAVEN_UNSUPPORTED_MEDIA_TYPE',
      `Send JSON lines (application/x-ndjson, application/jsonl or text/plain) or a Squid access log (text/x-squid-log), not "${type}".`,
    );
  return format;
}

/**
 * Events that name a person of the school by username only (JSON lines from an extension) are
 * tied to that person, as Squid log lines are: searches by person then find them by id.
 */
function tiedToPeople(
  writer: ActivityBatchWriter,
  users: ReadonlyMap<string, string>,
): ActivityBatchWriter {
  return {
    writeBatch: (events) =>
      writer.writeBatch(
        events.map((e) => {
          if (e.userId !== null || e.username === null) return e;
          const userId = users.get(e.username.toLowerCase());
          return userId === undefined ? e : { ...e, userId };
        }),
      ),
  };
}

export function activityRoutes(deps: ApiDeps): AnyRoute[] {
  const db = deps.store.db;

  /** The search a query asks for; audited when it names a person. */
  async function searchOf(
    actor: Actor,
    schoolId: string,
    query: SearchQuery,
    auditAction: 'activity.read' | 'activity.exported' | null,
    detail: Record<string, unknown> = {},
  ): Promise<ActivitySearch> {
    const to = query.to ?? deps.clock();
    const from = query.from ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
    let userId: string | undefined;
    let username: string | undefined;
    if (query.user !== undefined) {
      const person = await findUserByUsername(db, query.user);
      if (person && person.school_id === schoolId) userId = person.id;
      else username = query.user;
    }
    const search: ActivitySearch = {
      schoolId,
      from,
      to,
      userId,
      username,
      group: query.group,
      deviceClass: query.deviceClass,
      clientIp: query.clientIp,
      host: query.host,
      category: query.category,
      action: query.action,
    };
    const action = auditAction ?? (query.user !== undefined ? 'activity.read' : null);
    if (action !== null) {
      const filters = Object.fromEntries(
        Object.entries({ ...query, from: from.toISOString(), to: to.toISOString() }).filter(
          ([, v]) => v !== undefined,
        ),
      );
      await audit(
        db,
        actor,
        {
          action,
          subjectType: query.user !== undefined ? 'user' : 'activity',
          subjectId: userId ?? null,
          schoolId,
          detail: { filters, ...detail },
        },
        deps.clock(),
      );
    }
    return search;
  }

  async function holdsOf(schoolId: string): Promise<z.input<typeof holdDto>[]> {
    const holds = await listLegalHolds(db, schoolId);
    const people = new Map<string, { username: string; displayName: string }>();
    for (const id of new Set(holds.map((h) => h.user_id))) {
      const user = await findUserById(db, id);
      if (user) people.set(id, { username: user.username, displayName: user.display_name });
    }
    return holds.map((h: LegalHold) => ({
      id: h.id,
      userId: h.user_id,
      username: people.get(h.user_id)?.username ?? null,
      displayName: people.get(h.user_id)?.displayName ?? null,
      reason: h.reason,
      placedAt: h.placed_at.toISOString(),
      liftedAt: h.lifted_at?.toISOString() ?? null,
      liftReason: h.lift_reason,
    }));
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/activity',
      ability: 'activity.read',
      tag: 'activity',
      summary:
        "Search the school's activity, newest first (default: the last 7 days); a search naming a person is audited",
      query: pageQuery,
      response: z.object({
        events: z.array(eventDto),
        nextCursor: z.string().nullable(),
        from: z.string(),
        to: z.string(),
      }),
      handler: async ({ actor, query }) => {
        const schoolId = schoolOf(actor, 'activity.read');
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        const search = await searchOf(actor, schoolId, query, null);
        const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
        const rows = await searchActivityEvents(db, search, after, query.limit);
        const terms = can(actor, 'activity.search-terms.read', { schoolId });
        const last = rows[rows.length - 1];
        return {
          events: rows.map((r) => presentEvent(r, terms)),
          nextCursor: rows.length === query.limit && last ? encodeCursor(last) : null,
          from: search.from.toISOString(),
          to: search.to.toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/activity/export.csv',
      ability: 'activity.export',
      tag: 'activity',
      summary: 'Every event of a search as CSV, streamed (audited as activity.exported)',
      query: searchQuery,
      response: z.undefined(),
      produces: 'text/csv',
      handler: async ({ actor, query, reply }) => {
        const schoolId = schoolOf(actor, 'activity.export');
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        const search = await searchOf(actor, schoolId, query, 'activity.exported');
        const terms = can(actor, 'activity.search-terms.read', { schoolId });
        const stamp = deps.clock().toISOString().slice(0, 10);
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="activity-${stamp}.csv"`)
          .header('cache-control', 'no-store')
          .send(Readable.from(csvLines(streamActivityEvents(db, search), terms)));
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/activity/summary',
      ability: 'activity.read',
      tag: 'activity',
      summary:
        "Decisions, blocks by category and blocks by day over the last N days, from the daily rollup (the school's local days)",
      query: z.object({ days: z.coerce.number().int().min(1).max(400).default(7) }),
      response: z.object({
        fromDay: z.string(),
        toDay: z.string(),
        totals: z.object({ allow: z.number(), block: z.number(), allowWithAlert: z.number() }),
        blocksByCategory: z.array(
          z.object({ category: z.string().nullable(), events: z.number() }),
        ),
        /** Every decision, by category: the ten largest. */
        topCategories: z.array(z.object({ category: z.string().nullable(), events: z.number() })),
        blocksByDay: z.array(z.object({ day: z.string(), events: z.number() })),
      }),
      handler: async ({ actor, query }) => {
        const schoolId = schoolOf(actor, 'activity.read');
        const school = await findSchoolById(db, schoolId);
        const timeZone = school?.time_zone ?? 'Europe/London';
        const now = deps.clock();
        const toDay = localDay(now, timeZone);
        const fromDay = localDay(new Date(now.getTime() - (query.days - 1) * DAY_MS), timeZone);
        const range = { schoolId, fromDay, toDay };
        const byAction = await sumActivityDaily(db, { ...range, by: 'action' });
        const count = (action: string) => byAction.find((r) => r.key === action)?.events ?? 0;
        const byCategory = await sumActivityDaily(db, {
          ...range,
          by: 'category',
          action: 'block',
        });
        const byDay = await sumActivityDaily(db, { ...range, by: 'day', action: 'block' });
        const allCategories = await sumActivityDaily(db, { ...range, by: 'category' });
        return {
          fromDay,
          toDay,
          totals: {
            allow: count('allow'),
            block: count('block'),
            allowWithAlert: count('allow-with-alert'),
          },
          blocksByCategory: byCategory.map((r) => ({ category: r.key, events: r.events })),
          topCategories: allCategories
            .slice(0, 10)
            .map((r) => ({ category: r.key, events: r.events })),
          blocksByDay: byDay
            .map((r) => ({ day: r.key ?? '', events: r.events }))
            .sort((a, b) => a.day.localeCompare(b.day)),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/activity/blocked-hosts',
      ability: 'activity.read',
      tag: 'activity',
      summary: 'The hosts blocked most often over the last N days (reads those days’ events)',
      query: z.object({
        days: z.coerce.number().int().min(1).max(31).default(7),
        limit: z.coerce.number().int().min(1).max(50).default(10),
      }),
      response: z.object({
        hosts: z.array(z.object({ host: z.string(), events: z.number() })),
      }),
      handler: async ({ actor, query }) => {
        const schoolId = schoolOf(actor, 'activity.read');
        const to = deps.clock();
        const from = new Date(to.getTime() - query.days * DAY_MS);
        return { hosts: await topBlockedHosts(db, { schoolId, from, to, limit: query.limit }) };
      },
    }),

    // Ingest tokens and the ingest endpoint (MON-6)
    defineRoute({
      method: 'GET',
      url: '/api/activity/tokens',
      ability: 'activity.tokens.manage',
      tag: 'activity',
      summary: "The school's ingest tokens (never the tokens themselves)",
      response: z.object({ tokens: z.array(tokenDto) }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor, 'activity.tokens.manage');
        return { tokens: (await listIngestTokens(db, schoolId)).map(presentToken) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/activity/tokens',
      ability: 'activity.tokens.manage',
      tag: 'activity',
      summary:
        'Create an ingest token for another system; the token is in this answer and never again',
      body: z.object({ name: text(100), sourceKind: z.enum(sourceKinds) }),
      response: z.object({ token: z.string(), ingestToken: tokenDto }),
      status: 201,
      handler: async ({ actor, body }) => {
        const schoolId = schoolOf(actor, 'activity.tokens.manage');
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        const token = `hvn_${randomBytes(32).toString('base64url')}`;
        const now = deps.clock();
        const row = await db.transaction().execute(async (trx) => {
          const created = await insertIngestToken(
            trx,
            {
              schoolId,
              name: body.name,
              sourceKind: body.sourceKind,
              tokenHash: hashToken(token),
              createdBy: actor.userId,
            },
            now,
          );
          await audit(
            trx,
            actor,
            {
              action: 'ingest-token.created',
              subjectType: 'ingest-token',
              subjectId: created.id,
              schoolId,
              detail: { name: body.name, sourceKind: body.sourceKind },
            },
            now,
          );
          return created;
        });
        return { token, ingestToken: presentToken(row) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/activity/tokens/:id',
      ability: 'activity.tokens.manage',
      tag: 'activity',
      summary: 'Revoke an ingest token: the system using it can no longer send events',
      params: idParams,
      response: z.object({ ingestToken: tokenDto }),
      handler: async ({ actor, params }) => {
        const schoolId = schoolOf(actor, 'activity.tokens.manage');
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        const now = deps.clock();
        const row = await db.transaction().execute(async (trx) => {
          const existing = await findIngestToken(trx, params.id);
          if (!existing || existing.school_id !== schoolId)
            throw new HavenError('HAVEN_NOT_FOUND', 'No such ingest token in your school.');
          const revoked = await markIngestTokenRevoked(trx, params.id, now);
          if (!revoked) throw new HavenError('HAVEN_CONFLICT', 'This token was already revoked.');
          await audit(
            trx,
            actor,
            {
              action: 'ingest-token.revoked',
              subjectType: 'ingest-token',
              subjectId: revoked.id,
              schoolId,
              detail: { name: revoked.name },
            },
            now,
          );
          return revoked;
        });
        return { ingestToken: presentToken(row) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: ingestUrl,
      ability: 'activity.ingest',
      tag: 'activity',
      summary:
        'Send events from another system with `Authorization: Bearer <ingest token>`: JSON lines (application/x-ndjson, application/jsonl, text/plain) or a Squid access log (text/x-squid-log). The good lines are stored together or not at all; bad lines are reported by number (422 when no line was good).',
      response: ingestReportDto,
      handler: async ({ request }) => {
        // The request's shape first (no database work), then the token.
        const format = ingestFormatOf(request);
        const body: unknown = request.body;
        if (typeof body !== 'string' || body.trim() === '')
          throw new HavenError('HAVEN_BAD_REQUEST', 'The body is empty: send at least one line.');
        const header = request.headers.authorization ?? '';
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!match?.[1])
          throw new HavenError(
            'HAVEN_UNAUTHENTICATED',
            'Send an ingest token: Authorization: Bearer <token>.',
          );
        const token = await findActiveIngestToken(db, hashToken(match[1]));
        if (!token)
          throw new HavenError(
            'HAVEN_UNAUTHENTICATED',
            'This ingest token is not known or was revoked.',
          );
        await touchIngestToken(db, token, deps.clock());
        const writer = deps.activityWriter;
        if (!writer)
          throw new HavenError(
            'HAVEN_NOT_READY',
            'Activity is not being recorded by this Haven process.',
          );
        const users = await schoolUsernames(db, token.school_id);
        const context = { format, source: token.source_kind, schoolId: token.school_id, users };
        let report;
        try {
          report = await ingestText(tiedToPeople(writer, users), body, context);
        } catch (error) {
          if (error instanceof SpoolFullError)
            throw new HavenError(
              'HAVEN_NOT_READY',
              'The database is unreachable and the activity spool is full: send these events again later.',
              { extra: { retryAfterSeconds: 60 } },
            );
          throw error;
        }
        if (report.events === 0 && report.problemCount > 0)
          throw new HavenError(
            'HAVEN_IMPORT_REJECTED',
            `No line could be read (${report.problemCount} bad).`,
            {
              errors: report.problems.map((p) => ({ path: `line ${p.line}`, message: p.message })),
              extra: { problemCount: report.problemCount },
            },
          );
        return { ...report, problems: [...report.problems] };
      },
    }),

    // Retention and legal holds (MON-5)
    defineRoute({
      method: 'GET',
      url: '/api/activity/retention',
      ability: 'activity.retention.manage',
      tag: 'activity',
      summary: "How long the school's activity events and their search terms are kept",
      response: retentionDto,
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor, 'activity.retention.manage');
        const retention = await retentionOf(db, schoolId);
        if (!retention) throw new HavenError('HAVEN_NOT_FOUND', 'No such school.');
        return {
          activityDays: retention.activityDays,
          searchTermsDays: retention.searchTermsDays,
          alertsDays: retention.alertsDays,
          custom: retention.custom,
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/activity/retention',
      ability: 'activity.retention.manage',
      tag: 'activity',
      summary:
        'Set how long activity events, their search terms and resolved alerts are kept (in days; alertsDays left out keeps what is set, null goes back to the default)',
      body: z.object({
        activityDays: z.number().int().min(1).max(36_500),
        searchTermsDays: z.number().int().min(1).max(36_500),
        alertsDays: z.number().int().min(1).max(36_500).nullable().optional(),
      }),
      response: retentionDto,
      handler: async ({ actor, body }) => {
        const schoolId = schoolOf(actor, 'activity.retention.manage');
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        await setRetention(db, actor, { schoolId, ...body }, deps.clock());
        const retention = await retentionOf(db, schoolId);
        if (!retention) throw new HavenError('HAVEN_NOT_FOUND', 'No such school.');
        return {
          activityDays: retention.activityDays,
          searchTermsDays: retention.searchTermsDays,
          alertsDays: retention.alertsDays,
          custom: true,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/activity/legal-holds',
      ability: 'activity.retention.manage',
      tag: 'activity',
      summary: "The school's legal holds, active first",
      response: z.object({ holds: z.array(holdDto) }),
      handler: async ({ actor }) => {
        const schoolId = schoolOf(actor, 'activity.retention.manage');
        return { holds: await holdsOf(schoolId) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/activity/legal-holds',
      ability: 'activity.retention.manage',
      tag: 'activity',
      summary: 'Keep every event of a person, whatever the retention, until the hold is lifted',
      body: z.object({ username: text(100), reason: text(1000) }),
      response: z.object({ hold: holdDto }),
      status: 201,
      handler: async ({ actor, body }) => {
        const schoolId = schoolOf(actor, 'activity.retention.manage');
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        const person = await findUserByUsername(db, body.username);
        if (!person || person.school_id !== schoolId)
          throw new HavenError('HAVEN_NOT_FOUND', `No person "${body.username}" in your school.`);
        const hold = await placeLegalHold(
          db,
          actor,
          { schoolId, userId: person.id, reason: body.reason },
          deps.clock(),
        );
        const shown = (await holdsOf(schoolId)).find((h) => h.id === hold.id);
        if (!shown) throw new HavenError('HAVEN_INTERNAL');
        return { hold: shown };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/activity/legal-holds/:id',
      ability: 'activity.retention.manage',
      tag: 'activity',
      summary: "Lift a legal hold: the person's events follow the school's retention again",
      params: idParams,
      query: z.object({ reason: z.string().trim().max(1000).default('') }),
      response: z.object({ hold: holdDto }),
      handler: async ({ actor, params, query }) => {
        const schoolId = schoolOf(actor, 'activity.retention.manage');
        if (!actor) throw new HavenError('HAVEN_UNAUTHENTICATED');
        const existing = await findLegalHold(db, params.id);
        if (!existing || existing.school_id !== schoolId)
          throw new HavenError('HAVEN_NOT_FOUND', 'No such legal hold in your school.');
        await liftLegalHold(db, actor, { holdId: params.id, reason: query.reason }, deps.clock());
        const shown = (await holdsOf(schoolId)).find((h) => h.id === params.id);
        if (!shown) throw new HavenError('HAVEN_INTERNAL');
        return { hold: shown };
      },
    }),
  ];
}
