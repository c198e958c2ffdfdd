import {
  COMMUNICATION_LEVEL_LABELS,
  REQUIRED_ILLEGAL_CATEGORIES,
  TIME_RANGE,
  USER_ACTION_LEVEL_LABELS,
  USER_ACTION_LEVELS,
  type CommunicationLevel,
  type UserActionLevel,
} from './policy-schema.ts';

/**
 * The rules of a policy document that relate one part to another: ids are unique, every matrix
 * cell names known groups, bands and nominated groups, every column group has a cell, and the
 * illegal categories (POL-4) are unacceptable and illegal for every group, everywhere.
 *
 * `checkPolicy` reads the document as loose data, so that it can run on a file whose shape is
 * partly wrong and still report every cross-reference problem in one pass; parts that are not
 * well-formed are skipped here (the zod schema reports them).
 */

export type PathSegment = string | number;

export interface PolicyIssue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** `key` when the problem is the key at `path` itself (e.g. an unknown group id used as a key). */
  readonly at: 'key' | 'value';
}

type Loose = Record<string, unknown>;

function record(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Loose)
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isLevel(value: unknown): value is UserActionLevel {
  return USER_ACTION_LEVELS.some((level) => level === value);
}

/** The level and the optional lists of a cell written as `level` or `{ level, ... }`. */
function looseCell(value: unknown): { level?: string; cell?: Loose } {
  const text = string(value);
  if (text !== undefined) return { level: text };
  const cell = record(value);
  return cell ? { level: string(cell.level), cell } : {};
}

interface GroupInfo {
  readonly kind: string | undefined;
  readonly label: string;
}

interface CategoryInfo {
  readonly legal: string | undefined;
  readonly label: string;
  readonly list: string | undefined;
}

interface Index {
  readonly groups: Map<string, GroupInfo>;
  readonly categories: Map<string, CategoryInfo>;
  readonly bands: Set<string>;
}

const ILLEGAL_CATEGORY_HINTS: Readonly<Record<string, string>> = {
  'child-abuse': 'child sexual abuse material, IWF list',
  terrorism: 'unlawful terrorist content, CTIRU list',
};

function quote(id: string): string {
  return `"${id}"`;
}

function levelLabel(level: string): string {
  return isLevel(level) ? USER_ACTION_LEVEL_LABELS[level].toLowerCase() : level;
}

class Checker {
  readonly issues: PolicyIssue[] = [];

  error(path: readonly PathSegment[], message: string, at: 'key' | 'value' = 'value'): void {
    this.issues.push({ path, message, severity: 'error', at });
  }

  warning(path: readonly PathSegment[], message: string, at: 'key' | 'value' = 'value'): void {
    this.issues.push({ path, message, severity: 'warning', at });
  }

  /** Reports repeated ids in a list and returns the elements that have an id, by id. */
  uniqueIds(items: unknown[], path: readonly PathSegment[], key = 'id'): Map<string, Loose> {
    const seen = new Map<string, Loose>();
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      const element = record(item);
      const id = string(element?.[key]);
      if (!element || id === undefined) return;
      const first = firstIndex.get(id);
      if (first !== undefined) {
        this.error(
          [...path, index, key],
          `${key} ${quote(id)} is used twice (also at ${formatPath([...path, first])})`,
        );
        return;
      }
      firstIndex.set(id, index);
      seen.set(id, element);
    });
    return seen;
  }
}

