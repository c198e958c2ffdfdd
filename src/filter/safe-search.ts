/**
 * Safe search enforcement (FIL-8), as data and pure functions shared by the DNS filter and the
 * proxy. Each search service publishes a way for a network to force its safe mode:
 *
 * | service    | names                                                  | DNS: CNAME to                  | HTTP (proxy, TLS-inspected)   |
 * |------------|--------------------------------------------------------|--------------------------------|-------------------------------|
 * | Google     | `google.<tld>`, `www.google.<tld>` (Google's own list)  | `forcesafesearch.google.com`   | `safe=active` query parameter |
 * | Bing       | `bing.com`, `www.bing.com`, `edgeservices.bing.com`     | `strict.bing.com`              | `adlt=strict` query parameter |
 * | YouTube    | `www.youtube.com`, `m.youtube.com`, `youtubei.googleapis.com`, `youtube.googleapis.com`, `www.youtube-nocookie.com` | `restrict.youtube.com` (strict) or `restrictmoderate.youtube.com` (moderate) | `YouTube-Restrict: Strict` or `Moderate` header |
 * | DuckDuckGo | `duckduckgo.com`, `www.duckduckgo.com`, `start.duckduckgo.com` | `safe.duckduckgo.com`   | `kp=1` query parameter        |
 *
 * Who gets what is a per-group setting (`SafeSearchSettings`). The default: every group gets
 * safe search on the search engines and YouTube's strict Restricted Mode, except `staff`, who
 * search unchanged and get YouTube's moderate Restricted Mode (so teachers can show most
 * educational videos while mature ones stay hidden). A person in several groups gets the setting
 * of the groups named in the settings (the strictest of them); a person in none of the named
 * groups gets the default. See docs/dns.md.
 */

export type SearchService = 'google' | 'bing' | 'youtube' | 'duckduckgo';

/** YouTube Restricted Mode: `strict` hides more than `moderate`; `off` leaves YouTube alone. */
export type YouTubeMode = 'strict' | 'moderate' | 'off';

/** What one group gets. */
export interface SafeSearchLevel {
  /** Force safe search on Google, Bing and DuckDuckGo. */
  readonly search: boolean;
  readonly youtube: YouTubeMode;
}

export interface SafeSearchSettings {
  /** Group slug → level. Groups not named here take `default`. */
  readonly groups: Readonly<Record<string, SafeSearchLevel>>;
  readonly default: SafeSearchLevel;
}

export const SAFE_SEARCH_STRICT: SafeSearchLevel = Object.freeze({
  search: true,
  youtube: 'strict',
});

export const SAFE_SEARCH_OFF: SafeSearchLevel = Object.freeze({ search: false, youtube: 'off' });

/** Pupils, visitors and guests strict; staff unchanged search and moderate YouTube. */
export const DEFAULT_SAFE_SEARCH: SafeSearchSettings = Object.freeze({
  groups: Object.freeze({ staff: Object.freeze({ search: false, youtube: 'moderate' as const }) }),
  default: SAFE_SEARCH_STRICT,
});

/** The names each service asks networks to point their search names at. */
export const SAFE_SEARCH_TARGETS = Object.freeze({
  google: 'forcesafesearch.google.com',
  bing: 'strict.bing.com',
  youtubeStrict: 'restrict.youtube.com',
  youtubeModerate: 'restrictmoderate.youtube.com',
  duckduckgo: 'safe.duckduckgo.com',
});

/**
 * Google's search domains, from https://www.google.com/supported_domains (the `google.` prefix
 * left off). Both `google.<tld>` and `www.google.<tld>` are rewritten.
 */
export const GOOGLE_SEARCH_TLDS: readonly string[] = Object.freeze(
  (
    'com ad ae com.af com.ag al am co.ao com.ar as at com.au az ba com.bd be bf bg com.bh bi bj ' +
    'com.bn com.bo com.br bs bt co.bw by com.bz ca cd cf cg ch ci co.ck cl cm cn com.co co.cr ' +
    'com.cu cv com.cy cz de dj dk dm com.do dz com.ec ee com.eg es com.et fi com.fj fm fr ga ge ' +
    'gg com.gh com.gi gl gm gr com.gt gy com.hk hn hr ht hu co.id ie co.il im co.in iq is it je ' +
    'com.jm jo co.jp co.ke com.kh ki kg co.kr com.kw kz la com.lb li lk co.ls lt lu lv com.ly ' +
    'co.ma md me mg mk ml com.mm mn com.mt mu mv mw com.mx com.my co.mz com.na com.ng com.ni ne ' +
    'nl no com.np nr nu co.nz com.om com.pa com.pe com.pg com.ph com.pk pl pn com.pr ps pt ' +
    'com.py com.qa ro ru rw com.sa com.sb sc se com.sg sh si sk com.sl sn so sm sr st com.sv td ' +
    'tg co.th com.tj tl tm tn to com.tr tt com.tw co.tz com.ua co.ug co.uk com.uy co.uz com.vc ' +
    'co.ve co.vi com.vn vu ws rs co.za co.zm co.zw cat'
  ).split(' '),
);

