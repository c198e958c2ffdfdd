import { hashSuffixes, SuffixKeys } from './host-hash.ts';
import { type HostTable, HostTableBuilder } from './host-table.ts';
import { normaliseHost } from './host-name.ts';

/**
 * The block and allow lists, indexed for lookups: a compact host table (squidGuard `domains`
 * semantics) and a URL-prefix table (squidGuard `urls`, IWF URL entries).
 *
 * Entries are tagged with `(category, list)` pairs. A domain listed in several categories or lists
 * carries a *set* of tags; sets are interned, so each table slot stores one 32-bit set number.
 * Host names are not kept: the entry that matched a query is the query's own suffix.
 *
 * Semantics:
 * - a host entry `example.com` covers `example.com` and every subdomain; the most specific
 *   listed suffix wins; IP addresses match only as a whole; case and trailing dots do not matter;
 *   internationalised names are compared in punycode.
 * - a URL entry `example.com/path` (scheme-less; a leading `www.`/`www2.` is dropped) covers the
 *   host and its subdomains and the paths that start with `/path` at a segment boundary (`/path`,
 *   `/path/…`; an entry ending in `/` is a plain prefix). Paths compare case-insensitively. The
 *   request's query string is ignored unless the entry has one (then `?a=1` also matches `?a=1&…`).
 *   An entry with an empty path is a host entry.
 */

/** A `(category, list)` pair: the Haven category and the list (source) that put an entry in it. */
export interface ListTag {
  readonly category: string;
  /** A readable list name such as `ut1/gambling` or `iwf`. */
  readonly list: string;
}

/** Hits of one lookup, most specific first. Reused across calls. */
export class MatchHits {
  /** Set numbers (see `ListIndex.sets`). */
  readonly set = new Int32Array(256);
  /** Where the matched host suffix starts in the query host. */
  readonly start = new Int32Array(256);
  /** For URL hits: the host group and path of the entry (for explanations); -1 for host hits. */
  readonly group = new Int32Array(256);
  readonly path = new Int32Array(256);
  count = 0;
}

interface UrlGroup {
  /** Lower-case paths, longest first. */
  readonly paths: string[];
  readonly sets: number[];
  /** True when the entry has a query string. */
  readonly query: boolean[];
  /** The host of the entries (after dropping `www.`), for explanations. */
  readonly host: string;
}

/**
 * True when a URL entry's path covers a request path. `path` is the request's lower-case path
 * with its query; `pathLength` is where its query starts (or its length). An entry without a
 * query covers `/entry`, `/entry/…` (or anything after an entry ending in `/`); an entry with a
 * query covers that query and `…&more`.
 */
export function pathCovers(
  entry: string,
  withQuery: boolean,
  path: string,
  pathLength: number,
): boolean {
  const limit = withQuery ? path.length : pathLength;
  if (entry.length > limit || !path.startsWith(entry)) return false;
  if (entry.length === limit) return true;
  const next = path.charCodeAt(entry.length);
  const last = entry.charCodeAt(entry.length - 1);
  return withQuery
    ? next === 38 /* & */ || last === 38 || last === 63 /* ? */
    : next === 47 /* / */ || last === 47;
}

/** URL-prefix entries grouped by host. */
export class UrlTable {
  private readonly hosts: HostTable;
  private readonly groups: readonly UrlGroup[];
  readonly size: number;

  /** @internal */
  constructor(hosts: HostTable, groups: readonly UrlGroup[], size: number) {
    this.hosts = hosts;
    this.groups = groups;
    this.size = size;
  }