/** `a.b[0].c` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(document)' : out;
}

function buildIndex(checker: Checker, policy: Loose): Index {
  const groups = new Map<string, GroupInfo>();
  for (const [id, group] of checker.uniqueIds(list(policy.groups), ['groups'])) {
    groups.set(id, { kind: string(group.kind), label: string(group.label) ?? id });
  }
  const categories = new Map<string, CategoryInfo>();
  for (const [id, category] of checker.uniqueIds(list(policy.categories), ['categories'])) {
    categories.set(id, {
      legal: string(category.legal),
      label: string(category.label) ?? id,
      list: string(category.list),
    });
  }
  const timeBands = record(policy.timeBands);
  const bands = new Set(checker.uniqueIds(list(timeBands?.bands), ['timeBands', 'bands']).keys());
  return { groups, categories, bands };
}

function isColumn(group: GroupInfo | undefined): boolean {
  return group !== undefined && group.kind !== undefined && group.kind !== 'nominated';
}

function checkGroupsAndCategories(checker: Checker, policy: Loose, index: Index): void {
  if (Array.isArray(policy.groups) && policy.groups.length > 0) {
    const hasColumn = [...index.groups.values()].some(isColumn);
    if (!hasColumn) {
      checker.error(
        ['groups'],
        'needs at least one group that is a column of the User Actions table (age-stage, staff, visitor or guest)',
      );
    }
  }
  if (!Array.isArray(policy.categories)) return;
  for (const id of REQUIRED_ILLEGAL_CATEGORIES) {
    const hint = ILLEGAL_CATEGORY_HINTS[id] ?? id;
    const category = index.categories.get(id);
    if (!category) {
      checker.error(
        ['categories'],
        `must include the illegal category ${quote(id)} (${hint}): it is blocked for everyone, always`,
      );
      continue;
    }
    if (category.legal !== undefined && category.legal !== 'illegal') {
      const position = list(policy.categories).findIndex((c) => record(c)?.id === id);
      checker.error(
        ['categories', position, 'legal'],
        `${quote(id)} (${hint}) is illegal content: its legal status must be "illegal", not ${quote(category.legal)}`,
      );
    }
  }
}

function minutes(clock: string): number {
  const [hours, mins] = clock.split(':');
  return Number(hours) * 60 + Number(mins);
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkTimeBands(checker: Checker, policy: Loose): void {
  const timeBands = record(policy.timeBands);
  if (!timeBands) return;
  const zone = string(timeBands.timeZone);
  if (zone !== undefined && zone.trim() !== '' && !validTimeZone(zone)) {
    checker.error(
      ['timeBands', 'timeZone'],
      `${quote(zone)} is not a time zone Haven knows; use an IANA name such as "Europe/London"`,
    );
  }
  list(timeBands.terms).forEach((term, index) => {
    const from = string(record(term)?.from);
    const to = string(record(term)?.to);
    if (from && to && from > to) {
      checker.error(['timeBands', 'terms', index, 'to'], `ends (${to}) before it starts (${from})`);
    }
  });
  list(timeBands.bands).forEach((band, bandIndex) => {
    const element = record(band);
    if (!element) return;
    const path = ['timeBands', 'bands', bandIndex];
    const days = list(element.days);
    days.forEach((day, dayIndex) => {
      if (days.indexOf(day) !== dayIndex) {
        checker.error([...path, 'days', dayIndex], `day ${quote(String(day))} is listed twice`);
      }
    });
    const ranges: { from: number; to: number; index: number }[] = [];
    list(element.times).forEach((range, rangeIndex) => {
      const value = string(range);
      if (value === undefined || !TIME_RANGE.test(value)) return;
      const [from = '', to = ''] = value.split('-');
      const start = minutes(from);
      const end = minutes(to);
      if (start >= end) {
        checker.error([...path, 'times', rangeIndex], `${quote(value)} ends before it starts`);
        return;
      }
      const overlap = ranges.find((other) => start < other.to && other.from < end);
      if (overlap) {
        checker.error(
          [...path, 'times', rangeIndex],
          `${quote(value)} overlaps ${quote(String(list(element.times)[overlap.index]))} in the same band`,
        );
      }
      ranges.push({ from: start, to: end, index: rangeIndex });
    });
  });
}

function checkFiltering(checker: Checker, policy: Loose, index: Index): void {
  const filtering = record(policy.filtering);
  if (!filtering) return;
  const fallback = string(filtering.fallbackGroup);
  if (fallback !== undefined && index.groups.size > 0) {
    const group = index.groups.get(fallback);
    if (!group) {
      checker.error(['filtering', 'fallbackGroup'], `unknown group ${quote(fallback)}`);
    } else if (!isColumn(group)) {
      checker.error(
        ['filtering', 'fallbackGroup'],
        `${quote(fallback)} is a nominated-user group; the fallback must be a column group such as "guests"`,
      );
    }
  }
  list(filtering.alertCategories).forEach((value, position) => {
    const id = string(value);
    if (id === undefined) return;
    const category = index.categories.get(id);
    if (!category) {
      checker.error(['filtering', 'alertCategories', position], `unknown category ${quote(id)}`);
    } else if (category.legal === 'illegal') {
      checker.error(
        ['filtering', 'alertCategories', position],
        `${quote(id)} is illegal and blocked for everyone, always; it cannot be allowed with an alert`,
      );
    }
  });
}

interface RowCells {
  readonly path: readonly PathSegment[];
  readonly id: string | undefined;
  readonly categories: readonly string[];
  readonly levels: Loose | undefined;
}

/** How the cells of one kind of table name their time bands and nominated groups. */
interface CellVocabulary {
  /** The level that takes `bands`. */
  readonly timedLevel: string;
  /** The level that takes nominated groups, and the key that lists them. */
  readonly nominatedLevel: string;
  readonly nominatedKey: string;
  /** Whether those levels must name their bands and groups (the filter needs them). */
  readonly listsRequired: boolean;
}

