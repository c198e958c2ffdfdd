import { performance } from 'node:perf_hooks';
import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import type { Action, EngineRequest } from '../../policy/engine/decision.ts';
import { evaluate } from '../../policy/engine/evaluate.ts';
import type {
  ActivitySink,
  ClientIdentity,
  Identifier,
  SnapshotSource,
} from '../filter-context.ts';
import {
  safeSearchCname,
  safeSearchLevelFor,
  searchServiceOf,
  type SafeSearchSettings,
} from '../safe-search.ts';
import {
  blockPageAnswer,
  errorAnswer,
  fitUdp,
  nxdomainAnswer,
  prepareAnswer,
  renderPrepared,
  rewriteAnswer,
  udpLimit,
  type AnswerSettings,
  type BlockRecords,
} from './dns-answers.ts';
import { cacheKey, type CacheEntry, type DnsCache } from './dns-cache.ts';
import {
  DnsClass,
  DnsType,
  encodeQuestion,
  Flag,
  lowerCaseQuestion,
  Rcode,
  typeName,
  type DnsQuery,
} from './dns-wire.ts';
import type { UpstreamResolver } from './upstream.ts';

/**
 * The stages a query goes through, each a small function over one `DnsExchange` (Blocky's
 * chain of resolvers). A stage either writes the answer — and the chain stops there — or leaves
 * it to the next. The order, with the reason for each, is in `resolveExchange` below.
 */

/** One query on its way through the filter. */
export interface DnsExchange {
  readonly raw: Buffer;
  readonly query: DnsQuery;
  readonly transport: 'udp' | 'tcp';
  readonly clientIp: string;
  /** performance.now() when the query arrived. */
  readonly started: number;
  readonly now: Date;
  identity: ClientIdentity | null;
  snapshot: SchoolSnapshot | null;
  /** The safe-search name to answer with instead (CNAME), when one applies. */
  safeSearchTarget: string | null;
  action: Action;
  ruleId: string;
  category: string | null;
  /** The group whose rule decided. */
  group: string | null;
  answer: Buffer | null;
}

export interface DnsStageStats {
  allowed: number;
  blocked: number;
  alerted: number;
  rewritten: number;
  canary: number;
  refused: number;
  servfail: number;
  notImplemented: number;
  badVersion: number;
  notReady: number;
  truncated: number;
  coalesced: number;
  /** Allowed names blocked because their answer's CNAME led to a blocked name. */
  cnameBlocked: number;
  /** Questions answered SERVFAIL because too many were already waiting for upstream. */
  overloaded: number;
  /** Upstream answers that could not be read (the client gets SERVFAIL). */
  badUpstreamAnswers: number;
  /** Events the sink threw on (they are dropped, the answer is not). */
  eventErrors: number;
}

export function newStageStats(): DnsStageStats {
  return {
    allowed: 0,
    blocked: 0,
    alerted: 0,
    rewritten: 0,
    canary: 0,
    refused: 0,
    servfail: 0,
    notImplemented: 0,
    badVersion: 0,
    notReady: 0,
    truncated: 0,
    coalesced: 0,
    cnameBlocked: 0,
    overloaded: 0,
    badUpstreamAnswers: 0,
    eventErrors: 0,
  };
}

/** What the stages share: the filter's dependencies and state. */
export interface DnsContext {
  readonly identifier: Identifier;
  readonly snapshots: SnapshotSource;
  readonly events: ActivitySink;
  readonly clock: () => Date;
  readonly newEventId: () => string;
  readonly answers: AnswerSettings;
  readonly block: BlockRecords;
  readonly blockMode: 'nxdomain' | 'block-page';
  readonly safeSearch: SafeSearchSettings;
  readonly canaries: ReadonlySet<string>;
  readonly cache: DnsCache;
  readonly upstream: UpstreamResolver;
  readonly inflight: Map<string, Promise<CacheEntry | null>>;
  /** Most distinct questions waiting for upstream at once; beyond it, SERVFAIL. */
  readonly maxInFlight: number;
  readonly stats: DnsStageStats;
}

/** Rule ids of the answers the DNS filter gives itself (the engine's are in decision.ts). */
export const DnsRuleId = {
  canary: 'dns:canary',
  root: 'dns:root',
  notReady: 'dns:not-ready',
  upstreamFailed: 'dns:upstream-failed',
} as const;