  /**
   * Finds the URL entries that cover a request. `keys` are the suffix hashes of the request host;
   * `path` is the lower-case path with its query (starting with `/`), `queryAt` the index of `?`
   * in it or -1. Hits are appended to `out`, most specific host first, longest path first.
   */
  match(keys: SuffixKeys, path: string, queryAt: number, out: MatchHits): number {
    if (this.size === 0) return 0;
    const pathLength = queryAt < 0 ? path.length : queryAt;
    let found = 0;
    for (let k = keys.count - 1; k >= 0; k--) {
      const g = this.hosts.get(keys.hi[k] ?? 0, keys.lo[k] ?? 0);
      if (g < 0) continue;
      const group = this.groups[g];
      if (group === undefined) continue;
      for (let e = 0; e < group.paths.length; e++) {
        const entry = group.paths[e] ?? '';
        const withQuery = group.query[e] === true;
        if (!pathCovers(entry, withQuery, path, pathLength)) continue;
        const n = out.count;
        if (n >= out.set.length) return found;
        out.set[n] = group.sets[e] ?? 0;
        out.start[n] = keys.start[k] ?? 0;
        out.group[n] = g;
        out.path[n] = e;
        out.count = n + 1;
        found++;
      }
    }
    return found;
  }

  /** Length of the path of a URL entry found by `match` (its specificity). */
  pathLength(group: number, path: number): number {
    return this.groups[group]?.paths[path]?.length ?? 0;
  }

  /** The text of a URL entry found by `match` (`host/path`), for explanations. */
  entryText(group: number, path: number): string {
    const g = this.groups[group];
    if (g === undefined) return '';
    return g.host + (g.paths[path] ?? '');
  }
}

export interface ListIndex {
  readonly tags: readonly ListTag[];
  /** Interned tag sets: `sets[n]` is a sorted array of indices into `tags`. */
  readonly sets: readonly (readonly number[])[];
  /** Host key → set number. */
  readonly hosts: HostTable;
  readonly urls: UrlTable;
}

/** Interns tags and sets of tags. */
class TagInterner {
  readonly tags: ListTag[] = [];
  readonly sets: number[][] = [];
  private readonly tagIds = new Map<string, number>();
  private readonly setIds = new Map<string, number>();
  private readonly singletons: number[] = [];
  private lastCategory = '';
  private lastList = '';
  private lastTag = -1;

  tag(category: string, list: string): number {
    if (category === this.lastCategory && list === this.lastList && this.lastTag >= 0)
      return this.lastTag;
    const key = `${category}\u0000${list}`;
    let id = this.tagIds.get(key);
    if (id === undefined) {
      id = this.tags.length;
      this.tags.push({ category, list });
      this.tagIds.set(key, id);
      this.singletons.push(this.intern([id]));
    }
    this.lastCategory = category;
    this.lastList = list;
    this.lastTag = id;
    return id;
  }

  singleton(tag: number): number {
    return this.singletons[tag] ?? this.intern([tag]);
  }

  intern(sortedTags: number[]): number {
    const key = sortedTags.join(',');
    let id = this.setIds.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(sortedTags);
      this.setIds.set(key, id);
    }
    return id;
  }

  union(a: number, b: number): number {
    const merged = new Set([...(this.sets[a] ?? []), ...(this.sets[b] ?? [])]);
    return this.intern([...merged].sort((x, y) => x - y));
  }
}

const WWW_PREFIX = /^www\d*\./;

/** The parts of a URL-prefix entry, normalised; `null` when the host is unusable. */
export function parseUrlEntry(text: string): { host: string; path: string } | null {
  let s = text.trim();
  const scheme = s.indexOf('://');
  if (scheme >= 0 && scheme < 12) s = s.slice(scheme + 3);
  const hash = s.indexOf('#');
  if (hash >= 0) s = s.slice(0, hash);
  let slash = s.search(/[/?]/);
  if (slash < 0) slash = s.length;
  const host = normaliseHost(s.slice(0, slash));
  if (host === null) return null;
  let path = s.slice(slash);
  if (path.startsWith('?')) path = '/' + path;
  return { host: host.replace(WWW_PREFIX, ''), path: path.toLowerCase() };
}

/**
 * Collects list entries while lists stream in, then builds a `ListIndex`. Adding returns false
 * for an entry whose host cannot be normalised (the caller reports it as a bad line).
 */