const USER_ACTION_CELLS: CellVocabulary = {
  timedLevel: 'acceptable-at-certain-times',
  nominatedLevel: 'acceptable-for-nominated-users',
  nominatedKey: 'nominated',
  listsRequired: true,
};

const COMMUNICATION_CELLS: CellVocabulary = {
  timedLevel: 'allowed-at-certain-times',
  nominatedLevel: 'allowed-for-selected-staff',
  nominatedKey: 'selected',
  listsRequired: false,
};

function checkCellLists(
  checker: Checker,
  cellPath: readonly PathSegment[],
  level: string | undefined,
  cell: Loose | undefined,
  index: Index,
  vocabulary: CellVocabulary,
): void {
  const { timedLevel, nominatedLevel, nominatedKey, listsRequired } = vocabulary;
  const bands = cell?.bands;
  if (level === timedLevel) {
    if (listsRequired && list(bands).length === 0) {
      checker.error(
        cellPath,
        `"${levelLabel(level)}" needs the time bands in which it applies, e.g. { level: ${level}, bands: [lunch] }`,
      );
    }
  } else if (bands !== undefined && level !== undefined) {
    checker.error([...cellPath, 'bands'], `time bands only apply to "${levelLabel(timedLevel)}"`);
  }
  list(bands).forEach((band, position) => {
    const id = string(band);
    if (id !== undefined && !index.bands.has(id)) {
      checker.error([...cellPath, 'bands', position], `unknown time band ${quote(id)}`);
    }
  });
  const nominated = cell?.[nominatedKey];
  if (level === nominatedLevel) {
    if (listsRequired && list(nominated).length === 0) {
      checker.error(
        cellPath,
        `"${levelLabel(nominatedLevel)}" needs the nominated groups, e.g. { level: ${level}, ${nominatedKey}: [safeguarding-checkers] }`,
      );
    }
  } else if (nominated !== undefined && level !== undefined) {
    checker.error(
      [...cellPath, nominatedKey],
      `nominated groups only apply to "${levelLabel(nominatedLevel)}"`,
    );
  }
  list(nominated).forEach((value, position) => {
    const id = string(value);
    if (id === undefined) return;
    const group = index.groups.get(id);
    if (!group) {
      checker.error([...cellPath, nominatedKey, position], `unknown group ${quote(id)}`);
    } else if (group.kind !== 'nominated') {
      checker.error(
        [...cellPath, nominatedKey, position],
        `${quote(id)} is not a nominated-user group (its kind is ${quote(group.kind ?? '?')})`,
      );
    }
  });
}

function collectRows(checker: Checker, policy: Loose): RowCells[] {
  const userActions = record(policy.userActions);
  const rows: RowCells[] = [];
  const all: { path: PathSegment[]; element: Loose }[] = [];
  list(userActions?.sections).forEach((section, sectionIndex) => {
    list(record(section)?.rows).forEach((row, rowIndex) => {
      const element = record(row);
      if (element) {
        all.push({
          path: ['userActions', 'sections', sectionIndex, 'rows', rowIndex],
          element,
        });
      }
    });
  });
  const firstPath = new Map<string, PathSegment[]>();
  for (const { path, element } of all) {
    const id = string(element.id);
    if (id !== undefined) {
      const first = firstPath.get(id);
      if (first) {
        checker.error(
          [...path, 'id'],
          `row id ${quote(id)} is used twice (also at ${formatPath(first)})`,
        );
      } else {
        firstPath.set(id, path);
      }
    }
    rows.push({
      path,
      id,
      categories: list(element.categories).filter((c): c is string => typeof c === 'string'),
      levels: record(element.levels),
    });
    const enforced = element.enforced;
    const categories = list(element.categories);
    if (enforced === true && Array.isArray(element.categories) && categories.length === 0) {
      checker.error(
        [...path, 'enforced'],
        'an enforced row must name the filter categories it decides (or set enforced: false for a behaviour the filter cannot see)',
      );
    }
    if (enforced === false && categories.length > 0) {
      checker.error(
        [...path, 'categories'],
        'a row with enforced: false is not applied by the filter, so it must not name categories',
      );
    }
  }
  return rows;
}

