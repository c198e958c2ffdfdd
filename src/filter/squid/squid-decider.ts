import { randomUUID } from 'node:crypto';
import { evaluate } from '../../policy/engine/evaluate.ts';
import type { Action, BandInfo, Decision } from '../../policy/engine/decision.ts';
import { splitUrl } from '../../policy/engine/host-name.ts';
import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import type {
  ActivityEvent,
  ActivitySink,
  ClientIdentity,
  Identifier,
  SnapshotSource,
} from '../filter-context.ts';
import { searchEngineOf } from '../proxy/safe-search.ts';
import { searchTermsOf } from '../proxy/search-terms.ts';

/**
 * The decision chain shared by the Squid helper and the ICAP service (ENF-3), as named stages:
 *
 *   identify   the client address Squid reports (`%>a`, `X-Client-IP`) → school, groups, device
 *   decide     evaluate(snapshot, { user, groups, deviceClass, url | host }, now): pure
 *   log        one activity event per decision (MON-1), never waiting on the sink
 *
 * It never throws and never fails open: a school whose policy has not loaded, or an identifier
 * that fails, gives a block verdict that says so (ENF-6).
 */

/** One request as Squid describes it. Give `url` (HTTP) or `host` (CONNECT). */
export interface FilterRequest {
  readonly source: 'squid-helper' | 'icap';
  readonly clientIp: string;
  /** The user name Squid knows (`%un`, `X-Client-Username`), when it knows one. */
  readonly username: string | null;
  /** HTTP method, or `CONNECT`. */
  readonly method: string;
  /** An absolute `http://` (or TLS-inspected `https://`) URL. */
  readonly url?: string;
  /** `host` or `host:port`, for CONNECT. */
  readonly host?: string;
  /** The HTTP status the adapter answers a block with (403; 302 for a url_rewrite redirect). */
  readonly blockStatus?: number;
}

/** What the adapters need to answer Squid and show a block page. */
export interface FilterVerdict {
  readonly action: Action;
  /** The deciding rule (`matrix:gambling:ks2`, `illegal:child-abuse`…), or `unavailable`. */
  readonly ruleId: string;
  readonly category: string | null;
  /** The category's label in the school's policy, e.g. "Gambling". */
  readonly categoryLabel: string | null;
  /** A sentence in the school's words. */
  readonly reason: string;
  /** The normalised host that was decided. */
  readonly host: string;
  /** An illegal category (IWF, CTIRU): keep no URL, show the IWF text (MON-4). */
  readonly illegal: boolean;
  /** The school's name, for the block page; null when not known. */
  readonly schoolName: string | null;
  /** The time band behind a time-dependent decision (when it would next be allowed). */
  readonly band: BandInfo | null;
}

export type FilterDecide = (request: FilterRequest) => Promise<FilterVerdict>;

export interface SquidDeciderDeps {
  readonly identifier: Identifier;
  readonly snapshots: SnapshotSource;
  readonly sink: ActivitySink;
  /** The clock; the engine itself never reads one. */
  readonly now?: () => Date;
  /** Event ids; random UUIDs by default. */
  readonly newId?: () => string;
  /** Told about identifier failures (the request is still answered, blocked). */
  readonly onError?: (error: unknown) => void;
}

/** Verdicts for requests no policy could decide. The rule id says why. */
export const UNAVAILABLE_RULE = 'unavailable';
const NOT_LOADED_REASON =
  "Haven has not loaded this school's filtering policy yet, so the request is blocked. Try again in a minute.";
const IDENTIFY_FAILED_REASON =
  'Haven could not tell who is asking, so the request is blocked. Try again in a minute.';

export function unavailableVerdict(host: string, reason: string): FilterVerdict {
  return {
    action: 'block',
    ruleId: UNAVAILABLE_RULE,
    category: null,
    categoryLabel: null,
    reason,
    host,
    illegal: false,
    schoolName: null,
    band: null,
  };
}

