import type { Action, BandInfo, Decision, EngineRequest, ListMatch } from './decision.ts';
import type { Level } from './rules.ts';
import { LEVELS } from './rules.ts';
import type { CompiledCell, CompiledSet, Snapshot } from './compile.ts';
import { CellKind } from './compile.ts';
import { hashSuffixes } from './host-hash.ts';
import { matchHosts } from './list-index.ts';
import { normaliseHost, splitUrl } from './host-name.ts';
import type { LocalMoment } from './time-bands.ts';
import { bandActive, dateOfDay, formatMinute, nextBandStart, WEEKDAY_NAMES } from './time-bands.ts';

/**
 * `evaluate(snapshot, request, now)`: the decision for one request. Pure: the same snapshot,
 * request and instant always give the same decision; nothing is read from the clock or the disk.
 *
 * Precedence (first row that applies decides):
 *
 * | # | rule                     | rule id                                  | can be lifted by |
 * |---|--------------------------|------------------------------------------|------------------|
 * | 1 | illegal category         | `illegal:<category>`                     | nothing          |
 * | 2 | help is never blocked    | `help:<entry>`                           | (1)              |
 * | 2a| AUA not signed (safe list on): block outside the safe list | `aua:unsigned` | (1)–(2), signing |
 * | 3 | exemption (host/URL/category, active now, for the user's group) | `exemption:<id>` | (1) |
 * | 4 | local block / allow entry| `local-block:<id>`, `local-allow:<id>`   | (1)–(3); a more specific list entry |
 * | 5 | nominated user           | `nominated:<category>:<group>` (allow-with-alert) | (1)–(4)  |
 * | 6 | time band                | `band:<category>:<group>[:<band>]`       | (1)–(5)          |
 * | 7 | group level (matrix)     | `matrix:<category>:<group>`, `default:<category>:<group>`, `flag:<category>:<group>` | (1)–(6) |
 * | 8 | default (uncategorised)  | `default`, `default:uncategorised:<group>` | (1)–(4)        |
 *
 * Rows 5–7 apply to the categories of the deciding list entry or, for a host in no list, to the
 * category the host-name classifier reads from its name (with its confidence, when at least the
 * snapshot's minimum).
 *
 * Matching: a URL-prefix entry beats a host entry; the most specific host suffix wins; a local
 * entry beats a list entry of the same or lower specificity (and block beats allow on a tie).
 * Illegal categories are checked on *every* matching entry, not only the most specific one, so an
 * allow entry on a subdomain cannot hide an IWF or CTIRU entry.
 *
 * Several categories on one entry, or several column groups on one user: each (category, group)
 * pair is decided and the most restrictive outcome wins (block > allow-with-alert > allow; among
 * blocks the more restrictive level names the rule). An entry that is also in an allow-type list
 * (UT1 `white`) is decided on its allow-type categories only.
 */

const INVALID_REASON = 'The address could not be read, so it is blocked.';
const AUA_REASON =
  'Sign the acceptable use agreement first: until you do, only a few safe sites can be reached.';

/** Outcome ranks; a higher rank is more restrictive. */
const RANK_ALLOW = 10;
const RANK_ALERT = 20;
const RANK_BLOCK = 30;

function blockRank(level: Level): number {
  return RANK_BLOCK + LEVELS.indexOf(level);
}

/** True when the host is already lower-case ASCII without port, brackets or trailing dot. */
function isNormalHost(host: string): boolean {
  const n = host.length;
  if (n === 0 || n > 253) return false;
  for (let i = 0; i < n; i++) {
    const c = host.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95))
      return false;
  }
  return host.charCodeAt(n - 1) !== 46;
}

function decision(
  action: Action,
  ruleId: string,
  reason: string,
  host: string,
  category: string | null = null,
  categories: readonly string[] = NO_CATEGORIES,
  list: ListMatch | null = null,
  level: Level | null = null,
  group: string | null = null,
  band: BandInfo | null = null,
  confidence = 1,
): Decision {
  return {
    action,
    ruleId,
    category,
    categories,
    list,
    confidence,
    level,
    group,
    band,
    reason,
    host,
  };
}

const NO_CATEGORIES: readonly string[] = Object.freeze([]);

/** The best (most restrictive) outcome over categories × groups. Reused; single-threaded. */
interface Outcome {
  rank: number;
  category: number;
  group: number;
  cell: CompiledCell | null;
  /** Band index in the cell (allowed by a band), -1. */
  band: number;
  /** Nominated index in the cell, -1. */
  nominated: number;
  /** Exemption index (category exemption), -1. */
  exemption: number;
  /** Index into the set's categories (for the list name), -1. */
  at: number;
}

