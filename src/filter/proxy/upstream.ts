import { lookup as dnsLookup } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { Agent } from 'node:http';
import { isIP } from 'node:net';

/**
 * The proxy's side towards the internet: name resolution with a small cache, and one keep-alive
 * connection pool.
 *
 * Connections are pooled by the *address* they go to (`ip:port`), not by host name: for plain
 * HTTP the `Host` header chooses the site, so one kept-alive connection to a shared host (a CDN,
 * a school's web server with many names) serves every name on it, as Squid does.
 */

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to one address; rejects with a Node-style error (`code: 'ENOTFOUND'`…). */
export type LookupFunction = (host: string) => Promise<ResolvedAddress>;

export interface UpstreamOptions {
  /** Time allowed to open a connection to a site. Default 10 s. */
  readonly connectTimeoutMs: number;
  /** Time a site may stay silent once connected (waiting for the answer, or mid-body). Default 60 s. */
  readonly idleTimeoutMs: number;
  /** Connections at once to one address. Default 256. */
  readonly maxSocketsPerOrigin: number;
  /** Connections at once to all sites together. Default 4096. */
  readonly maxTotalSockets: number;
  /** Idle kept-alive connections kept per address. Default 64. */
  readonly maxFreeSockets: number;
  /** How long an idle kept-alive connection is kept. Default 15 s. */
  readonly freeSocketTimeoutMs: number;
  /** Name resolution; default the system resolver (`getaddrinfo`: /etc/hosts, then DNS). */
  readonly lookup: LookupFunction;
  /** How long an answer is cached. Default 30 s; 0 turns the cache off. */
  readonly dnsCacheMs: number;
  /** How long a failed lookup is remembered. Default 5 s. */
  readonly dnsNegativeCacheMs: number;
  /** Names kept in the cache at most. Default 50,000. */
  readonly dnsCacheSize: number;
}

/** The system resolver, as `net.connect` would use it. */
export const systemLookup: LookupFunction = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { family: 0 }, (error, address, family) => {
      if (error) reject(error);
      else resolve({ address, family: family === 6 ? 6 : 4 });
    });
  });

export const DEFAULT_UPSTREAM: UpstreamOptions = {
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  maxSocketsPerOrigin: 256,
  maxTotalSockets: 4096,
  maxFreeSockets: 64,
  freeSocketTimeoutMs: 15_000,
  lookup: systemLookup,
  dnsCacheMs: 30_000,
  dnsNegativeCacheMs: 5_000,
  dnsCacheSize: 50_000,
};

interface CacheEntry {
  readonly address: string | null;
  readonly error: unknown;
  readonly expires: number;
}

/**
 * Cached name resolution. `cached(host)` answers at once when it can (the hot path allocates
 * nothing then); `resolve(host)` asks the lookup once per name however many requests wait for it.
 */
export class HostResolver {
  readonly #options: UpstreamOptions;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #pending = new Map<string, Promise<string>>();

  constructor(options: UpstreamOptions) {
    this.#options = options;
  }

  /** The address of `host` when known (an IP literal is its own address), else undefined. */
  cached(host: string, now: number): string | undefined {
    if (isIP(host) !== 0) return host;
    const entry = this.#cache.get(host);
    if (entry === undefined || entry.address === null || entry.expires <= now) return undefined;
    return entry.address;
  }

  resolve(host: string, now: number): Promise<string> {
    const hit = this.cached(host, now);
    if (hit !== undefined) return Promise.resolve(hit);
    const entry = this.#cache.get(host);
    if (entry !== undefined && entry.address === null && entry.expires > now) {
      return Promise.reject(entry.error);
    }
    let pending = this.#pending.get(host);
    if (pending === undefined) {
      pending = this.#lookup(host);
      this.#pending.set(host, pending);
    }
    return pending;
  }

  async #lookup(host: string): Promise<string> {
    try {
      const { address } = await this.#options.lookup(host);
      this.#remember(host, {
        address,
        error: null,
        expires: Date.now() + this.#options.dnsCacheMs,
      });
      return address;
    } catch (error) {
      this.#remember(host, {
        address: null,
        error,
        expires: Date.now() + this.#options.dnsNegativeCacheMs,
      });
      throw error;
    } finally {
      this.#pending.delete(host);
    }
  }

  #remember(host: string, entry: CacheEntry): void {
    if (this.#options.dnsCacheMs <= 0) return;
    if (this.#cache.size >= this.#options.dnsCacheSize) {
      // drop the oldest tenth (a Map iterates in insertion order)
      let drop = Math.ceil(this.#options.dnsCacheSize / 10);
      for (const key of this.#cache.keys()) {
        this.#cache.delete(key);
        if (--drop <= 0) break;
      }
    }
    this.#cache.delete(host);
    this.#cache.set(host, entry);
  }

  get size(): number {
    return this.#cache.size;
  }
}

/** The keep-alive pool for plain-HTTP requests, bounded per address and in total. */
export function createUpstreamAgent(options: UpstreamOptions): Agent {
  return new Agent({
    keepAlive: true,
    keepAliveMsecs: 1000,
    maxSockets: options.maxSocketsPerOrigin,
    maxTotalSockets: options.maxTotalSockets,
    maxFreeSockets: options.maxFreeSockets,
    timeout: options.freeSocketTimeoutMs,
    scheduling: 'lifo',
    noDelay: true,
  });
}

/** An error with a code, as Node's own network errors carry. */
export function codedError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/**
 * Name resolution through given resolvers (the DNS filter's `filter.dnsUpstreams`), so the proxy
 * and the DNS filter ask the same servers. IP literals and /etc/hosts names are answered by the
 * system first, as `getaddrinfo` would.
 */
export function resolverLookup(servers: readonly { host: string; port: number }[]): LookupFunction {
  const resolver = new Resolver({ timeout: 3000, tries: 2 });
  resolver.setServers(
    servers.map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)),
  );
  return async (host) => {
    const family = isIP(host);
    if (family !== 0) return { address: host, family: family === 6 ? 6 : 4 };
    if (host === 'localhost') return { address: '127.0.0.1', family: 4 };
    try {
      const [address] = await resolver.resolve4(host);
      if (address) return { address, family: 4 };
    } catch {
      // no IPv4 answer: try IPv6 below
    }
    const [address6] = await resolver.resolve6(host);
    if (!address6) throw new Error(`${host} has no address`);
    return { address: address6, family: 6 };
  };
}
