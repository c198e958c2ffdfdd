import type { SearchService } from '../safe-search.ts';

/**
 * The words a person searched for, read from a plain-HTTP search URL (Google, Bing, DuckDuckGo,
 * YouTube), for the activity event (`searchTerms`, MON-1/MON-2). Pure; never throws.
 */

/** Longest search text kept in an event. */
export const MAX_SEARCH_TERMS = 500;

function termParameter(service: SearchService, path: string): string | null {
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  switch (service) {
    case 'google':
      return p === '/search' || p === '/images' || p === '/webhp' ? 'q' : null;
    case 'bing':
      return p === '/search' || p.endsWith('/search') ? 'q' : null;
    case 'duckduckgo':
      return p === '/' || p.startsWith('/html') || p.startsWith('/lite') ? 'q' : null;
    case 'youtube':
      return p === '/results' ? 'search_query' : null;
  }
}

/** Decodes one `application/x-www-form-urlencoded` value; malformed escapes are kept as typed. */
export function decodeFormValue(value: string): string {
  const spaced = value.includes('+') ? value.replace(/\+/g, ' ') : value;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
}

/**
 * The search terms of a request to `service` (from `searchServiceOf(host)`), or null when the URL
 * is not a search or has no terms. Whitespace is collapsed; at most `MAX_SEARCH_TERMS` characters.
 */
export function searchTermsOf(service: SearchService | null, path: string): string | null {
  if (service === null) return null;
  const name = termParameter(service, path);
  if (name === null) return null;
  const q = path.indexOf('?');
  if (q < 0) return null;
  for (const part of path.slice(q + 1).split('&')) {
    const eq = part.indexOf('=');
    if (eq !== name.length || !part.startsWith(name)) continue;
    const text = decodeFormValue(part.slice(eq + 1))
      .replace(/\s+/g, ' ')
      .trim();
    if (text.length === 0) return null;
    return text.length > MAX_SEARCH_TERMS ? text.slice(0, MAX_SEARCH_TERMS) : text;
  }
  return null;
}