function checkUserActions(checker: Checker, policy: Loose, index: Index): Map<string, RowCells> {
  const rows = collectRows(checker, policy);
  const decidedBy = new Map<string, RowCells>();
  const columns = [...index.groups.entries()].filter(([, group]) => isColumn(group));
  for (const row of rows) {
    const rowName = row.id !== undefined ? `row ${quote(row.id)}` : 'this row';
    const illegal: string[] = [];
    row.categories.forEach((id, position) => {
      const category = index.categories.get(id);
      const path = [...row.path, 'categories', position];
      if (!category) {
        checker.error(path, `unknown category ${quote(id)}`);
        return;
      }
      const previous = decidedBy.get(id);
      if (previous) {
        checker.error(
          path,
          `category ${quote(id)} is already decided by row ${quote(previous.id ?? '?')}; a category belongs to one row only`,
        );
        return;
      }
      decidedBy.set(id, row);
      if (category.legal === 'illegal') illegal.push(id);
    });
    if (!row.levels) continue;
    const levels = row.levels;
    for (const key of index.groups.size > 0 ? Object.keys(levels) : []) {
      const group = index.groups.get(key);
      if (!group) {
        checker.error([...row.path, 'levels', key], `unknown group ${quote(key)}`, 'key');
      } else if (!isColumn(group)) {
        checker.error(
          [...row.path, 'levels', key],
          `${quote(key)} is a nominated-user group, not a column: name it in a cell as { level: acceptable-for-nominated-users, nominated: [${key}] }`,
          'key',
        );
      }
    }
    for (const [id, group] of columns) {
      if (!(id in levels)) {
        checker.error(
          [...row.path, 'levels'],
          `${rowName} has no cell for group ${quote(id)} (${group.label})`,
        );
      }
    }
    const cellLevels = new Map<string, string>();
    for (const [key, value] of Object.entries(levels)) {
      const { level, cell } = looseCell(value);
      const cellPath = [...row.path, 'levels', key];
      if (level !== undefined && isLevel(level)) cellLevels.set(key, level);
      checkCellLists(checker, cellPath, level, cell, index, USER_ACTION_CELLS);
    }
    const levelsUsed = [...cellLevels.values()];
    const rowIsIllegal = levelsUsed.includes('unacceptable-and-illegal');
    if (illegal.length > 0) {
      const named = illegal
        .map(
          (id) =>
            `${quote(id)} (${ILLEGAL_CATEGORY_HINTS[id] ?? index.categories.get(id)?.list ?? 'illegal'})`,
        )
        .join(', ');
      for (const [key, level] of cellLevels) {
        if (level === 'unacceptable-and-illegal') continue;
        checker.error(
          [...row.path, 'levels', key],
          `${named} ${illegal.length > 1 ? 'are illegal categories' : 'is an illegal category'}: unacceptable and illegal for every group, always; it cannot be "${levelLabel(level)}" (POL-4)`,
        );
      }
    } else if (rowIsIllegal) {
      for (const [key, level] of cellLevels) {
        if (level === 'unacceptable-and-illegal') continue;
        checker.error(
          [...row.path, 'levels', key],
          `${rowName} is unacceptable and illegal for some groups, so it must be for every group; "${levelLabel(level)}" is not possible here`,
        );
      }
    }
    if (rowIsIllegal || illegal.length > 0) {
      row.categories.forEach((id, position) => {
        const category = index.categories.get(id);
        if (category && category.legal !== 'illegal') {
          checker.error(
            [...row.path, 'categories', position],
            `${quote(id)} is ${category.legal ?? 'not illegal'}, not illegal: an unacceptable-and-illegal row may only decide illegal categories`,
          );
        }
      });
    }
  }
  return decidedBy;
}

const COMMUNICATION_RANK: Readonly<Record<CommunicationLevel, number>> = {
  allowed: 0,
  'allowed-at-certain-times': 1,
  'allowed-for-selected-staff': 2,
  'allowed-with-staff-permission': 3,
  'not-allowed': 3,
};

const USER_ACTION_RANK: Readonly<Record<UserActionLevel, number>> = {
  acceptable: 0,
  'acceptable-at-certain-times': 1,
  'acceptable-for-nominated-users': 2,
  unacceptable: 3,
  'unacceptable-and-illegal': 3,
};

function isCommunicationLevel(value: unknown): value is CommunicationLevel {
  return typeof value === 'string' && value in COMMUNICATION_RANK;
}