function newOutcome(): Outcome {
  return {
    rank: -1,
    category: -1,
    group: -1,
    cell: null,
    band: -1,
    nominated: -1,
    exemption: -1,
    at: -1,
  };
}

const OUTCOMES = new WeakMap<Snapshot, Outcome>();

export function evaluate(snapshot: Snapshot, request: EngineRequest, now: Date): Decision {
  const s = snapshot.scratch;
  const nowMs = now.getTime();

  // --- the target
  let host: string;
  let path: string | null = null;
  let queryAt = -1;
  if (request.url !== undefined) {
    const split = splitUrl(request.url);
    if (split === null) return decision('block', 'invalid', INVALID_REASON, request.url);
    host = split.host;
    if (split.hasPath) {
      path = split.path.toLowerCase();
      queryAt = path.indexOf('?');
    }
  } else {
    const raw = request.host ?? '';
    const normal = isNormalHost(raw) ? raw : normaliseHost(raw);
    if (normal === null) return decision('block', 'invalid', INVALID_REASON, raw);
    host = normal;
  }
  const keys = s.keys;
  if (hashSuffixes(host, keys) <= 0) return decision('block', 'invalid', INVALID_REASON, host);

  // --- list entries: host hits (most specific first), then URL hits
  const hits = s.hits;
  hits.count = 0;
  matchHosts(snapshot.lists, keys, hits);
  const hostHits = hits.count;
  if (path !== null) snapshot.lists.urls.match(keys, path, queryAt, hits);

  // 1. illegal, on every matching entry
  for (let i = 0; i < hits.count; i++) {
    const set = snapshot.sets[hits.set[i] ?? 0];
    if (set !== undefined && set.illegalAt >= 0) {
      return illegalDecision(
        snapshot,
        set,
        set.illegalAt,
        host,
        listMatch(snapshot, host, i, hostHits, set, set.illegalAt),
      );
    }
  }

  // --- the user's groups
  const groupCount = resolveGroups(snapshot, request.groups, s.groups);

  // --- local entries (the most specific one that applies to the user's groups)
  let localBest = -1;
  let localSpec = -1;
  const targets = s.targets;
  snapshot.local.collect(keys, path, queryAt, targets);
  for (let i = 0; i < targets.count; i++) {
    const entry = snapshot.localEntries[targets.item[i] ?? 0];
    if (entry === undefined) continue;
    if (entry.groups !== null && !anyMember(entry.groups, s.groups, groupCount)) continue;
    const spec = specificity(targets.pathLength[i] ?? 0, host.length - (targets.start[i] ?? 0));
    if (spec > localSpec || (spec === localSpec && entry.action === 'block')) {
      localBest = targets.item[i] ?? 0;
      localSpec = spec;
    }
  }
  const local = localBest >= 0 ? snapshot.localEntries[localBest] : undefined;
  if (local !== undefined && local.action === 'block' && local.category >= 0) {
    const c = snapshot.categories[local.category];
    if (c !== undefined && c.illegal) {
      return decision(
        'block',
        c.illegalRuleId,
        c.illegalReason,
        host,
        c.id,
        [c.id],
        { kind: 'local', name: 'local', entry: local.text },
        'unacceptable-and-illegal',
      );
    }
  }

  // 2. help is never blocked
  if (snapshot.help.collect(keys, path, queryAt, targets) > 0) {
    const h = snapshot.helpEntries[targets.item[0] ?? 0];
    if (h !== undefined) {
      return decision('allow', h.ruleId, h.reason, host, null, NO_CATEGORIES, {
        kind: 'help',
        name: 'help',
        entry: h.text,
      });
    }
  }

  // 2a. acceptable use agreement not signed (GOV-4): only the school's safe list until signed
  const aua = snapshot.auaSafeList;
  if (aua !== undefined && request.user !== undefined) {
    const from = aua.users.get(request.user);
    if (
      from !== undefined &&
      nowMs >= from &&
      aua.hosts.collect(keys, path, queryAt, targets) === 0
    ) {
      return decision('block', 'aua:unsigned', AUA_REASON, host);
    }
  }

  // 3. host/URL exemptions
  if (snapshot.exemptionTargets.collect(keys, path, queryAt, targets) > 0) {
    for (let i = 0; i < targets.count; i++) {
      const x = snapshot.exemptions[targets.item[i] ?? 0];
      if (x === undefined || !exemptionApplies(x, nowMs, request.user, s.groups, groupCount))
        continue;
      return decision('allow', x.ruleId, x.reason, host, null, NO_CATEGORIES, {
        kind: 'exemption',
        name: 'exemption',
        entry: x.text,
      });
    }
  }

  // --- the deciding list entry: a URL hit beats host hits; the most specific of each comes first
  let hitAt = -1;
  if (hits.count > hostHits) hitAt = hostHits;
  else if (hostHits > 0) hitAt = 0;
  let listSpec = -1;
  if (hitAt >= 0) {
    const g = hits.group[hitAt] ?? -1;
    const pathLen = g >= 0 ? snapshot.lists.urls.pathLength(g, hits.path[hitAt] ?? 0) : 0;
    listSpec = specificity(
      g >= 0 ? Math.max(pathLen, 1) : 0,
      host.length - (hits.start[hitAt] ?? 0),
    );
  }

  // 4. local entries beat list entries that are not more specific
  if (local !== undefined && localSpec >= listSpec) {
    const match: ListMatch = { kind: 'local', name: 'local', entry: local.text };
    if (local.action === 'allow') {
      return decision('allow', local.ruleId, local.reason, host, null, NO_CATEGORIES, match);
    }
    const c = local.category >= 0 ? snapshot.categories[local.category] : undefined;
    const x =
      c === undefined
        ? -1
        : categoryExemption(snapshot, c.index, nowMs, request.user, s.groups, groupCount);
    const ex = x >= 0 ? snapshot.exemptions[x] : undefined;
    if (ex !== undefined) {
      return decision(
        'allow',
        ex.ruleId,
        ex.reason,
        host,
        c?.id ?? null,
        c === undefined ? NO_CATEGORIES : [c.id],
        match,
      );
    }
    return decision(
      'block',
      local.ruleId,
      local.reason,
      host,
      c?.id ?? null,
      c === undefined ? NO_CATEGORIES : [c.id],
      match,
      'unacceptable',
    );
  }

  // 5–7. categories of the list entry
  if (hitAt >= 0) {
    const set = snapshot.sets[hits.set[hitAt] ?? 0];
    if (set !== undefined && set.categories.length > 0) {
      const o = decideSet(snapshot, set, -1, request.user, groupCount, nowMs);
      return outcomeDecision(
        snapshot,
        o,
        host,
        set,
        listMatch(snapshot, host, hitAt, hostHits, set, o.at),
        1,
        nowMs,
      );
    }
  }

  // --- hosts in no list: the host-name classifier
  const classifier = snapshot.classifier;
  if (classifier !== null) {
    const guess = classifier.classify(host);
    if (guess !== null && guess.confidence >= snapshot.classifierMinConfidence) {
      const ci = snapshot.categoryIndex.get(guess.category);
      const c = ci === undefined ? undefined : snapshot.categories[ci];
      if (c !== undefined && !c.illegal) {
        const o = decideSet(snapshot, null, c.index, request.user, groupCount, nowMs);
        const words = guess.tokens.join(' ');
        const match: ListMatch = { kind: 'classifier', name: 'classifier', entry: words };
        const note = ` Haven judged the category from the site's name (${words}).`;
        return outcomeDecision(snapshot, o, host, null, match, guess.confidence, nowMs, note);
      }
    }
  }

  // 8. default
  let blockGroup = -1;
  for (let k = 0; k < groupCount; k++) {
    const g = snapshot.groups[s.groups[k] ?? 0];
    if (g !== undefined && g.column && g.uncategorised === 'block') {
      blockGroup = g.index;
      break;
    }
  }
  if (blockGroup >= 0) {
    const g = snapshot.groups[blockGroup];
    return decision(
      'block',
      g?.defaultRuleId ?? 'default',
      g?.defaultReason ?? '',
      host,
      null,
      NO_CATEGORIES,
      null,
      null,
      g?.id ?? null,
    );
  }
  const first = columnGroup(snapshot, groupCount);
  const g = snapshot.groups[first];
  return decision(
    'allow',
    'default',
    g?.defaultReason ?? 'This site is not in a blocked category.',
    host,
  );
}

