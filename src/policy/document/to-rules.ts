import type {
  CategoryRule,
  DateRange,
  Exemption,
  Group,
  GroupKind,
  HelpEntry,
  LegalStatus,
  Level,
  LocalEntry,
  MatrixCell,
  MatrixEntry,
  Rules,
  TimeBand as RulesTimeBand,
  Weekday as RulesWeekday,
} from '../engine/rules.ts';
import {
  columnGroups,
  userActionRows,
  type GroupKind as PolicyGroupKind,
  type LegalStatus as PolicyLegalStatus,
  type Policy,
  type PolicyCategory,
  type PolicyGroup,
  type TimeBand,
  type UserActionCell,
  type UserActionLevel,
  type UserActionRow,
  type Weekday,
} from './policy-schema.ts';

/**
 * The adapter from the governors' policy document to the engine's normalised input
 * (`src/policy/engine/rules.ts`). The document says what the school decided, table by table;
 * `Rules` is what the filter enforces. Both come from the same data, so the published tables
 * and the filter cannot drift apart (POL-3).
 *
 * Every category × column group gets an explicit matrix entry:
 * - an illegal category is unacceptable and illegal for everyone (POL-4), whatever else is said;
 * - a category decided by an enforced User Actions row takes that row's cell for the group;
 * - any other category follows its legal status: inappropriate → unacceptable,
 *   neutral and allow-type → acceptable (`matrixProvenance` tells which applied).
 */

/** What `Rules` needs that is not part of the policy document (casework, lists, set-up). */
export interface ToRulesOptions {
  /** The school's id in Haven; default: a slug of the school's name. */
  readonly schoolId?: string;
  /** Approved temporary exemptions (FIL-6). */
  readonly exemptions?: readonly Exemption[];
  /** Local allow and block entries. */
  readonly localEntries?: readonly LocalEntry[];
  /** Extra help services that are never blocked. */
  readonly help?: readonly HelpEntry[];
  /** The school's own sites. */
  readonly schoolSites?: readonly string[];
}

// The document and the engine share their vocabularies; these identity functions make the
// compiler prove it, so a change on either side fails the type check here.
const asLevel = (level: UserActionLevel): Level => level;
const asLegal = (legal: PolicyLegalStatus): LegalStatus => legal;
const asGroupKind = (kind: PolicyGroupKind): GroupKind => kind;
const asWeekday = (day: Weekday): RulesWeekday => day;

/** Where a matrix entry comes from. */
export type MatrixBasis =
  | { readonly kind: 'illegal'; readonly row?: Pick<UserActionRow, 'id' | 'activity'> }
  | { readonly kind: 'row'; readonly row: Pick<UserActionRow, 'id' | 'activity'> }
  | { readonly kind: 'legal-status'; readonly legal: PolicyLegalStatus };

export interface MatrixProvenance {
  readonly category: string;
  readonly group: string;
  readonly cell: MatrixCell;
  readonly basis: MatrixBasis;
}

function rowsByCategory(policy: Policy): Map<string, UserActionRow> {
  const rows = new Map<string, UserActionRow>();
  for (const row of userActionRows(policy)) {
    if (!row.enforced) continue;
    for (const category of row.categories) if (!rows.has(category)) rows.set(category, row);
  }
  return rows;
}

function matrixCell(cell: UserActionCell, reason: string | undefined): MatrixCell {
  const out: { -readonly [K in keyof MatrixCell]: MatrixCell[K] } = { level: asLevel(cell.level) };
  if (cell.level === 'acceptable-at-certain-times' && cell.bands) out.bands = [...cell.bands];
  if (cell.level === 'acceptable-for-nominated-users' && cell.nominated) {
    out.nominatedGroups = [...cell.nominated];
  }
  if (reason !== undefined) out.reason = reason;
  return out;
}

function entryFor(
  category: PolicyCategory,
  group: PolicyGroup,
  row: UserActionRow | undefined,
): { cell: MatrixCell; basis: MatrixBasis } {
  const rowRef = row && { id: row.id, activity: row.activity };
  if (category.legal === 'illegal') {
    const cell: MatrixCell = row?.reason
      ? { level: 'unacceptable-and-illegal', reason: row.reason }
      : { level: 'unacceptable-and-illegal' };
    return { cell, basis: rowRef ? { kind: 'illegal', row: rowRef } : { kind: 'illegal' } };
  }
  const written = row?.levels[group.id];
  if (row && rowRef && written) {
    return { cell: matrixCell(written, row.reason), basis: { kind: 'row', row: rowRef } };
  }
  const level: Level = category.legal === 'inappropriate' ? 'unacceptable' : 'acceptable';
  return { cell: { level }, basis: { kind: 'legal-status', legal: category.legal } };
}

/** Every category × column group with the cell the filter applies and why. */
export function matrixProvenance(policy: Policy): MatrixProvenance[] {
  const rows = rowsByCategory(policy);
  const columns = columnGroups(policy);
  return policy.categories.flatMap((category) =>
    columns.map((group) => ({
      category: category.id,
      group: group.id,
      ...entryFor(category, group, rows.get(category.id)),
    })),
  );
}

function timeBand(band: TimeBand, terms: readonly DateRange[] | undefined): RulesTimeBand {
  const ranges = band.times.map((range) => {
    const [from = '', to = ''] = range.split('-');
    return { from, to };
  });
  const out: RulesTimeBand = {
    id: band.id,
    label: band.label,
    days: band.days.map(asWeekday),
    ranges,
  };
  return terms && band.termTimeOnly !== false ? { ...out, terms } : out;
}

function group(policyGroup: PolicyGroup): Group {
  const out: Group = {
    id: policyGroup.id,
    label: policyGroup.label,
    kind: asGroupKind(policyGroup.kind),
  };
  return policyGroup.uncategorised ? { ...out, uncategorised: policyGroup.uncategorised } : out;
}

function category(policyCategory: PolicyCategory): CategoryRule {
  return {
    id: policyCategory.id,
    label: policyCategory.label,
    legal: asLegal(policyCategory.legal),
  };
}

/** `Roundwood Demo School` → `roundwood-demo-school`. */
export function schoolSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'school' : slug;
}

/** The engine's input for a (validated) policy document. */
export function toRules(policy: Policy, options: ToRulesOptions = {}): Rules {
  const terms = policy.timeBands.terms?.map((term) => ({ from: term.from, to: term.to }));
  const matrix: MatrixEntry[] = matrixProvenance(policy).map((entry) => ({
    ...entry.cell,
    category: entry.category,
    group: entry.group,
  }));
  return {
    school: {
      id: options.schoolId ?? schoolSlug(policy.metadata.school),
      name: policy.metadata.school,
      timeZone: policy.timeBands.timeZone,
    },
    categories: policy.categories.map(category),
    bands: policy.timeBands.bands.map((band) => timeBand(band, terms)),
    groups: policy.groups.map(group),
    matrix,
    defaultCell: { level: policy.filtering.otherCategories },
    uncategorised: policy.filtering.uncategorised,
    fallbackGroup: policy.filtering.fallbackGroup,
    exemptions: [...(options.exemptions ?? [])],
    localEntries: [...(options.localEntries ?? [])],
    flagCategories: [...policy.filtering.alertCategories],
    help: [...(options.help ?? [])],
    schoolSites: [...(options.schoolSites ?? [])],
  };
}