/** The host part of `host:port`, `[v6]:port` or a URL, for verdicts made without the engine. */
export function hostOf(request: Pick<FilterRequest, 'url' | 'host'>): string {
  const target = request.host ?? request.url ?? '';
  const withoutScheme = target.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const authority = withoutScheme.split(/[/?#]/, 1)[0] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (host.startsWith('[')) return host.slice(1, Math.max(1, host.indexOf(']')));
  const colon = host.indexOf(':');
  return (
    colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.slice(0, colon) : host
  ).toLowerCase();
}

/** Search terms in a URL Haven can see (plain HTTP, or HTTPS when Squid inspects TLS). */
export function searchTermsOfUrl(url: string): string | null {
  const split = splitUrl(url);
  return split === null ? null : searchTermsOf(searchEngineOf(split.host), split.path);
}

function verdictOf(snapshot: SchoolSnapshot, decision: Decision): FilterVerdict {
  const categoryIndex =
    decision.category === null ? undefined : snapshot.snapshot.categoryIndex.get(decision.category);
  const category =
    categoryIndex === undefined ? undefined : snapshot.snapshot.categories[categoryIndex];
  return {
    action: decision.action,
    ruleId: decision.ruleId,
    category: decision.category,
    categoryLabel: category?.label ?? null,
    reason: decision.reason,
    host: decision.host,
    illegal: decision.ruleId.startsWith('illegal:') || category?.illegal === true,
    schoolName: snapshot.snapshot.rules.school.name,
    band: decision.band,
  };
}

/**
 * The URL the activity log may keep: for an illegal category only the list entry that matched,
 * never what the person asked for (MON-4); nothing for CONNECT, where Haven saw only the host.
 */
function keptUrl(
  request: FilterRequest,
  decision: Decision | null,
  illegal: boolean,
): string | null {
  if (illegal) return decision?.list?.entry ?? null;
  return request.url ?? null;
}

export function createSquidDecider(deps: SquidDeciderDeps): FilterDecide {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;

  function emit(
    request: FilterRequest,
    identity: ClientIdentity,
    verdict: FilterVerdict,
    decision: Decision | null,
    at: Date,
    startedMs: number,
  ): void {
    const blocked = verdict.action === 'block';
    const event: ActivityEvent = {
      id: newId(),
      at,
      source: request.source,
      schoolId: identity.schoolId,
      userId: identity.userId,
      username: identity.username ?? request.username,
      group: decision?.group ?? identity.groups[0] ?? null,
      deviceClass: identity.deviceClass,
      clientIp: request.clientIp,
      method: request.method,
      host: verdict.host,
      url: keptUrl(request, decision, verdict.illegal),
      action: verdict.action,
      category: verdict.category,
      ruleId: verdict.ruleId,
      status: blocked ? (request.blockStatus ?? 403) : null,
      bytesIn: 0,
      bytesOut: 0,
      durationMs: Math.max(0, Date.now() - startedMs),
      searchTerms:
        request.url === undefined || verdict.illegal ? null : searchTermsOfUrl(request.url),
    };
    try {
      deps.sink.emit(event);
    } catch (error) {
      deps.onError?.(error);
    }
  }

  return async (request) => {
    const startedMs = Date.now();
    let identity: ClientIdentity;
    try {
      const result = await deps.identifier.identify({ clientIp: request.clientIp });
      if (!result.ok) return unavailableVerdict(hostOf(request), result.reason);
      identity = result.identity;
    } catch (error) {
      deps.onError?.(error);
      return unavailableVerdict(hostOf(request), IDENTIFY_FAILED_REASON);
    }
    const at = now();
    const snapshot = deps.snapshots.current(identity.schoolId);
    if (snapshot === undefined) {
      const verdict = unavailableVerdict(hostOf(request), NOT_LOADED_REASON);
      emit(request, identity, verdict, null, at, startedMs);
      return verdict;
    }
    const target = request.url !== undefined ? { url: request.url } : { host: request.host ?? '' };
    const decision = evaluate(
      snapshot.snapshot,
      {
        ...(identity.userId === null ? {} : { user: identity.userId }),
        groups: identity.groups,
        ...(identity.deviceClass === null ? {} : { deviceClass: identity.deviceClass }),
        ...target,
      },
      at,
    );
    const verdict = verdictOf(snapshot, decision);
    emit(request, identity, verdict, decision, at, startedMs);
    return verdict;
  };
}