/** Specificity of a match: URL entries above host entries, then host suffix length, then path length. */
function specificity(pathLength: number, hostSuffixLength: number): number {
  return (pathLength > 0 ? 1_000_000 : 0) + hostSuffixLength * 1000 + Math.min(pathLength, 999);
}

/** Fills `out` with the request's group indices; returns the count. Adds the fallback group when no column group is named. */
function resolveGroups(snapshot: Snapshot, ids: readonly string[], out: Int32Array): number {
  let n = 0;
  let columns = 0;
  for (let i = 0; i < ids.length && n < out.length - 1; i++) {
    const gi = snapshot.groupIndex.get(ids[i] ?? '');
    if (gi === undefined) continue;
    out[n++] = gi;
    if (snapshot.groups[gi]?.column === true) columns++;
  }
  if (columns === 0) out[n++] = snapshot.fallbackGroup;
  return n;
}

function columnGroup(snapshot: Snapshot, count: number): number {
  const groups = snapshot.scratch.groups;
  for (let k = 0; k < count; k++) {
    const gi = groups[k] ?? 0;
    if (snapshot.groups[gi]?.column === true) return gi;
  }
  return snapshot.fallbackGroup;
}

function anyMember(wanted: readonly number[], groups: Int32Array, count: number): boolean {
  for (let k = 0; k < count; k++) if (wanted.includes(groups[k] ?? -1)) return true;
  return false;
}

