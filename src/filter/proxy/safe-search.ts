import {
  safeSearchCname,
  safeSearchHttp,
  safeSearchLevelFor,
  searchServiceOf,
  type SafeSearchSettings,
  type SearchService,
} from '../safe-search.ts';

/**
 * Safe search on the way through the proxy (FIL-8), with the settings the DNS filter uses
 * (`src/filter/safe-search.ts`: which services, and what each group gets — by default pupils,
 * visitors and guests strict; staff unchanged search and YouTube's moderate Restricted Mode).
 *
 * - Plain HTTP: a search page gets the service's own URL parameter — Google `safe=active`, Bing
 *   `adlt=strict`, DuckDuckGo `kp=1` — replacing any value the person chose; YouTube requests
 *   carry `YouTube-Restrict: Strict` (or `Moderate`).
 * - HTTPS (CONNECT): the proxy cannot see the URL, so the tunnel to a search service is opened to
 *   the name the service asks networks to use instead (`forcesafesearch.google.com`,
 *   `strict.bing.com`, `safe.duckduckgo.com`, `restrict.youtube.com`): the same answer the DNS
 *   filter gives. Those names serve the real names' certificates, so the browser sees no
 *   difference except safe results.
 *
 * Pure functions over a normalised host name and an origin-form path.
 */

export type { SearchService };

/** True when the path is one of the service's search pages (where the safe parameter applies). */
export function isSearchPath(service: SearchService, path: string): boolean {
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  switch (service) {
    case 'google':
      return p === '/search' || p === '/images' || p === '/webhp' || p.startsWith('/search/');
    case 'bing':
      return (
        p === '/search' || p === '/images/search' || p === '/videos/search' || p === '/news/search'
      );
    case 'duckduckgo':
      return (
        (p === '/' || p === '/html' || p === '/html/' || p === '/lite' || p === '/lite/') &&
        path.includes('q=')
      );
    case 'youtube':
      return false;
  }
}

/** Sets `name=value` in the query of `path`, removing every other value of `name`. */
export function setQueryParameter(path: string, name: string, value: string): string {
  const q = path.indexOf('?');
  const base = q < 0 ? path : path.slice(0, q);
  const wanted = `${name}=${value}`;
  if (q < 0 || q === path.length - 1) return `${base}?${wanted}`;
  const kept: string[] = [];
  let seen = false;
  for (const part of path.slice(q + 1).split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key.toLowerCase() === name) {
      if (!seen && part === wanted) {
        kept.push(part);
        seen = true;
      }
      continue;
    }
    kept.push(part);
  }
  if (!seen) kept.push(wanted);
  return `${base}?${kept.join('&')}`;
}

/** What a plain-HTTP request to a search service is forwarded with. */
export interface SafeSearchRequest {
  /** The path to forward (the same string when nothing changed). */
  readonly path: string;
  /** A header to add, as a raw name/value pair, or null. */
  readonly header: readonly [string, string] | null;
}

/**
 * Safe search for a plain-HTTP request by someone in `groups`, or null when the host is no
 * search service or their level leaves it alone. `service` is `searchServiceOf(host)`.
 */
export function safeSearchRequest(
  service: SearchService | null,
  host: string,
  path: string,
  groups: readonly string[],
  settings: SafeSearchSettings,
): SafeSearchRequest | null {
  if (service === null) return null;
  const http = safeSearchHttp(host, safeSearchLevelFor(groups, settings));
  if (http === null) return null;
  const param = http.param;
  return {
    path:
      param !== null && isSearchPath(service, path)
        ? setQueryParameter(path, param.name, param.value)
        : path,
    header: http.header === null ? null : [http.header.name, http.header.value],
  };
}

/**
 * For CONNECT: the name to open the tunnel to instead of `host` (the service's enforced-safe
 * name), or null when `host` is no search service or the level leaves it alone.
 */
export function safeSearchTunnelHost(
  host: string,
  groups: readonly string[],
  settings: SafeSearchSettings,
): string | null {
  if (searchServiceOf(host) === null) return null;
  return safeSearchCname(host, safeSearchLevelFor(groups, settings));
}

export { searchServiceOf };

/** The search service of a host, or null (the name the Squid decider imports). */
export const searchEngineOf: (host: string) => SearchService | null = searchServiceOf;
