import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * The shapes of the termly governor report (GOV-2). A report is a list of SECTIONS; each comes
 * from a `SectionProvider` that counts one kind of record for a period. Providers return raw
 * counts (`CollectedSection`); `anonymiseSection()` (anonymise.ts) turns them into what the
 * report shows (`ReportSection`), and nothing else reaches the page, the PDF or the signed
 * snapshot, so a new section cannot forget to anonymise.
 *
 * Adding a section is one small file exporting a `SectionProvider`, listed in
 * governor-report-sections.ts.
 */

/** The period a report covers, in the school's local days and as instants. */
export interface ReportPeriod {
  /** `autumn-2026`, or `2026-09-01..2026-10-31` for a custom range. */
  readonly key: string;
  /** "Autumn term 2026", or "1 September 2026 to 31 October 2026". */
  readonly label: string;
  /** First local day, inclusive (`YYYY-MM-DD`). */
  readonly fromDay: string;
  /** Last local day, inclusive (`YYYY-MM-DD`). */
  readonly toDay: string;
  /** The instant the first day starts in the school's time zone. */
  readonly from: Date;
  /** The instant after the last day ends (exclusive). */
  readonly to: Date;
  readonly timeZone: string;
}

/** One row of a count table: a label in the school's words and how many. */
export interface CountRow {
  readonly label: string;
  readonly count: number;
}

export interface CollectedTable {
  readonly id: string;
  readonly title: string;
  /** Column headings: what the rows are, and what is counted. */
  readonly labelHeading: string;
  readonly countHeading: string;
  readonly rows: readonly CountRow[];
  /** Add a total row. */
  readonly total?: boolean;
  /** Draw it as a bar chart beside the table. */
  readonly chart?: boolean;
  /**
   * The rows overlap (a person holds several roles), so no row can be worked out from the
   * others: small counts are still suppressed, but no other row is withheld.
   */
  readonly rowsOverlap?: boolean;
  /**
   * The rows count records that say nothing about pupils (policy versions, filter changes):
   * shown as they are. Say so explicitly; every other table is anonymised.
   */
  readonly notAboutPupils?: true;
}

export type CollectedFigure =
  | { readonly kind: 'count'; readonly label: string; readonly count: number }
  /** A number that says nothing about pupils (policy versions approved): shown as it is. */
  | { readonly kind: 'number'; readonly label: string; readonly value: number }
  /** A figure derived from `basedOn` records (a median): withheld when they are few. */
  | {
      readonly kind: 'duration';
      readonly label: string;
      readonly seconds: number | null;
      readonly basedOn: number;
    }
  /** Text that cannot identify anyone (a date, a version number). */
  | { readonly kind: 'text'; readonly label: string; readonly value: string };

/** What a provider returns: raw counts, never names. */
export interface CollectedSection {
  readonly id: string;
  readonly title: string;
  /** One or two sentences saying what the section counts and where from. */
  readonly summary: string;
  readonly figures: readonly CollectedFigure[];
  readonly tables: readonly CollectedTable[];
  readonly notes?: readonly string[];
}

export interface SectionProvider {
  readonly id: string;
  readonly title: string;
  collect(db: Kysely<Database>, schoolId: string, period: ReportPeriod): Promise<CollectedSection>;
}

/** Why a number is not shown. */
export type Suppression = 'small' | 'derived';

/** A number as the report shows it. */
export interface ShownValue {
  /** Null when suppressed. */
  readonly value: number | null;
  /** What the reader sees: "12", "fewer than 5", "withheld", "3 h 10 min". */
  readonly text: string;
  readonly suppressed: Suppression | null;
}

export interface ReportFigure extends ShownValue {
  readonly label: string;
}

export interface ReportRow extends ShownValue {
  readonly label: string;
}

export interface ReportTable {
  readonly id: string;
  readonly title: string;
  readonly labelHeading: string;
  readonly countHeading: string;
  readonly rows: readonly ReportRow[];
  readonly total: ShownValue | null;
  readonly chart: boolean;
}

/** A section as shown and as signed: anonymised plain data. */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly figures: readonly ReportFigure[];
  readonly tables: readonly ReportTable[];
  readonly notes: readonly string[];
}

export interface ReportSignOff {
  readonly name: string;
  readonly role: string;
  /** ISO timestamp. */
  readonly signedAt: string;
  readonly comment: string | null;
}

/** A whole report: what the page, the PDF and the signed snapshot hold. */
export interface GovernorReport {
  readonly schoolName: string;
  readonly period: {
    readonly key: string;
    readonly label: string;
    readonly fromDay: string;
    readonly toDay: string;
    readonly timeZone: string;
  };
  /** ISO timestamp: when the figures were collected. */
  readonly collectedAt: string;
  readonly sections: readonly ReportSection[];
  /** Null until the online safety governor signs it off. */
  readonly signOff: ReportSignOff | null;
  /** The id of the signed snapshot, when signed. */
  readonly id: string | null;
}
