import type { Level } from './rules.ts';

/** What a filter adapter does with a request. `allow-with-alert` allows and raises an alert. */
export type Action = 'allow' | 'block' | 'allow-with-alert';

/** One request to decide. Give `url` (HTTP, TLS-inspected HTTPS) or `host` (CONNECT, SNI, DNS). */
export interface EngineRequest {
  /** Haven user id, when the user is known. */
  readonly user?: string;
  /** The user's (or device's) groups: a column group such as `ks2` and any nominated groups. */
  readonly groups: readonly string[];
  /** Device class from the mobile technologies table (recorded; not used by the rules yet). */
  readonly deviceClass?: string;
  readonly host?: string;
  readonly url?: string;
}

/** The list entry (or other source) that put the request in its category. */
export interface ListMatch {
  /** `host`/`url` list entries, a `local` entry, a `help` entry, or the host-name `classifier`. */
  readonly kind: 'host' | 'url' | 'local' | 'help' | 'classifier' | 'exemption';
  /** The list, e.g. `ut1/gambling`, `iwf`, `local`, `help`, `classifier`. */
  readonly name: string;
  /** The entry that matched (`bet365.com`, `example.com/path`), or the classifier's tokens. */
  readonly entry: string;
}

/** The time band behind a time-dependent decision, for the block page. */
export interface BandInfo {
  readonly id: string;
  readonly label: string;
  /** The band's hours, e.g. `12:00–13:00`. */
  readonly hours: string;
  /** True when the band allows the request now. */
  readonly active: boolean;
  /** When blocked now: when it would next be allowed, in the school's local time. */
  readonly next: { readonly date: string; readonly weekday: string; readonly time: string } | null;
}

export interface Decision {
  readonly action: Action;
  /**
   * Stable, readable id of the rule that decided: `illegal:child-abuse`, `help:childline`,
   * `exemption:<id>`, `local-block:<id>`, `local-allow:<id>`, `nominated:<category>:<group>`,
   * `band:<category>:<group>:<band>`, `matrix:<category>:<group>`, `default:<category>:<group>`,
   * `flag:<category>:<group>`, `default`, `aua:unsigned` (acceptable use agreement not signed).
   */
  readonly ruleId: string;
  /** The deciding category, or null (uncategorised, help, local entry without category). */
  readonly category: string | null;
  /** Every category of the matched entry (a domain can be in several lists). */
  readonly categories: readonly string[];
  readonly list: ListMatch | null;
  /** 1 for list hits; the classifier's confidence (0..1) for classifier hits. */
  readonly confidence: number;
  /** The user actions level applied, when a category decided. */
  readonly level: Level | null;
  /** The group whose rule decided (a column group, or the nominated group). */
  readonly group: string | null;
  readonly band: BandInfo | null;
  /** A sentence in the school's words, for the block page and `haven explain`. */
  readonly reason: string;
  /** The normalised host that was decided. */
  readonly host: string;
}
