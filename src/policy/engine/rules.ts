/**
 * The normalised input of the decision engine: what the school's online safety policy says about
 * filtering, as plain data. The governors' policy document (the "User actions" table, time bands,
 * nominated users, exemptions) is adapted to this shape elsewhere; `compile()` turns it, with the
 * block lists, into an immutable snapshot that `evaluate()` reads.
 *
 * Everything here is serialisable (strings, numbers, arrays, plain objects) so that a policy
 * version can be stored, diffed and rendered back into the published document (POL-3).
 */

/** The five levels of the seeds' "User actions" table, least to most restrictive. */
export type Level =
  | 'acceptable'
  | 'acceptable-at-certain-times'
  | 'acceptable-for-nominated-users'
  | 'unacceptable'
  | 'unacceptable-and-illegal';

export const LEVELS: readonly Level[] = [
  'acceptable',
  'acceptable-at-certain-times',
  'acceptable-for-nominated-users',
  'unacceptable',
  'unacceptable-and-illegal',
];

/**
 * How the law and the school see a category.
 * - `illegal`: blocked for everyone, always (POL-4). `child-abuse` and `terrorism` are illegal
 *   whatever the rules say.
 * - `inappropriate`: harmful for children; the matrix decides per group.
 * - `neutral`: neither harmful nor protective (shopping, webmail, ...); the matrix decides.
 * - `allow-type`: the list is an allow list (UT1 `usage: white`, e.g. `child`, `liste_blanche`);
 *   on an entry that is also in an inappropriate or neutral list, the allow-type category decides.
 */
export type LegalStatus = 'illegal' | 'inappropriate' | 'neutral' | 'allow-type';

/** A filtering category: a kebab-case Haven id such as `gambling`, `child-abuse`, `social-media`. */
export interface CategoryRule {
  readonly id: string;
  /** In the school's words, e.g. "Gambling". Used in reasons: "Gambling sites are not allowed…". */
  readonly label: string;
  readonly legal: LegalStatus;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A local time range `HH:MM`–`HH:MM` (start inclusive, end exclusive; `24:00` is allowed as end). */
export interface MinuteRange {
  readonly from: string;
  readonly to: string;
}

/** A local date range `YYYY-MM-DD`–`YYYY-MM-DD`, both inclusive (a term, a half term). */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/** A named part of the school week ("acceptable at certain times", FIL-2). */
export interface TimeBand {
  /** `lessons`, `break`, `lunch`, `after-school`, ... */
  readonly id: string;
  readonly label: string;
  readonly days: readonly Weekday[];
  readonly ranges: readonly MinuteRange[];
  /** When present, the band applies only on local dates inside one of these ranges. */
  readonly terms?: readonly DateRange[];
}

/**
 * - `age-stage`, `staff`, `visitor`, `guest`: a column of the user actions table; every request
 *   is decided for these groups.
 * - `nominated`: a set of users named for "acceptable for nominated users" (e.g. DSL and deputies
 *   who check reported sites); not a column of its own.
 */
export type GroupKind = 'age-stage' | 'staff' | 'visitor' | 'guest' | 'nominated';

/** A cell of the user actions table. */
export interface MatrixCell {
  readonly level: Level;
  /** For `acceptable-at-certain-times`: the band ids in which the category is allowed. */
  readonly bands?: readonly string[];
  /** For `acceptable-for-nominated-users`: the nominated group ids allowed (with an alert). */
  readonly nominatedGroups?: readonly string[];
  /** Optional sentence that replaces the generated reason on the block page. */
  readonly reason?: string;
}

export interface Group {
  /** `eyfs`, `ks1`, `ks2`, `ks3`, `ks4`, `sixth-form`, `staff`, `visitors`, `guests`, ... */
  readonly id: string;
  /** In the school's words, e.g. "Key Stage 2". */
  readonly label: string;
  readonly kind: GroupKind;
  /** Cell used for categories that have no matrix entry for this group. */
  readonly defaultCell?: MatrixCell;
  /**
   * What happens to hosts in no list at all: `allow` (the usual) or `block` (a walled garden,
   * e.g. EYFS allowed only allow-type lists and local allow entries).
   */
  readonly uncategorised?: 'allow' | 'block';
}

/** One cell of the user actions table: `category` × `group`. */
export interface MatrixEntry extends MatrixCell {
  readonly category: string;
  readonly group: string;
}

/** What an exemption, a local entry or a help entry applies to. */
export type Target =
  { readonly host: string } | { readonly url: string } | { readonly category: string };

/**
 * A temporary exemption ("temporary removal of sites from the filtered list for the period of
 * study", FIL-6). Only approved exemptions belong here. Illegal categories can never be exempted.
 */
export interface Exemption {
  readonly id: string;
  readonly groups: readonly string[];
  /** Optional: only these user ids (within the groups). */
  readonly users?: readonly string[];
  readonly target: Target;
  /** ISO 8601 instants; active when `from <= now < until`. */
  readonly from: string;
  readonly until: string;
  readonly reason: string;
}

/** A local allow or block entry: a host (with its subdomains) or a `host/path` URL prefix. */
export interface LocalEntry {
  readonly id: string;
  readonly action: 'allow' | 'block';
  readonly target: { readonly host: string } | { readonly url: string };
  /** Optional: only for these groups (default: everyone). */
  readonly groups?: readonly string[];
  /** Optional category reported with a local block (default `local-block`). */
  readonly category?: string;
  readonly reason?: string;
}

/** A support or education service that is never blocked by an inappropriate-content category. */
export interface HelpEntry {
  readonly id: string;
  /** Host name; covers its subdomains. */
  readonly host: string;
  /** Optional path prefix (e.g. `/bitesize` on `bbc.co.uk`): then only that part of the site. */
  readonly path?: string;
  readonly label: string;
  /** One line: why it must never be blocked. */
  readonly reason: string;
}

export interface SchoolInfo {
  readonly id: string;
  readonly name: string;
  /** IANA time zone name, e.g. `Europe/London`. Time bands are local to it. */
  readonly timeZone: string;
}

/** The normalised filtering rules of one school (one policy version). */
export interface Rules {
  readonly school: SchoolInfo;
  readonly categories: readonly CategoryRule[];
  readonly bands: readonly TimeBand[];
  readonly groups: readonly Group[];
  readonly matrix: readonly MatrixEntry[];
  /** School-wide cell for categories that are neither in the matrix nor a group default. */
  readonly defaultCell: MatrixCell;
  /** Hosts in no list at all, for groups without their own `uncategorised` setting. */
  readonly uncategorised: 'allow' | 'block';
  /** Group used when a request names no known column group (e.g. an unidentified device). */
  readonly fallbackGroup: string;
  readonly exemptions: readonly Exemption[];
  readonly localEntries: readonly LocalEntry[];
  /** Categories that are allowed but raise an alert when visited (`allow-with-alert`). */
  readonly flagCategories: readonly string[];
  /** Extra help-never-blocked entries, in addition to Haven's built-in list. */
  readonly help: readonly HelpEntry[];
  /** The school's own sites (hosts): never blocked by an inappropriate-content category. */
  readonly schoolSites: readonly string[];
}
