import { randomFillSync } from 'node:crypto';
import type { Action } from '../policy/engine/decision.ts';

/**
 * The activity event: one decision of a filter adapter, or an event from another source (MON-6).
 * `filter/filter-context.ts` re-exports it for the adapters, so there is one definition.
 */

/** Where an event came from: a filter adapter, or an ingest source. */
export type ActivitySource =
  | 'proxy'
  | 'dns'
  | 'squid-helper'
  | 'icap'
  /** A Squid access log imported (`haven activity import --format squid`). */
  | 'squid-log'
  /** A browser extension on managed devices (e.g. Chromebooks), through the ingest API. */
  | 'extension'
  /** Any other system through the ingest API (a third-party monitoring service). */
  | 'ingest';

export const ACTIVITY_SOURCES: readonly ActivitySource[] = [
  'proxy',
  'dns',
  'squid-helper',
  'icap',
  'squid-log',
  'extension',
  'ingest',
];

/** The sources an ingest token may stand for (the filter adapters emit directly). */
export type IngestSource = Extract<ActivitySource, 'squid-log' | 'extension' | 'ingest'>;

export interface ActivityEvent {
  /** Unique id (see `newEventId`): a replay of the same event never duplicates it. */
  readonly id: string;
  readonly at: Date;
  readonly source: ActivitySource;
  readonly schoolId: string;
  readonly userId: string | null;
  readonly username: string | null;
  readonly group: string | null;
  readonly deviceClass: string | null;
  readonly clientIp: string;
  /** HTTP method, `CONNECT`, or the DNS query type. */
  readonly method: string;
  readonly host: string;
  /** The URL as the policy allows it to be kept (MON-4). */
  readonly url: string | null;
  readonly action: Action;
  readonly category: string | null;
  readonly ruleId: string;
  readonly status: number | null;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  readonly searchTerms: string | null;
  /**
   * The `<title>` of an HTML page the proxy saw (or an ingest source sent): trimmed, at most
   * `MAX_TITLE_LENGTH` characters (MON-2). Absent or null: none.
   */
  readonly title?: string | null;
  /**
   * What page content scoring found (HTTPS inspection): the top score, its categories and the
   * matched phrases — never the page itself (MON-4). Absent or null: the page was not scored.
   */
  readonly riskScore?: number | null;
  readonly riskCategories?: readonly string[] | null;
  readonly riskPhrases?: readonly string[] | null;
}

/** Longest page title kept on an event. */
export const MAX_TITLE_LENGTH = 300;

/** A page title as events keep it: whitespace collapsed, trimmed, capped; null when empty. */
export function cleanTitle(title: string | null | undefined): string | null {
  if (title === null || title === undefined) return null;
  const collapsed = title.replace(/\s+/g, ' ').trim();
  if (collapsed === '') return null;
  if (collapsed.length <= MAX_TITLE_LENGTH) return collapsed;
  return `${collapsed.slice(0, MAX_TITLE_LENGTH - 1).trimEnd()}…`;
}

/**
 * The event as capture is halted for an isolated person or device (MON-4, suspected CSAM):
 * only time, who, where (host), the decision and its category are kept — no path, search
 * terms, title or content findings.
 */
export function haltedCapture(event: ActivityEvent): ActivityEvent {
  return {
    ...event,
    url: null,
    searchTerms: null,
    title: null,
    riskScore: null,
    riskCategories: null,
    riskPhrases: null,
  };
}

/** Where events go. `emit` never throws and never waits: logging never blocks a request. */
export interface ActivitySink {
  emit(event: ActivityEvent): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return value.length === 36 && UUID.test(value);
}

/** Earliest and latest instants an event may carry (PostgreSQL's timestamptz range is wider). */
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);

/**
 * Why the database could never store this event, or null when it can. Cheap: the writer runs it
 * on every `emit`, so that one bad event can never hold up a batch.
 */
export function eventProblem(event: ActivityEvent): string | null {
  if (typeof event.id !== 'string' || !isUuid(event.id)) return 'id is not a UUID';
  if (!(event.at instanceof Date)) return 'at is not a Date';
  const ms = event.at.getTime();
  if (!(ms >= EARLIEST && ms < LATEST)) return 'at is not a time between 2000 and 9999';
  if (typeof event.schoolId !== 'string' || !isUuid(event.schoolId))
    return 'schoolId is not a UUID';
  if (event.userId !== null && (typeof event.userId !== 'string' || !isUuid(event.userId)))
    return 'userId is not a UUID';
  if (typeof event.host !== 'string') return 'host is missing';
  if (typeof event.ruleId !== 'string') return 'ruleId is missing';
  return null;
}

// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids made one after the other
// sort in time order, so the primary key index takes them at its right-hand edge instead of at
// random pages (measured ≈ 40 % more inserts per second than random UUIDs).
const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A new event id: a UUIDv7 for `now` (milliseconds). */
export function newEventId(now: number = Date.now()): string {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const r = poolOffset;
  poolOffset += 10;
  const ms = Math.max(0, Math.floor(now));
  const high = Math.floor(ms / 2 ** 16);
  const b = (i: number) => hex[pool[r + i] as number] as string;
  const t =
    (high >>> 0).toString(16).padStart(8, '0') + (ms & 0xffff).toString(16).padStart(4, '0');
  return (
    `${t.slice(0, 8)}-${t.slice(8, 12)}-` +
    `7${(hex[(pool[r] as number) & 0x0f] as string).slice(1)}${b(1)}-` +
    `${hex[((pool[r + 2] as number) & 0x3f) | 0x80] as string}${b(3)}-` +
    `${b(4)}${b(5)}${b(6)}${b(7)}${b(8)}${b(9)}`
  );
}
