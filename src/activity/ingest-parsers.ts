import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import {
  cleanTitle,
  eventProblem,
  type ActivityEvent,
  type IngestSource,
} from './activity-event.ts';

/**
 * Parsers for events from other sources (MON-6): JSON lines (one event per line, e.g. from a
 * browser extension or a monitoring service) and Squid's native access log. Pure: text in,
 * events and line-numbered problems out. A bad line is reported and skipped; it never stops the
 * others.
 *
 * An event without an id gets one derived from its source, school and line text (and how many
 * identical lines came just before it), so importing the same file twice stores each event once.
 */

export interface ParseProblem {
  /** 1-based line number in the text given. */
  readonly line: number;
  readonly message: string;
}

export interface ParseResult {
  readonly events: ActivityEvent[];
  readonly problems: ParseProblem[];
  /** Lines read (blank lines and comments included). */
  readonly lines: number;
}

export interface ParseContext {
  /** What the events are recorded as coming from (the ingest token says). */
  readonly source: IngestSource;
  /**
   * The school the events belong to. For JSON lines it is the default for lines without a
   * `schoolId`, and a line naming another school is refused; a Squid log needs it.
   */
  readonly schoolId?: string | undefined;
  /** Usernames (lower case) → Haven user ids, to tie a log's users to people. */
  readonly users?: ReadonlyMap<string, string> | undefined;
}

/** Remembers identical lines, so that two identical lines still get two ids. */
export class LineIds {
  readonly #seen = new Map<string, number>();

