import { hashSuffixes, SuffixKeys } from './host-hash.ts';
import { type HostTable, HostTableBuilder } from './host-table.ts';
import { parseUrlEntry, pathCovers } from './list-index.ts';
import { normaliseHost } from './host-name.ts';

/**
 * A small index of host and URL-prefix targets (local allow/block entries, help entries,
 * exemptions) with the same semantics as the list index: a host covers its subdomains, a
 * `host/path` covers paths below it. Each target carries an item number chosen by the caller.
 */

interface Target {
  readonly item: number;
  /** Lower-case path, or null for a host target. */
  readonly path: string | null;
  readonly withQuery: boolean;
}

/** Hits of one `collect` call, most specific host first. Reused across calls. */
export class TargetHits {
  readonly item = new Int32Array(64);
  /** Where the matched host suffix starts in the query host. */
  readonly start = new Int32Array(64);
  /** Length of the matched path (0 for host targets). */
  readonly pathLength = new Int32Array(64);
  count = 0;
}

export class TargetTable {
  private readonly table: HostTable;
  private readonly buckets: readonly (readonly Target[])[];
  readonly size: number;

  private constructor(table: HostTable, buckets: readonly (readonly Target[])[], size: number) {
    this.table = table;
    this.buckets = buckets;
    this.size = size;
  }

  /**
   * Builds the table. `targets` are `[text, item]` pairs where text is a host or `host/path`.
   * Returns the table and the targets that could not be read.
   */
  static build(targets: Iterable<readonly [string, number]>): {
    table: TargetTable;
    invalid: string[];
  } {
    const byHost = new Map<string, Target[]>();
    const invalid: string[] = [];
    let size = 0;
    for (const [text, item] of targets) {
      let host: string | null;
      let path: string | null = null;
      if (/[/?]/.test(text)) {
        const parsed = parseUrlEntry(text);
        host = parsed?.host ?? null;
        if (parsed !== null && parsed.path !== '' && parsed.path !== '/') path = parsed.path;
      } else {
        host = normaliseHost(text.replace(/^\*?\./, ''));
      }
      if (host === null || host.length === 0) {
        invalid.push(text);
        continue;
      }
      let bucket = byHost.get(host);
      if (bucket === undefined) {
        bucket = [];
        byHost.set(host, bucket);
      }
      bucket.push({ item, path, withQuery: path !== null && path.includes('?') });
      size++;
    }
    const keys = new SuffixKeys();
    const builder = new HostTableBuilder(byHost.size);
    const buckets: Target[][] = [];
    for (const [host, bucket] of byHost) {
      const n = hashSuffixes(host, keys);
      if (n <= 0) {
        invalid.push(host);
        continue;
      }
      // longest path first; host targets (null path) last
      bucket.sort((a, b) => (b.path?.length ?? -1) - (a.path?.length ?? -1));
      builder.add(keys.hi[n - 1] ?? 0, keys.lo[n - 1] ?? 0, buckets.length);
      buckets.push(bucket);
    }
    return {
      table: new TargetTable(
        builder.build((a) => a),
        buckets,
        size,
      ),
      invalid,
    };
  }

  /**
   * Collects the targets covering a request: `keys` are its host's suffix hashes; `path` its
   * lower-case path with query, or null for a host-only request (then only host targets match).
   */
  collect(keys: SuffixKeys, path: string | null, queryAt: number, out: TargetHits): number {
    out.count = 0;
    if (this.size === 0) return 0;
    const pathLength = path === null ? 0 : queryAt < 0 ? path.length : queryAt;
    for (let k = keys.count - 1; k >= 0; k--) {
      const b = this.table.get(keys.hi[k] ?? 0, keys.lo[k] ?? 0);
      if (b < 0) continue;
      const bucket = this.buckets[b];
      if (bucket === undefined) continue;
      for (const t of bucket) {
        if (
          t.path !== null &&
          (path === null || !pathCovers(t.path, t.withQuery, path, pathLength))
        ) {
          continue;
        }
        const n = out.count;
        if (n >= out.item.length) return n;
        out.item[n] = t.item;
        out.start[n] = keys.start[k] ?? 0;
        out.pathLength[n] = t.path === null ? 0 : t.path.length;
        out.count = n + 1;
      }
    }
    return out.count;
  }
}