/**
 * Browser and OS canaries: names whose negative answer tells the device the network filters,
 * so it keeps using this resolver. `use-application-dns.net`: Firefox turns its own DNS over
 * HTTPS off. `mask.icloud.com`, `mask-h2.icloud.com`: Apple devices turn iCloud Private Relay
 * off (it would hide browsing from the filter).
 */
export const DEFAULT_CANARIES: readonly string[] = Object.freeze([
  'use-application-dns.net',
  'mask.icloud.com',
  'mask-h2.icloud.com',
]);

function answerWith(ctx: DnsContext, x: DnsExchange, rcode: number): void {
  x.answer = errorAnswer(x.raw, x.query, ctx.answers, rcode);
}

/**
 * protocol — queries the filter does not serve are answered before anyone is identified:
 * another opcode (NOTIMP), an EDNS version above 0 (BADVERS), zone transfers and classes other
 * than IN (REFUSED). No activity event: they ask for no destination.
 */
export function protocolStage(ctx: DnsContext, x: DnsExchange): boolean {
  const q = x.query;
  if (q.opcode !== 0) {
    ctx.stats.notImplemented++;
    answerWith(ctx, x, Rcode.NOTIMP);
    return true;
  }
  if (q.edns !== null && q.edns.version > 0) {
    ctx.stats.badVersion++;
    answerWith(ctx, x, Rcode.BADVERS);
    return true;
  }
  if (q.qclass !== DnsClass.IN || q.qtype === DnsType.AXFR || q.qtype === DnsType.IXFR) {
    ctx.stats.refused++;
    answerWith(ctx, x, Rcode.REFUSED);
    return true;
  }
  return false;
}

/**
 * identify — who is asking, by source address (the Identifier maps address ranges to school,
 * device class and group; unknown devices are guests). No identity → REFUSED; no snapshot for
 * the school yet → SERVFAIL: nothing is forwarded unfiltered (ENF-6).
 */
export async function identifyStage(ctx: DnsContext, x: DnsExchange): Promise<boolean> {
  const result = await ctx.identifier.identify({ clientIp: x.clientIp });
  if (!result.ok) {
    ctx.stats.refused++;
    answerWith(ctx, x, Rcode.REFUSED);
    return true;
  }
  x.identity = result.identity;
  const snapshot = ctx.snapshots.current(result.identity.schoolId);
  if (snapshot === undefined) {
    ctx.stats.notReady++;
    x.action = 'block';
    x.ruleId = DnsRuleId.notReady;
    answerWith(ctx, x, Rcode.SERVFAIL);
    return true;
  }
  x.snapshot = snapshot;
  return false;
}

/** canary — Firefox's DoH canary and Apple's Private Relay names: NXDOMAIN for everyone. */
export function canaryStage(ctx: DnsContext, x: DnsExchange): boolean {
  if (!ctx.canaries.has(x.query.name)) return false;
  ctx.stats.canary++;
  x.action = 'block';
  x.ruleId = DnsRuleId.canary;
  x.category = 'circumvention';
  x.answer = nxdomainAnswer(x.raw, x.query, ctx.answers, ctx.block);
  return true;
}

/** safe search — the safe name for a search engine, per the person's groups (applied after decide). */
export function safeSearchStage(ctx: DnsContext, x: DnsExchange): void {
  const groups = x.identity?.groups ?? [];
  x.safeSearchTarget = safeSearchCname(x.query.name, safeSearchLevelFor(groups, ctx.safeSearch));
}

/**
 * decide — the engine's decision on the name asked for (pure, in memory). Blocked names get
 * NXDOMAIN with an SOA (negative caching), or the block page address for A and NODATA for other
 * types. `allow-with-alert` answers as allowed; the event carries the alert.
 */
export function decideStage(ctx: DnsContext, x: DnsExchange): boolean {
  const identity = x.identity;
  const snapshot = x.snapshot;
  if (identity === null || snapshot === null) return false;
  if (x.query.name === '') {
    // the root zone (priming, connectivity checks): nothing to decide
    x.ruleId = DnsRuleId.root;
    return false;
  }
  const decision = evaluate(snapshot.snapshot, engineRequest(identity, x.query.name), x.now);
  x.action = decision.action;
  x.ruleId = decision.ruleId;
  x.category = decision.category;
  x.group = decision.group;
  if (decision.action !== 'block') return false;
  x.answer = blockAnswer(ctx, x);
  return true;
}

function engineRequest(identity: ClientIdentity, host: string): EngineRequest {
  return {
    groups: identity.groups,
    host,
    ...(identity.deviceClass === null ? {} : { deviceClass: identity.deviceClass }),
    ...(identity.userId === null ? {} : { user: identity.userId }),
  };
}