function checkCommunications(
  checker: Checker,
  policy: Loose,
  index: Index,
  decidedBy: Map<string, RowCells>,
): void {
  const communications = record(policy.communications);
  if (!communications) return;
  const rows = list(communications.rows);
  checker.uniqueIds(rows, ['communications', 'rows']);
  rows.forEach((item, rowIndex) => {
    const row = record(item);
    if (!row) return;
    const path = ['communications', 'rows', rowIndex];
    const columns: { key: 'staff' | 'pupils'; kinds: readonly string[]; label: string }[] = [
      { key: 'staff', kinds: ['staff', 'visitor'], label: 'Staff & other adults' },
      { key: 'pupils', kinds: ['age-stage'], label: 'Pupils' },
    ];
    const stated = new Map<'staff' | 'pupils', CommunicationLevel>();
    for (const column of columns) {
      const { level, cell } = looseCell(row[column.key]);
      checkCellLists(checker, [...path, column.key], level, cell, index, COMMUNICATION_CELLS);
      if (isCommunicationLevel(level)) stated.set(column.key, level);
    }
    list(row.categories).forEach((value, position) => {
      const id = string(value);
      if (id === undefined) return;
      const category = index.categories.get(id);
      if (!category) {
        checker.error([...path, 'categories', position], `unknown category ${quote(id)}`);
        return;
      }
      if (category.legal === 'illegal') {
        for (const [key, level] of stated) {
          if (level !== 'not-allowed') {
            checker.error(
              [...path, key],
              `${quote(id)} is an illegal category: it is not allowed for anyone, ever (POL-4)`,
            );
          }
        }
        return;
      }
      const decider = decidedBy.get(id);
      if (!decider?.levels) return;
      for (const column of columns) {
        const stance = stated.get(column.key);
        if (stance === undefined) continue;
        for (const [groupId, group] of index.groups) {
          if (!column.kinds.includes(group.kind ?? '')) continue;
          const { level } = looseCell(decider.levels[groupId]);
          if (!isLevel(level)) continue;
          if (USER_ACTION_RANK[level] !== COMMUNICATION_RANK[stance]) {
            checker.warning(
              [...decider.path, 'levels', groupId],
              `the Communication Technologies row ${quote(String(row.id ?? rowIndex))} says ${column.label}: "${COMMUNICATION_LEVEL_LABELS[stance].toLowerCase()}", but this cell makes ${quote(id)} "${levelLabel(level)}" for ${group.label}; the published tables disagree`,
            );
          }
        }
      }
    });
  });
}

function checkMobileTechnologies(checker: Checker, policy: Loose): void {
  const mobile = record(policy.mobileTechnologies);
  if (!mobile) return;
  checker.uniqueIds(list(mobile.devices), ['mobileTechnologies', 'devices'], 'class');
}

function checkSanctions(checker: Checker, policy: Loose): void {
  const sanctions = record(policy.sanctions);
  if (!sanctions) return;
  for (const table of ['pupils', 'staff'] as const) {
    const element = record(sanctions[table]);
    if (!element) continue;
    const actions = checker.uniqueIds(list(element.actions), ['sanctions', table, 'actions']);
    const incidents = list(element.incidents);
    checker.uniqueIds(incidents, ['sanctions', table, 'incidents']);
    incidents.forEach((item, incidentIndex) => {
      const chosen = list(record(item)?.actions);
      chosen.forEach((value, position) => {
        const id = string(value);
        if (id === undefined) return;
        const path = ['sanctions', table, 'incidents', incidentIndex, 'actions', position];
        if (actions.size > 0 && !actions.has(id)) {
          checker.error(path, `unknown action ${quote(id)}: not a column of this table`);
        } else if (chosen.indexOf(value) !== position) {
          checker.error(path, `action ${quote(id)} is listed twice`);
        }
      });
    });
  }
}

/**
 * Every cross-reference problem in a policy document (parsed YAML or JSON, well-formed or not),
 * errors and warnings, with the key path of each.
 */
export function checkPolicy(data: unknown): PolicyIssue[] {
  const checker = new Checker();
  const policy = record(data);
  if (!policy) return checker.issues;
  const index = buildIndex(checker, policy);
  checkGroupsAndCategories(checker, policy, index);
  checkTimeBands(checker, policy);
  checkFiltering(checker, policy, index);
  const decidedBy = checkUserActions(checker, policy, index);
  checkCommunications(checker, policy, index, decidedBy);
  checkMobileTechnologies(checker, policy);
  checkSanctions(checker, policy);
  return checker.issues;
}