export class ListIndexBuilder {
  private readonly interner = new TagInterner();
  private readonly hostKeys: HostTableBuilder;
  private readonly urlGroups = new Map<string, Map<string, number>>();
  private urlCount = 0;
  private readonly keys = new SuffixKeys();

  constructor(expectedHosts = 1024) {
    this.hostKeys = new HostTableBuilder(expectedHosts);
  }

  /** Number of host entries added so far (duplicates included). */
  get hostEntries(): number {
    return this.hostKeys.length;
  }

  get urlEntries(): number {
    return this.urlCount;
  }

  /** Adds a host entry (`example.com`, `.example.com`, `*.example.com`, an IP address). */
  addHost(host: string, category: string, list: string): boolean {
    let h = host;
    if (h.startsWith('*.')) h = h.slice(2);
    else if (h.startsWith('.')) h = h.slice(1);
    let n = hashSuffixes(h, this.keys);
    if (n < 0 || h.charCodeAt(0) === 46 || h.includes('..')) {
      const normal = normaliseHost(h);
      if (normal === null || normal.startsWith('.') || normal.includes('..')) return false;
      n = hashSuffixes(normal, this.keys);
    }
    if (n <= 0) return false;
    const set = this.interner.singleton(this.interner.tag(category, list));
    this.hostKeys.add(this.keys.hi[n - 1] ?? 0, this.keys.lo[n - 1] ?? 0, set);
    return true;
  }

  /** Adds a URL-prefix entry (`example.com/path`, with or without scheme). */
  addUrl(url: string, category: string, list: string): boolean {
    const parsed = parseUrlEntry(url);
    if (parsed === null || parsed.host.startsWith('.') || parsed.host.includes('..')) return false;
    if (parsed.path === '' || parsed.path === '/') return this.addHost(parsed.host, category, list);
    const set = this.interner.singleton(this.interner.tag(category, list));
    let group = this.urlGroups.get(parsed.host);
    if (group === undefined) {
      group = new Map();
      this.urlGroups.set(parsed.host, group);
    }
    const old = group.get(parsed.path);
    group.set(parsed.path, old === undefined ? set : this.interner.union(old, set));
    this.urlCount++;
    return true;
  }

  build(): ListIndex {
    const interner = this.interner;
    const hosts = this.hostKeys.build((a, b) => interner.union(a, b));
    const groupKeys = new HostTableBuilder(this.urlGroups.size);
    const groups: UrlGroup[] = [];
    let urlSize = 0;
    for (const [host, paths] of this.urlGroups) {
      const n = hashSuffixes(host, this.keys);
      if (n <= 0) continue;
      const sorted = [...paths].sort((x, y) => y[0].length - x[0].length || (x[0] < y[0] ? -1 : 1));
      groupKeys.add(this.keys.hi[n - 1] ?? 0, this.keys.lo[n - 1] ?? 0, groups.length);
      groups.push({
        host,
        paths: sorted.map(([p]) => p),
        sets: sorted.map(([, s]) => s),
        query: sorted.map(([p]) => p.includes('?')),
      });
      urlSize += sorted.length;
    }
    this.urlGroups.clear();
    const urls = new UrlTable(
      groupKeys.build((a) => a),
      groups,
      urlSize,
    );
    return { tags: interner.tags, sets: interner.sets, hosts, urls };
  }
}

/** Looks up the host entries covering a host whose suffix keys are in `keys`; most specific first. */
export function matchHosts(index: ListIndex, keys: SuffixKeys, out: MatchHits): number {
  let found = 0;
  for (let k = keys.count - 1; k >= 0; k--) {
    const set = index.hosts.get(keys.hi[k] ?? 0, keys.lo[k] ?? 0);
    if (set < 0) continue;
    const n = out.count;
    if (n >= out.set.length) break;
    out.set[n] = set;
    out.start[n] = keys.start[k] ?? 0;
    out.group[n] = -1;
    out.path[n] = -1;
    out.count = n + 1;
    found++;
  }
  return found;
}