  /** A UUID (version 8, RFC 9562) derived from the line. */
  idFor(context: ParseContext, schoolId: string, line: string): string {
    if (this.#seen.size > 100_000) this.#seen.clear();
    const occurrence = this.#seen.get(line) ?? 0;
    this.#seen.set(line, occurrence + 1);
    const digest = createHash('sha256')
      .update(`${context.source}\n${schoolId}\n${occurrence}\n${line}`)
      .digest();
    digest[6] = ((digest[6] as number) & 0x0f) | 0x80;
    digest[8] = ((digest[8] as number) & 0x3f) | 0x80;
    const h = digest.toString('hex', 0, 16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }
}

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function hostOfUrl(url: string): string | null {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host || null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON lines

const nullableText = (max: number) => z.string().max(max).nullable().optional();
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional();

/** One JSON line: the fields of an activity event, most of them optional. */
export const jsonLineSchema = z.object({
  id: z.guid('not a UUID').optional(),
  at: z.union([
    z.iso.datetime({ offset: true, error: 'not an ISO 8601 time with a zone' }),
    z.number().int().positive(),
  ]),
  schoolId: z.guid('not a UUID').optional(),
  userId: z.guid('not a UUID').nullable().optional(),
  username: nullableText(256),
  group: nullableText(100),
  deviceClass: nullableText(100),
  clientIp: z.string().max(64).optional(),
  method: z.string().min(1).max(32).optional(),
  host: z.string().min(1).max(253).optional(),
  url: nullableText(8192),
  action: z.enum(['allow', 'block', 'allow-with-alert']).optional(),
  category: nullableText(100),
  ruleId: z.string().min(1).max(200).optional(),
  status: z.number().int().min(0).max(999).nullable().optional(),
  bytesIn: count,
  bytesOut: count,
  durationMs: z.number().nonnegative().max(2_147_483_647).optional(),
  searchTerms: nullableText(1000),
  /** The page's title (a browser extension sees it): trimmed and capped, then scored (MON-2). */
  title: nullableText(2000),
});

export type JsonLineEvent = z.infer<typeof jsonLineSchema>;

function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}

/**
 * One JSON line as an event; a string says why it is not one; null for a blank line.
 * `ids` gives events without an id their derived one.
 */
export function parseJsonLine(
  line: string,
  context: ParseContext,
  ids: LineIds = new LineIds(),
): ActivityEvent | string | null {
  const trimmed = line.trim();
  if (trimmed === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return 'not valid JSON';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return 'not a JSON object (one event per line)';
  const parsed = jsonLineSchema.safeParse(raw);
  if (!parsed.success) return zodMessage(parsed.error);
  const e = parsed.data;
  const schoolId = e.schoolId ?? context.schoolId;
  if (schoolId === undefined) return 'schoolId: missing';
  if (context.schoolId !== undefined && schoolId.toLowerCase() !== context.schoolId.toLowerCase())
    return 'schoolId: this source may only send events for its own school';
  const host = e.host?.toLowerCase() ?? (e.url ? hostOfUrl(e.url) : null);
  if (!host) return 'host: missing (give host, or a url with a host)';
  const event: ActivityEvent = {
    id: e.id ?? ids.idFor(context, schoolId, trimmed),
    at: new Date(e.at),
    source: context.source,
    schoolId,
    userId: e.userId ?? null,
    username: e.username ?? null,
    group: e.group ?? null,
    deviceClass: e.deviceClass ?? null,
    clientIp: e.clientIp ?? '',
    method: e.method ?? 'GET',
    host,
    url: e.url ?? null,
    action: e.action ?? 'allow',
    category: e.category ?? null,
    ruleId: e.ruleId ?? `ingest:${context.source}`,
    status: e.status ?? null,
    bytesIn: e.bytesIn ?? 0,
    bytesOut: e.bytesOut ?? 0,
    durationMs: Math.round(e.durationMs ?? 0),
    searchTerms: e.searchTerms ?? null,
    title: cleanTitle(e.title),
  };
  return eventProblem(event) ?? event;
}

/** Every line of a JSON-lines text: the events, and a problem for each bad line. */
export function parseJsonLines(text: string, context: ParseContext): ParseResult {
  const ids = new LineIds();
  const events: ActivityEvent[] = [];
  const problems: ParseProblem[] = [];
  const all = lines(text);
  all.forEach((line, i) => {
    const result = parseJsonLine(line, context, ids);
    if (result === null) return;
    if (typeof result === 'string') problems.push({ line: i + 1, message: result });
    else events.push(result);
  });
  return { events, problems, lines: all.length };
}

// ---------------------------------------------------------------------------------------------
// Squid's native access log

function decodeField(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The host of a Squid log URL: `http://host/…`, `host:443` (CONNECT), or a bare host. */
export function squidUrlHost(method: string, url: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return hostOfUrl(url);
  if (method === 'CONNECT' || /^[^/]+:\d+$/.test(url)) {
    const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(url);
    if (bracketed) return (bracketed[1] as string).toLowerCase();
    const colon = url.lastIndexOf(':');
    const host = (colon > 0 ? url.slice(0, colon) : url).toLowerCase();
    return /^[a-z0-9.-]+$/.test(host) ? host : null;
  }
  return /^[a-z0-9.-]+$/i.test(url) ? url.toLowerCase() : null;
}

/**
 * One line of Squid's native access log (`logformat squid`) as an event:
 *
 *   time elapsed client action/code bytes method URL user hierarchy/peer type
 *   1795428000.123    180 10.0.20.7 TCP_DENIED/403 0 GET http://bet365.com/ pupil HIER_NONE/- -
 *
 * `TCP_DENIED` (and any other `…DENIED…` result) is a block, everything else an allow; `bytes`
 * (what reached the client) is `bytesIn`. Null for a blank line or a `#` comment; a string says
 * why the line is not an event.
 */
export function parseSquidLine(
  line: string,
  context: ParseContext,
  ids: LineIds = new LineIds(),
): ActivityEvent | string | null {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const schoolId = context.schoolId;
  if (schoolId === undefined) return 'no school given for the Squid log';
  const fields = trimmed.split(/\s+/);
  if (fields.length < 10)
    return `expected 10 fields (time elapsed client action/code bytes method URL user hierarchy/peer type), found ${fields.length}`;
  const [time, elapsed, client, result, bytes, method, url, user] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!/^\d{9,11}(\.\d{1,6})?$/.test(time)) return `time: "${time}" is not Unix seconds`;
  if (!/^-?\d+$/.test(elapsed)) return `elapsed: "${elapsed}" is not milliseconds`;
  const clientIp = decodeField(client);
  if (isIP(clientIp) === 0) return `client: "${client}" is not an IP address`;
  const slash = result.lastIndexOf('/');
  if (slash <= 0) return `action/code: "${result}" is not ACTION/CODE`;
  const squidAction = result.slice(0, slash);
  const code = result.slice(slash + 1);
  if (!/^\d{1,3}$/.test(code)) return `action/code: "${code}" is not a status code`;
  if (!/^\d+$/.test(bytes)) return `bytes: "${bytes}" is not a number`;
  if (method === 'NONE' || method === '-' || url.startsWith('error:'))
    return `not a request (${method} ${url}): Squid logs these for failed connections`;
  const host = squidUrlHost(method, url);
  if (host === null) return `URL: cannot find the host in "${url}"`;
  const username = user === '-' ? null : decodeField(user);
  const status = Number(code);
  const event: ActivityEvent = {
    id: ids.idFor(context, schoolId, trimmed),
    at: new Date(Math.round(Number(time) * 1000)),
    source: context.source,
    schoolId,
    userId: username === null ? null : (context.users?.get(username.toLowerCase()) ?? null),
    username,
    group: null,
    deviceClass: null,
    clientIp,
    method,
    host,
    url: method === 'CONNECT' ? null : url,
    action: squidAction.includes('DENIED') ? 'block' : 'allow',
    category: null,
    ruleId: `squid:${squidAction}`,
    status: status === 0 ? null : status,
    bytesIn: Number(bytes),
    bytesOut: 0,
    durationMs: Math.max(0, Number(elapsed)),
    searchTerms: null,
  };
  return eventProblem(event) ?? event;
}

/** Every line of a Squid access log: the events, and a problem for each bad line. */
export function parseSquidLog(text: string, context: ParseContext): ParseResult {
  const ids = new LineIds();
  const events: ActivityEvent[] = [];
  const problems: ParseProblem[] = [];
  const all = lines(text);
  all.forEach((line, i) => {
    const result = parseSquidLine(line, context, ids);
    if (result === null) return;
    if (typeof result === 'string') problems.push({ line: i + 1, message: result });
    else events.push(result);
  });
  return { events, problems, lines: all.length };
}