const GOOGLE_TLDS: ReadonlySet<string> = new Set(GOOGLE_SEARCH_TLDS);

/** Exact host → service, for every service but Google (whose names are matched by pattern). */
export const SAFE_SEARCH_HOSTS: ReadonlyMap<string, SearchService> = new Map<string, SearchService>(
  [
    ['bing.com', 'bing'],
    ['www.bing.com', 'bing'],
    ['edgeservices.bing.com', 'bing'],
    ['www.youtube.com', 'youtube'],
    ['m.youtube.com', 'youtube'],
    ['youtubei.googleapis.com', 'youtube'],
    ['youtube.googleapis.com', 'youtube'],
    ['www.youtube-nocookie.com', 'youtube'],
    ['duckduckgo.com', 'duckduckgo'],
    ['www.duckduckgo.com', 'duckduckgo'],
    ['start.duckduckgo.com', 'duckduckgo'],
  ],
);

/**
 * The search service a host belongs to, or null. `host` is lower case without a trailing dot
 * (as the engine normalises it).
 */
export function searchServiceOf(host: string): SearchService | null {
  const exact = SAFE_SEARCH_HOSTS.get(host);
  if (exact !== undefined) return exact;
  let rest: string;
  if (host.startsWith('google.')) rest = host.slice(7);
  else if (host.startsWith('www.google.')) rest = host.slice(11);
  else return null;
  return GOOGLE_TLDS.has(rest) ? 'google' : null;
}

function stricterYouTube(a: YouTubeMode, b: YouTubeMode): YouTubeMode {
  if (a === 'strict' || b === 'strict') return 'strict';
  if (a === 'moderate' || b === 'moderate') return 'moderate';
  return 'off';
}

/**
 * The level for a person in `groups`: the strictest over the groups named in the settings, or
 * the default when none of them is named.
 */
export function safeSearchLevelFor(
  groups: readonly string[],
  settings: SafeSearchSettings = DEFAULT_SAFE_SEARCH,
): SafeSearchLevel {
  let found: SafeSearchLevel | null = null;
  for (const group of groups) {
    const level = Object.hasOwn(settings.groups, group) ? settings.groups[group] : undefined;
    if (level === undefined) continue;
    found =
      found === null
        ? level
        : {
            search: found.search || level.search,
            youtube: stricterYouTube(found.youtube, level.youtube),
          };
  }
  return found ?? settings.default;
}

/**
 * DNS: the name a safe-search host must be answered with (as a CNAME), or null when the host is
 * not a search name or the level leaves its service alone.
 */
export function safeSearchCname(host: string, level: SafeSearchLevel): string | null {
  const service = searchServiceOf(host);
  if (service === null) return null;
  switch (service) {
    case 'google':
      return level.search ? SAFE_SEARCH_TARGETS.google : null;
    case 'bing':
      return level.search ? SAFE_SEARCH_TARGETS.bing : null;
    case 'duckduckgo':
      return level.search ? SAFE_SEARCH_TARGETS.duckduckgo : null;
    case 'youtube':
      if (level.youtube === 'strict') return SAFE_SEARCH_TARGETS.youtubeStrict;
      if (level.youtube === 'moderate') return SAFE_SEARCH_TARGETS.youtubeModerate;
      return null;
  }
}

/** HTTP: what a proxy that sees the request (plain HTTP or TLS-inspected) adds to enforce it. */
export interface SafeSearchHttp {
  readonly service: SearchService;
  /** A query parameter to set (replacing any the browser sent), e.g. `safe=active`. */
  readonly param: { readonly name: string; readonly value: string } | null;
  /** A request header to set, e.g. `YouTube-Restrict: Strict`. */
  readonly header: { readonly name: string; readonly value: string } | null;
}

/** HTTP enforcement for a host at a level, or null when nothing applies. */
export function safeSearchHttp(host: string, level: SafeSearchLevel): SafeSearchHttp | null {
  const service = searchServiceOf(host);
  if (service === null) return null;
  switch (service) {
    case 'google':
      return level.search
        ? { service, param: { name: 'safe', value: 'active' }, header: null }
        : null;
    case 'bing':
      return level.search
        ? { service, param: { name: 'adlt', value: 'strict' }, header: null }
        : null;
    case 'duckduckgo':
      return level.search ? { service, param: { name: 'kp', value: '1' }, header: null } : null;
    case 'youtube':
      if (level.youtube === 'off') return null;
      return {
        service,
        param: null,
        header: {
          name: 'YouTube-Restrict',
          value: level.youtube === 'strict' ? 'Strict' : 'Moderate',
        },
      };
  }
}
