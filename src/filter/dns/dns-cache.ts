import type { PreparedAnswer } from './dns-answers.ts';

/**
 * The answer cache: keyed by (name, type, class), bounded in entries with least-recently-used
 * eviction, each entry kept for its TTL clamped to [minTtl, maxTtl] (negative answers to
 * [minTtl, maxNegativeTtl]). Time is an argument (milliseconds), so tests need no clock.
 */

export interface DnsCacheSettings {
  /** Most entries kept; the least recently used goes first. Default 50,000. */
  readonly maxEntries: number;
  /** Seconds an answer is kept at least (raises shorter TTLs). Default 0. */
  readonly minTtl: number;
  /** Seconds an answer is kept at most. Default 86,400. */
  readonly maxTtl: number;
  /** Seconds a negative answer (NXDOMAIN, NODATA) is kept at most. Default 3,600. */
  readonly maxNegativeTtl: number;
}

export const DEFAULT_CACHE_SETTINGS: DnsCacheSettings = Object.freeze({
  maxEntries: 50_000,
  minTtl: 0,
  maxTtl: 86_400,
  maxNegativeTtl: 3_600,
});

export interface CacheEntry {
  readonly answer: PreparedAnswer;
  /** When it was stored (ms). */
  readonly storedAt: number;
  /** When it stops being served (ms). */
  readonly expiresAt: number;
}

export interface DnsCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  /** Entries pushed out by the size bound. */
  evictions: number;
  /** Entries found expired when asked for. */
  expired: number;
}

/** The cache key of a question. */
export function cacheKey(name: string, qtype: number, qclass: number): string {
  return qclass === 1 ? `${qtype}:${name}` : `${qtype}/${qclass}:${name}`;
}

export class DnsCache {
  readonly settings: DnsCacheSettings;
  readonly #entries = new Map<string, CacheEntry>();
  #bytes = 0;
  readonly #stats = { hits: 0, misses: 0, evictions: 0, expired: 0 };

  constructor(settings: Partial<DnsCacheSettings> = {}) {
    this.settings = { ...DEFAULT_CACHE_SETTINGS, ...settings };
    if (this.settings.maxEntries < 0 || this.settings.minTtl > this.settings.maxTtl) {
      throw new RangeError('DNS cache: maxEntries must be ≥ 0 and minTtl ≤ maxTtl');
    }
  }

  /** The live entry for `key`, marked as most recently used; undefined on a miss. */
  get(key: string, nowMs: number): CacheEntry | undefined {
    const entries = this.#entries;
    const entry = entries.get(key);
    if (entry === undefined) {
      this.#stats.misses++;
      return undefined;
    }
    entries.delete(key);
    if (entry.expiresAt <= nowMs) {
      this.#bytes -= entry.answer.message.length;
      this.#stats.expired++;
      this.#stats.misses++;
      return undefined;
    }
    entries.set(key, entry);
    this.#stats.hits++;
    return entry;
  }

  /** Seconds `answer` would be kept, after clamping; 0 when it is not cached. */
  ttlFor(answer: PreparedAnswer): number {
    if (answer.ttl < 0) return 0;
    const s = this.settings;
    const max = answer.negative ? Math.min(s.maxNegativeTtl, s.maxTtl) : s.maxTtl;
    return Math.min(Math.max(answer.ttl, s.minTtl), max);
  }

  /** Stores an answer when it is cacheable; returns the entry (also when not stored). */
  set(key: string, answer: PreparedAnswer, nowMs: number): CacheEntry {
    const ttl = this.ttlFor(answer);
    const entry: CacheEntry = { answer, storedAt: nowMs, expiresAt: nowMs + ttl * 1000 };
    if (ttl <= 0 || this.settings.maxEntries === 0) return entry;
    const entries = this.#entries;
    const old = entries.get(key);
    if (old !== undefined) {
      entries.delete(key);
      this.#bytes -= old.answer.message.length;
    }
    entries.set(key, entry);
    this.#bytes += answer.message.length;
    while (entries.size > this.settings.maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      const gone = entries.get(oldest.value);
      entries.delete(oldest.value);
      if (gone !== undefined) this.#bytes -= gone.answer.message.length;
      this.#stats.evictions++;
    }
    return entry;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  stats(): DnsCacheStats {
    return { entries: this.#entries.size, bytes: this.#bytes, ...this.#stats };
  }
}