function blockAnswer(ctx: DnsContext, x: DnsExchange): Buffer {
  return ctx.blockMode === 'nxdomain'
    ? nxdomainAnswer(x.raw, x.query, ctx.answers, ctx.block)
    : blockPageAnswer(x.raw, x.query, ctx.answers, ctx.block);
}

/** Rule ids of explicit allows, which a CNAME target only overrides when it is illegal. */
const EXPLICIT_ALLOW = /^(local-allow|exemption|help):/;

/**
 * cname — an allowed name whose answer leads (CNAME) to a name the policy blocks is blocked as
 * that name, as Blocky does: an unlisted alias must not open a listed site. Only list decisions
 * count (a CDN name in no list is not "uncategorised" for an allow-list group), and an explicit
 * allow (local entry, exemption, help) stands unless the target is illegal.
 */
export function cnameStage(ctx: DnsContext, x: DnsExchange, targets: readonly string[]): boolean {
  const identity = x.identity;
  const snapshot = x.snapshot;
  if (identity === null || snapshot === null) return false;
  const explicit = EXPLICIT_ALLOW.test(x.ruleId);
  for (const target of targets) {
    if (target === x.query.name) continue;
    const d = evaluate(snapshot.snapshot, engineRequest(identity, target), x.now);
    if (d.action === 'allow' || d.category === null) continue;
    if (explicit && !d.ruleId.startsWith('illegal:')) continue;
    if (d.action === 'block') {
      ctx.stats.cnameBlocked++;
      x.action = 'block';
      x.ruleId = d.ruleId;
      x.category = d.category;
      x.group = d.group;
      x.answer = blockAnswer(ctx, x);
      return true;
    }
    if (x.action === 'allow') {
      x.action = d.action;
      x.ruleId = d.ruleId;
      x.category = d.category;
      x.group = d.group;
    }
  }
  return false;
}

/** The cached answer for a question, else one from upstream (identical questions share it). */
function lookup(
  ctx: DnsContext,
  name: string,
  qtype: number,
  qclass: number,
  question: () => Buffer,
  nowMs: number,
): CacheEntry | Promise<CacheEntry | null> | null {
  const key = cacheKey(name, qtype, qclass);
  const hit = ctx.cache.get(key, nowMs);
  if (hit !== undefined) return hit;
  const waiting = ctx.inflight.get(key);
  if (waiting !== undefined) {
    ctx.stats.coalesced++;
    return waiting;
  }
  if (ctx.inflight.size >= ctx.maxInFlight) {
    ctx.stats.overloaded++;
    return null;
  }
  const asked = ctx.upstream.query(question()).then(
    (response) => {
      const prepared = prepareAnswer(response);
      if (prepared === null) {
        ctx.stats.badUpstreamAnswers++;
        return null;
      }
      return ctx.cache.set(key, prepared, ctx.clock().getTime());
    },
    () => null,
  );
  const shared = asked.finally(() => ctx.inflight.delete(key));
  ctx.inflight.set(key, shared);
  return shared;
}

function ageOf(entry: CacheEntry, nowMs: number): number {
  return nowMs > entry.storedAt ? Math.floor((nowMs - entry.storedAt) / 1000) : 0;
}

/**
 * answer — allowed names: the safe-search CNAME with the target's addresses, or the upstream
 * answer from the cache or the upstream resolvers. No upstream answer → SERVFAIL.
 */
export async function answerStage(ctx: DnsContext, x: DnsExchange): Promise<void> {
  const q = x.query;
  const limit = x.transport === 'udp' ? udpLimit(q, ctx.answers) : 65_535;
  const nowMs = x.now.getTime();
  const target = x.safeSearchTarget;
  if (target !== null) {
    ctx.stats.rewritten++;
    if (x.action === 'allow') x.ruleId = `safe-search:${searchServiceOf(q.name) ?? 'search'}`;
    if (q.qtype === DnsType.CNAME) {
      x.answer = rewriteAnswer(x.raw, q, ctx.answers, target, null, 0);
      return;
    }
    const entry = await lookup(
      ctx,
      target,
      q.qtype,
      q.qclass,
      () => encodeQuestion(target, q.qtype, q.qclass),
      nowMs,
    );
    if (entry === null) return upstreamFailed(ctx, x);
    const answer = rewriteAnswer(x.raw, q, ctx.answers, target, entry.answer, ageOf(entry, nowMs));
    x.answer = fitUdp(answer, x.raw, q, ctx.answers, limit);
  } else {
    const entry = await lookup(
      ctx,
      q.name,
      q.qtype,
      q.qclass,
      () => lowerCaseQuestion(x.raw, q.questionEnd),
      nowMs,
    );
    if (entry === null) return upstreamFailed(ctx, x);
    const targets = entry.answer.cnameTargets;
    if (targets.length > 0 && cnameStage(ctx, x, targets)) return;
    x.answer = renderPrepared(entry.answer, x.raw, q, ctx.answers, ageOf(entry, nowMs), limit);
  }
  if (((x.answer[2] ?? 0) & (Flag.TC >> 8)) !== 0) ctx.stats.truncated++;
}