function exemptionApplies(
  x: {
    fromMs: number;
    untilMs: number;
    groups: readonly number[];
    users: readonly string[] | null;
  },
  nowMs: number,
  user: string | undefined,
  groups: Int32Array,
  count: number,
): boolean {
  if (nowMs < x.fromMs || nowMs >= x.untilMs) return false;
  if (x.users !== null && (user === undefined || !x.users.includes(user))) return false;
  return anyMember(x.groups, groups, count);
}

function categoryExemption(
  snapshot: Snapshot,
  category: number,
  nowMs: number,
  user: string | undefined,
  groups: Int32Array,
  count: number,
): number {
  for (const xi of snapshot.categoryExemptions) {
    const x = snapshot.exemptions[xi];
    if (
      x !== undefined &&
      x.category === category &&
      exemptionApplies(x, nowMs, user, groups, count)
    )
      return xi;
  }
  return -1;
}

function listMatch(
  snapshot: Snapshot,
  host: string,
  i: number,
  hostHits: number,
  set: CompiledSet,
  at: number,
): ListMatch {
  const hits = snapshot.scratch.hits;
  const name = set.lists[at < 0 ? 0 : at] ?? '';
  if (i >= hostHits) {
    return {
      kind: 'url',
      name,
      entry: snapshot.lists.urls.entryText(hits.group[i] ?? 0, hits.path[i] ?? 0),
    };
  }
  return { kind: 'host', name, entry: host.slice(hits.start[i] ?? 0) };
}

function illegalDecision(
  snapshot: Snapshot,
  set: CompiledSet,
  at: number,
  host: string,
  match: ListMatch,
): Decision {
  const c = snapshot.categories[set.categories[at] ?? 0];
  return decision(
    'block',
    c?.illegalRuleId ?? 'illegal',
    c?.illegalReason ?? '',
    host,
    c?.id ?? null,
    set.ids,
    match,
    'unacceptable-and-illegal',
  );
}

/**
 * Decides every (category, column group) pair of a set — or of one category when `set` is null —
 * and keeps the most restrictive outcome.
 */
function decideSet(
  snapshot: Snapshot,
  set: CompiledSet | null,
  single: number,
  user: string | undefined,
  groupCount: number,
  nowMs: number,
): Outcome {
  let o = OUTCOMES.get(snapshot);
  if (o === undefined) {
    o = newOutcome();
    OUTCOMES.set(snapshot, o);
  }
  o.rank = -1;
  o.category = -1;
  o.group = -1;
  o.cell = null;
  o.band = -1;
  o.nominated = -1;
  o.exemption = -1;
  o.at = -1;
  const groups = snapshot.scratch.groups;
  const G = snapshot.groups.length;
  const count = set === null ? 1 : set.categories.length;
  let moment: LocalMoment | null = null;
  for (let a = 0; a < count; a++) {
    const ci = set === null ? single : (set.categories[a] ?? 0);
    const category = snapshot.categories[ci];
    if (category === undefined) continue;
    if (set !== null && set.allowTypeOnly && !category.allowType) continue;
    const exemption = categoryExemption(snapshot, ci, nowMs, user, groups, groupCount);
    for (let k = 0; k < groupCount; k++) {
      const gi = groups[k] ?? 0;
      const group = snapshot.groups[gi];
      if (group === undefined || !group.column) continue;
      const cell = snapshot.cells[ci * G + gi];
      if (cell === undefined) continue;
      let rank: number;
      let band = -1;
      let nominated = -1;
      let exempt = -1;
      if (cell.kind === CellKind.Illegal) {
        rank = blockRank('unacceptable-and-illegal');
      } else if (exemption >= 0 && cell.kind !== CellKind.Allow) {
        rank = RANK_ALLOW;
        exempt = exemption;
      } else if (cell.kind === CellKind.Allow) {
        rank = category.flag ? RANK_ALERT : RANK_ALLOW;
      } else if (cell.kind === CellKind.Nominated) {
        for (let m = 0; m < cell.nominated.length && nominated < 0; m++) {
          for (let q = 0; q < groupCount; q++) {
            if (groups[q] === cell.nominated[m]) {
              nominated = m;
              break;
            }
          }
        }
        rank = nominated >= 0 ? RANK_ALERT : blockRank(cell.level);
      } else if (cell.kind === CellKind.Band) {
        moment ??= snapshot.clock.at(nowMs);
        for (let b = 0; b < cell.bands.length; b++) {
          const compiled = cell.bands[b];
          if (compiled !== undefined && bandActive(compiled, moment)) {
            band = b;
            break;
          }
        }
        rank = band >= 0 ? (category.flag ? RANK_ALERT : RANK_ALLOW) : blockRank(cell.level);
      } else {
        rank = blockRank(cell.level);
      }
      if (rank > o.rank) {
        o.rank = rank;
        o.category = ci;
        o.group = gi;
        o.cell = cell;
        o.band = band;
        o.nominated = nominated;
        o.exemption = exempt;
        o.at = set === null ? -1 : a;
      }
    }
  }
  return o;
}