function upstreamFailed(ctx: DnsContext, x: DnsExchange): void {
  if (x.action === 'allow') x.ruleId = DnsRuleId.upstreamFailed;
  answerWith(ctx, x, Rcode.SERVFAIL);
}

/** log — one activity event per answered query (MON-1); never blocks and never throws. */
export function logStage(ctx: DnsContext, x: DnsExchange): void {
  const identity = x.identity;
  const answer = x.answer;
  if (answer !== null) {
    const rcode = (answer[3] ?? 0) & Flag.RCODE;
    if (rcode === Rcode.SERVFAIL) ctx.stats.servfail++;
    if (x.identity !== null) {
      if (x.action === 'block') {
        if (x.ruleId !== DnsRuleId.canary && x.ruleId !== DnsRuleId.notReady) ctx.stats.blocked++;
      } else if (x.action === 'allow-with-alert') ctx.stats.alerted++;
      else ctx.stats.allowed++;
    }
  }
  if (identity === null || answer === null) return;
  try {
    ctx.events.emit({
      id: ctx.newEventId(),
      at: x.now,
      source: 'dns',
      schoolId: identity.schoolId,
      userId: identity.userId,
      username: identity.username,
      group: x.group ?? identity.groups[0] ?? null,
      deviceClass: identity.deviceClass,
      clientIp: x.clientIp,
      method: typeName(x.query.qtype),
      host: x.query.name === '' ? '.' : x.query.name,
      url: null,
      action: x.action,
      category: x.category,
      ruleId: x.ruleId,
      status: (answer[3] ?? 0) & Flag.RCODE,
      bytesIn: x.raw.length,
      bytesOut: answer.length,
      durationMs: Math.round((performance.now() - x.started) * 1000) / 1000,
      searchTerms: null,
    });
  } catch {
    ctx.stats.eventErrors++;
  }
}

/**
 * The chain, in order, with the reason for each stage's place:
 *
 *   protocol     answer what the filter does not serve before spending anything on it
 *   identify     the decision and safe search depend on who is asking (exemptions are part of
 *                the snapshot: the engine applies them in decide)
 *   canary       browser/OS canaries are answered the same for everyone, before the policy
 *   safe search  worked out before decide, applied only when decide allows the name
 *   decide       the engine's decision on the name asked for; a block answers here
 *   answer       allowed: safe-search CNAME or the forwarded answer (cache, then upstream);
 *                its CNAME targets are decided too (cname), so an alias cannot open a listed site
 *   log          always last: one event with the action and rule that answered
 *
 * Never throws: a stage that fails answers SERVFAIL.
 */
export async function resolveExchange(ctx: DnsContext, x: DnsExchange): Promise<Buffer> {
  try {
    if (!protocolStage(ctx, x) && !(await identifyStage(ctx, x)) && !canaryStage(ctx, x)) {
      safeSearchStage(ctx, x);
      if (!decideStage(ctx, x)) await answerStage(ctx, x);
    }
  } catch {
    answerWith(ctx, x, Rcode.SERVFAIL);
  }
  const answer = x.answer ?? errorAnswer(x.raw, x.query, ctx.answers, Rcode.SERVFAIL);
  x.answer = answer;
  logStage(ctx, x);
  return answer;
}

/** A new exchange for a parsed query. */
export function newExchange(
  raw: Buffer,
  query: DnsQuery,
  transport: 'udp' | 'tcp',
  clientIp: string,
  now: Date,
): DnsExchange {
  return {
    raw,
    query,
    transport,
    clientIp,
    started: performance.now(),
    now,
    identity: null,
    snapshot: null,
    safeSearchTarget: null,
    action: 'allow',
    ruleId: 'default',
    category: null,
    group: null,
    answer: null,
  };
}