function outcomeDecision(
  snapshot: Snapshot,
  o: Outcome,
  host: string,
  set: CompiledSet | null,
  match: ListMatch,
  confidence: number,
  nowMs: number,
  note = '',
): Decision {
  const category = snapshot.categories[o.category];
  const cell = o.cell;
  const categories =
    set === null ? (category === undefined ? NO_CATEGORIES : [category.id]) : set.ids;
  if (cell === null || category === undefined) {
    return decision(
      'allow',
      'default',
      'This site is not in a blocked category.',
      host,
      null,
      categories,
      match,
      null,
      null,
      null,
      confidence,
    );
  }
  let action: Action = 'block';
  let ruleId = cell.ruleId;
  let reason = cell.blockReason;
  let group: string | null = snapshot.groups[o.group]?.id ?? null;
  let band: BandInfo | null = null;
  if (cell.kind === CellKind.Illegal) {
    ruleId = category.illegalRuleId;
    reason = category.illegalReason;
    group = null;
  } else if (o.exemption >= 0) {
    const x = snapshot.exemptions[o.exemption];
    action = 'allow';
    ruleId = x?.ruleId ?? 'exemption';
    reason = x?.reason ?? '';
  } else if (o.rank < RANK_BLOCK) {
    action = o.rank === RANK_ALERT ? 'allow-with-alert' : 'allow';
    if (o.nominated >= 0) {
      action = 'allow-with-alert';
      ruleId = cell.nominatedRuleIds[o.nominated] ?? cell.ruleId;
      reason = cell.nominatedReasons[o.nominated] ?? '';
      group = snapshot.groups[cell.nominated[o.nominated] ?? -1]?.id ?? group;
    } else if (o.band >= 0) {
      const b = cell.bands[o.band];
      ruleId = cell.bandRuleIds[o.band] ?? cell.ruleId;
      reason = cell.bandReasons[o.band] ?? '';
      band =
        b === undefined
          ? null
          : { id: b.id, label: b.label, hours: b.hours, active: true, next: null };
    } else if (action === 'allow-with-alert') {
      ruleId = cell.flagRuleId;
      reason = cell.flagReason;
    } else {
      reason = cell.allowReason;
    }
  } else if (cell.kind === CellKind.Band) {
    ruleId = cell.blockedBandRuleId;
    band = nextBand(snapshot, cell, nowMs);
  }
  if (note !== '') reason += note;
  return decision(
    action,
    ruleId,
    reason,
    host,
    category.id,
    categories,
    match,
    cell.level,
    group,
    band,
    confidence,
  );
}

function nextBand(snapshot: Snapshot, cell: CompiledCell, nowMs: number): BandInfo | null {
  const moment = snapshot.clock.at(nowMs);
  const next = nextBandStart(cell.bands, moment);
  const band = next?.band ?? cell.bands[0];
  if (band === undefined) return null;
  return {
    id: band.id,
    label: band.label,
    hours: band.hours,
    active: false,
    next:
      next === null
        ? null
        : {
            date: dateOfDay(next.day),
            weekday: WEEKDAY_NAMES[(((next.day + 3) % 7) + 7) % 7] ?? '',
            time: formatMinute(next.minute),
          },
  };
}
