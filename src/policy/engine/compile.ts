import type { Level, MatrixCell, Rules, LegalStatus, GroupKind } from './rules.ts';
import type { ListIndex } from './list-index.ts';
import { ListIndexBuilder, MatchHits } from './list-index.ts';
import type { CompiledBand } from './time-bands.ts';
import { compileBand, isTimeZone, LocalClock, TimeBandError } from './time-bands.ts';
import { ALWAYS_ILLEGAL, BUILT_IN_CATEGORIES } from './categories.ts';
import { HELP_NEVER_BLOCKED } from './help-list.ts';
import { TargetHits, TargetTable } from './target-table.ts';
import { SuffixKeys } from './host-hash.ts';
import type { HostClassifier } from './host-classifier.ts';
import { createHostClassifier } from './host-classifier.ts';

/**
 * `compile(rules, lists)` turns a school's rules and the indexed lists into an immutable
 * snapshot: categories and groups numbered, every (category × group) cell of the user actions
 * table resolved with its rule ids and reasons written out, time bands as minute ranges, local
 * entries, help entries and exemptions indexed like the lists. `evaluate()` then only looks
 * things up. A new snapshot is compiled and swapped in when the rules or lists change.
 */

export interface CompileOptions {
  /** Host-name classifier for hosts in no list; `null` turns it off. Default: the built-in one. */
  readonly classifier?: HostClassifier | null;
  /** Classifier results below this confidence are ignored. Default 0.8. */
  readonly classifierMinConfidence?: number;
  /** People who have not signed the acceptable use agreement, kept on a safe list (GOV-4). */
  readonly auaSafeList?: AuaSafeListInput | undefined;
}

/** Acceptable use safe list (GOV-4): who is held to it (from when, epoch ms) and what they may reach. */
export interface AuaSafeListInput {
  readonly users: readonly (readonly [string, number])[];
  /** Hosts (covering their subdomains) or `host/path` prefixes. */
  readonly hosts: readonly string[];
}

export interface CompiledAuaSafeList {
  /** User id → from when (epoch ms) they are held to the safe list. */
  readonly users: ReadonlyMap<string, number>;
  readonly hosts: TargetTable;
}

export interface CompiledCategory {
  readonly index: number;
  readonly id: string;
  readonly label: string;
  readonly legal: LegalStatus;
  /** Illegal for everyone: legal status `illegal`, always-illegal id, or a matrix cell `unacceptable-and-illegal`. */
  readonly illegal: boolean;
  readonly allowType: boolean;
  /** Allowed visits raise an alert. */
  readonly flag: boolean;
  /** e.g. "Gambling sites", used in reasons. */
  readonly noun: string;
  readonly illegalRuleId: string;
  readonly illegalReason: string;
}

export interface CompiledGroup {
  readonly index: number;
  readonly id: string;
  readonly label: string;
  readonly kind: GroupKind;
  /** A column of the user actions table (not a nominated group). */
  readonly column: boolean;
  readonly uncategorised: 'allow' | 'block';
  readonly defaultRuleId: string;
  readonly defaultReason: string;
}

/** How a cell decides: allow, allow in time bands, allow nominated users, block, illegal. */
export const CellKind = {
  Allow: 0,
  Band: 1,
  Nominated: 2,
  Block: 3,
  Illegal: 4,
} as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

/** One resolved cell of the user actions table, with everything a decision needs. */
export interface CompiledCell {
  readonly kind: CellKind;
  readonly level: Level;
  /** False when the cell came from a group default or the school default. */
  readonly explicit: boolean;
  /** `matrix:<c>:<g>` or `default:<c>:<g>`. */
  readonly ruleId: string;
  readonly allowReason: string;
  readonly blockReason: string;
  readonly flagRuleId: string;
  readonly flagReason: string;
  readonly bands: readonly CompiledBand[];
  readonly bandRuleIds: readonly string[];
  readonly bandReasons: readonly string[];
  readonly blockedBandRuleId: string;
  /** Group indices of the nominated groups allowed by the cell. */
  readonly nominated: readonly number[];
  readonly nominatedRuleIds: readonly string[];
  readonly nominatedReasons: readonly string[];
}

/** Per interned tag set of the list index: its categories, resolved. */
export interface CompiledSet {
  /** Category indices of every tag, deduplicated, in tag order. */
  readonly categories: Int32Array;
  /** The list name of each entry of `categories`. */
  readonly lists: readonly string[];
  /** Category ids, for decisions. */
  readonly ids: readonly string[];
  /** Index into `categories` of the first illegal category, or -1. */
  readonly illegalAt: number;
  /** Decide on allow-type categories only (the entry is in an allow list). */
  readonly allowTypeOnly: boolean;
}

export interface CompiledLocalEntry {
  readonly id: string;
  readonly action: 'allow' | 'block';
  readonly groups: readonly number[] | null;
  readonly category: number;
  readonly ruleId: string;
  readonly reason: string;
  readonly text: string;
}

export interface CompiledHelpEntry {
  readonly id: string;
  readonly ruleId: string;
  readonly reason: string;
  readonly text: string;
}

export interface CompiledExemption {
  readonly id: string;
  readonly fromMs: number;
  readonly untilMs: number;
  readonly groups: readonly number[];
  readonly users: readonly string[] | null;
  /** Category index for category exemptions, -1 for host/URL ones. */
  readonly category: number;
  readonly ruleId: string;
  readonly reason: string;
  readonly text: string;
}

/** Scratch space reused by `evaluate` (single-threaded; a snapshot is not shared across threads). */
export interface EvaluateScratch {
  readonly keys: SuffixKeys;
  readonly hits: MatchHits;
  readonly targets: TargetHits;
  readonly groups: Int32Array;
}

export interface Snapshot {
  readonly rules: Rules;
  readonly lists: ListIndex;
  readonly timeZone: string;
  readonly categories: readonly CompiledCategory[];
  readonly categoryIndex: ReadonlyMap<string, number>;
  readonly groups: readonly CompiledGroup[];
  readonly groupIndex: ReadonlyMap<string, number>;
  readonly fallbackGroup: number;
  /** `cells[category * groups.length + group]`, for column groups. */
  readonly cells: readonly CompiledCell[];
  readonly sets: readonly CompiledSet[];
  readonly local: TargetTable;
  readonly localEntries: readonly CompiledLocalEntry[];
  readonly help: TargetTable;
  readonly helpEntries: readonly CompiledHelpEntry[];
  readonly exemptionTargets: TargetTable;
  readonly exemptions: readonly CompiledExemption[];
  /** Indices of category exemptions. */
  readonly categoryExemptions: readonly number[];
  readonly classifier: HostClassifier | null;
  readonly classifierMinConfidence: number;
  readonly clock: LocalClock;
  readonly scratch: EvaluateScratch;
  /** Problems found in the rules that did not stop the compile (unknown ids, ignored settings). */
  readonly warnings: readonly string[];
  /** Present when the school keeps people who have not signed the AUA on a safe list. */
  readonly auaSafeList?: CompiledAuaSafeList;
}

/** The rules cannot be compiled (a bad time zone, time, date or group reference). */
export class RulesError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid filtering rules:\n- ${problems.join('\n- ')}`);
    this.problems = problems;
  }
}

const EMPTY_LISTS: ListIndex = new ListIndexBuilder(16).build();

/** An empty list index (rules only). */
export function emptyLists(): ListIndex {
  return EMPTY_LISTS;
}

function nounOf(label: string): string {
  return /\b(sites|content|services|material|games|lists?)$/i.test(label)
    ? label
    : `${label} sites`;
}

function sentenceStart(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Compiles rules and lists into an immutable snapshot. Throws `RulesError` for unusable rules. */
export function compile(
  rules: Rules,
  lists: ListIndex = EMPTY_LISTS,
  options: CompileOptions = {},
): Snapshot {
  const problems: string[] = [];
  const warnings: string[] = [];

  if (!isTimeZone(rules.school.timeZone))
    problems.push(`unknown time zone "${rules.school.timeZone}"`);

  // --- categories: rules, then built-ins, then any category named by a list or the classifier
  const classifier = options.classifier === undefined ? createHostClassifier() : options.classifier;
  const flagSet = new Set(rules.flagCategories);
  const illegalByMatrix = new Set(
    rules.matrix.filter((m) => m.level === 'unacceptable-and-illegal').map((m) => m.category),
  );
  const categories: CompiledCategory[] = [];
  const categoryIndex = new Map<string, number>();
  const addCategory = (id: string, label: string, legal: LegalStatus): number => {
    const existing = categoryIndex.get(id);
    if (existing !== undefined) return existing;
    const forced = ALWAYS_ILLEGAL.includes(id);
    if (forced && legal !== 'illegal') {
      warnings.push(`category ${id} is always illegal; the rules' status "${legal}" is ignored`);
    }
    const illegal = forced || legal === 'illegal' || illegalByMatrix.has(id);
    const index = categories.length;
    const noun = nounOf(label);
    categories.push({
      index,
      id,
      label,
      legal: forced ? 'illegal' : legal,
      illegal,
      allowType: !illegal && legal === 'allow-type',
      flag: flagSet.has(id),
      noun,
      illegalRuleId: `illegal:${id}`,
      illegalReason:
        id === 'child-abuse'
          ? 'Access to this page has been denied because it is on the Internet Watch Foundation list of child sexual abuse content, which is illegal. It is blocked for everyone.'
          : `${sentenceStart(noun)} are illegal and blocked for everyone.`,
    });
    categoryIndex.set(id, index);
    return index;
  };
  for (const c of rules.categories) {
    if (categoryIndex.has(c.id))
      warnings.push(`category ${c.id} is listed twice; the first is used`);
    addCategory(c.id, c.label, c.legal);
  }
  for (const c of BUILT_IN_CATEGORIES) addCategory(c.id, c.label, c.legal);
  const fallbackCategory = (id: string): number => {
    if (!categoryIndex.has(id))
      warnings.push(`category ${id} (from a list) is not in the rules; it is treated as neutral`);
    return addCategory(id, id, 'neutral');
  };
  for (const tag of lists.tags) fallbackCategory(tag.category);
  for (const id of classifier?.categories ?? []) fallbackCategory(id);
  for (const id of flagSet)
    if (!categoryIndex.has(id)) warnings.push(`flag category ${id} is unknown`);
  for (const m of rules.matrix) {
    if (!categoryIndex.has(m.category))
      warnings.push(`matrix row for unknown category ${m.category}`);
  }

  // --- groups
  const groups: CompiledGroup[] = [];
  const groupIndex = new Map<string, number>();
  for (const g of rules.groups) {
    if (groupIndex.has(g.id)) {
      problems.push(`group ${g.id} is listed twice`);
      continue;
    }
    const index = groups.length;
    const uncategorised = g.uncategorised ?? rules.uncategorised;
    groups.push({
      index,
      id: g.id,
      label: g.label,
      kind: g.kind,
      column: g.kind !== 'nominated',
      uncategorised,
      defaultRuleId: uncategorised === 'allow' ? 'default' : `default:uncategorised:${g.id}`,
      defaultReason:
        uncategorised === 'allow'
          ? 'This site is not in a blocked category.'
          : `Only approved sites are allowed for ${g.label}; this site is not on an approved list.`,
    });
    groupIndex.set(g.id, index);
  }
  const fallbackGroup = groupIndex.get(rules.fallbackGroup) ?? -1;
  if (fallbackGroup < 0) problems.push(`fallback group ${rules.fallbackGroup} is not a group`);
  else if (groups[fallbackGroup]?.column !== true)
    problems.push(`fallback group ${rules.fallbackGroup} is a nominated group`);

  // --- time bands
  const bands = new Map<string, CompiledBand>();
  for (const b of rules.bands) {
    try {
      if (bands.has(b.id)) problems.push(`time band ${b.id} is listed twice`);
      bands.set(b.id, compileBand(b));
    } catch (e) {
      if (e instanceof TimeBandError) problems.push(`time band ${b.id}: ${e.message}`);
      else throw e;
    }
  }

  // --- cells
  const matrix = new Map<string, MatrixCell>();
  for (const m of rules.matrix) {
    const key = `${m.category}\u0000${m.group}`;
    if (!groupIndex.has(m.group))
      warnings.push(`matrix cell ${m.category} × ${m.group}: unknown group`);
    if (matrix.has(key))
      warnings.push(`matrix cell ${m.category} × ${m.group} is listed twice; the first is used`);
    else matrix.set(key, m);
  }
  const groupDefaults = new Map(rules.groups.map((g) => [g.id, g.defaultCell]));
  const cells: CompiledCell[] = [];
  for (const c of categories) {
    for (const g of groups) {
      const explicitCell = matrix.get(`${c.id}\u0000${g.id}`);
      const cell = explicitCell ?? groupDefaults.get(g.id) ?? rules.defaultCell;
      cells.push(
        compileCell(
          c,
          g,
          cell,
          explicitCell !== undefined,
          bands,
          groupIndex,
          groups,
          problems,
          warnings,
        ),
      );
    }
  }

  // --- list sets
  const sets: CompiledSet[] = lists.sets.map((tagIds) => {
    const cats: number[] = [];
    const names: string[] = [];
    for (const t of tagIds) {
      const tag = lists.tags[t];
      if (tag === undefined) continue;
      const ci = categoryIndex.get(tag.category) ?? fallbackCategory(tag.category);
      if (!cats.includes(ci)) {
        cats.push(ci);
        names.push(tag.list);
      }
    }
    const illegalAt = cats.findIndex((ci) => categories[ci]?.illegal === true);
    const allowTypeOnly = illegalAt < 0 && cats.some((ci) => categories[ci]?.allowType === true);
    return {
      categories: Int32Array.from(cats),
      lists: names,
      ids: Object.freeze(cats.map((ci) => categories[ci]?.id ?? '')),
      illegalAt,
      allowTypeOnly,
    };
  });

  const groupIdsToIndices = (ids: readonly string[], what: string): number[] => {
    const out: number[] = [];
    for (const id of ids) {
      const gi = groupIndex.get(id);
      if (gi === undefined) warnings.push(`${what}: unknown group ${id}`);
      else out.push(gi);
    }
    return out;
  };

  // --- local entries
  const localEntries: CompiledLocalEntry[] = rules.localEntries.map((e) => {
    const text = 'host' in e.target ? e.target.host : e.target.url;
    const categoryId = e.category ?? (e.action === 'block' ? 'local-block' : null);
    const category =
      categoryId === null ? -1 : (categoryIndex.get(categoryId) ?? fallbackCategory(categoryId));
    const ruleId = `local-${e.action}:${e.id}`;
    const reason =
      e.reason ??
      (e.action === 'allow'
        ? 'The school has allowed this site.'
        : 'The school has blocked this site.');
    return {
      id: e.id,
      action: e.action,
      groups: e.groups === undefined ? null : groupIdsToIndices(e.groups, `local entry ${e.id}`),
      category,
      ruleId,
      reason,
      text,
    };
  });
  const local = TargetTable.build(localEntries.map((e, i) => [e.text, i] as const));
  for (const bad of local.invalid)
    problems.push(`local entry target "${bad}" is not a host or URL`);

  // --- help never blocked
  const helpEntries: CompiledHelpEntry[] = [];
  const helpTargets: [string, number][] = [];
  for (const h of [...HELP_NEVER_BLOCKED, ...rules.help]) {
    helpTargets.push([h.path === undefined ? h.host : `${h.host}${h.path}`, helpEntries.length]);
    helpEntries.push({
      id: h.id,
      ruleId: `help:${h.id}`,
      reason: `${h.label} is never blocked: ${h.reason}`,
      text: h.path === undefined ? h.host : `${h.host}${h.path}`,
    });
  }
  for (const site of rules.schoolSites) {
    helpTargets.push([site, helpEntries.length]);
    helpEntries.push({
      id: `school:${site}`,
      ruleId: `help:school:${site}`,
      reason: `${rules.school.name}'s own site is never blocked.`,
      text: site,
    });
  }
  const help = TargetTable.build(helpTargets);
  for (const bad of help.invalid) problems.push(`help entry "${bad}" is not a host or URL`);

  // --- exemptions
  const exemptions: CompiledExemption[] = [];
  const exemptionTargets: [string, number][] = [];
  const categoryExemptions: number[] = [];
  for (const x of rules.exemptions) {
    const fromMs = Date.parse(x.from);
    const untilMs = Date.parse(x.until);
    if (Number.isNaN(fromMs) || Number.isNaN(untilMs)) {
      problems.push(`exemption ${x.id}: from/until must be ISO 8601 instants`);
      continue;
    }
    let category = -1;
    let text: string;
    if ('category' in x.target) {
      text = x.target.category;
      const ci = categoryIndex.get(x.target.category);
      if (ci === undefined) {
        warnings.push(`exemption ${x.id}: unknown category ${x.target.category}; ignored`);
        continue;
      }
      if (categories[ci]?.illegal === true) {
        warnings.push(
          `exemption ${x.id}: ${x.target.category} is illegal and can never be exempted; ignored`,
        );
        continue;
      }
      category = ci;
    } else {
      text = 'host' in x.target ? x.target.host : x.target.url;
    }
    const index = exemptions.length;
    exemptions.push({
      id: x.id,
      fromMs,
      untilMs,
      groups: groupIdsToIndices(x.groups, `exemption ${x.id}`),
      users: x.users === undefined ? null : [...x.users],
      category,
      ruleId: `exemption:${x.id}`,
      reason: `Allowed by a temporary exemption: ${x.reason}`,
      text,
    });
    if (category >= 0) categoryExemptions.push(index);
    else exemptionTargets.push([text, index]);
  }
  const exemptionTable = TargetTable.build(exemptionTargets);
  for (const bad of exemptionTable.invalid)
    problems.push(`exemption target "${bad}" is not a host or URL`);

  if (problems.length > 0) throw new RulesError(problems);

  return Object.freeze({
    rules,
    lists,
    timeZone: rules.school.timeZone,
    categories: Object.freeze(categories),
    categoryIndex,
    groups: Object.freeze(groups),
    groupIndex,
    fallbackGroup,
    cells: Object.freeze(cells),
    sets: Object.freeze(sets),
    local: local.table,
    localEntries: Object.freeze(localEntries),
    help: help.table,
    helpEntries: Object.freeze(helpEntries),
    exemptionTargets: exemptionTable.table,
    exemptions: Object.freeze(exemptions),
    categoryExemptions: Object.freeze(categoryExemptions),
    classifier,
    classifierMinConfidence: options.classifierMinConfidence ?? 0.8,
    clock: new LocalClock(rules.school.timeZone),
    scratch: {
      keys: new SuffixKeys(),
      hits: new MatchHits(),
      targets: new TargetHits(),
      groups: new Int32Array(64),
    },
    warnings: Object.freeze(warnings),
    ...(options.auaSafeList === undefined
      ? {}
      : { auaSafeList: compileAuaSafeList(options.auaSafeList) }),
  });
}

function compileAuaSafeList(input: AuaSafeListInput): CompiledAuaSafeList {
  const hosts = TargetTable.build(input.hosts.map((h, i) => [h.toLowerCase(), i] as const));
  return { users: new Map(input.users), hosts: hosts.table };
}

function compileCell(
  c: CompiledCategory,
  g: CompiledGroup,
  cell: MatrixCell,
  explicit: boolean,
  bands: ReadonlyMap<string, CompiledBand>,
  groupIndex: ReadonlyMap<string, number>,
  groups: readonly CompiledGroup[],
  problems: string[],
  warnings: string[],
): CompiledCell {
  const where = `matrix cell ${c.id} × ${g.id}`;
  const ruleId = `${explicit ? 'matrix' : 'default'}:${c.id}:${g.id}`;
  let level = cell.level;
  if (c.illegal) level = 'unacceptable-and-illegal';
  else if (c.legal === 'illegal' && level !== 'unacceptable-and-illegal') {
    warnings.push(`${where}: an illegal category cannot be ${level}`);
  }
  const kind: CellKind =
    level === 'acceptable'
      ? CellKind.Allow
      : level === 'acceptable-at-certain-times'
        ? CellKind.Band
        : level === 'acceptable-for-nominated-users'
          ? CellKind.Nominated
          : level === 'unacceptable'
            ? CellKind.Block
            : CellKind.Illegal;
  const cellBands: CompiledBand[] = [];
  if (kind === CellKind.Band) {
    for (const id of cell.bands ?? []) {
      const b = bands.get(id);
      if (b === undefined) problems.push(`${where}: unknown time band ${id}`);
      else cellBands.push(b);
    }
    if ((cell.bands ?? []).length === 0)
      problems.push(`${where}: "acceptable at certain times" needs bands`);
  }
  const nominated: number[] = [];
  if (kind === CellKind.Nominated) {
    for (const id of cell.nominatedGroups ?? []) {
      const gi = groupIndex.get(id);
      if (gi === undefined) problems.push(`${where}: unknown nominated group ${id}`);
      else nominated.push(gi);
    }
    if (nominated.length === 0) {
      warnings.push(
        `${where}: "acceptable for nominated users" names no nominated group; nobody is allowed`,
      );
    }
  }
  const noun = sentenceStart(c.noun);
  const bandNames = cellBands.map((b) => `${b.label} (${b.hours})`).join(' or ');
  const nominatedLabels = nominated.map((gi) => groups[gi]?.label ?? '').join(', ');
  const blockReason =
    cell.reason ??
    (kind === CellKind.Band
      ? `${noun} are allowed for ${g.label} only during ${bandNames}.`
      : kind === CellKind.Nominated
        ? `${noun} are allowed only for nominated users${nominatedLabels === '' ? '' : ` (${nominatedLabels})`}.`
        : kind === CellKind.Illegal
          ? c.illegalReason
          : `${noun} are not allowed for ${g.label}.`);
  return {
    kind,
    level,
    explicit,
    ruleId,
    allowReason: `${noun} are allowed for ${g.label}.`,
    blockReason,
    flagRuleId: `flag:${c.id}:${g.id}`,
    flagReason: `${noun} are allowed for ${g.label}; visits are flagged to the safeguarding team.`,
    bands: cellBands,
    bandRuleIds: cellBands.map((b) => `band:${c.id}:${g.id}:${b.id}`),
    bandReasons: cellBands.map(
      (b) => `${noun} are allowed for ${g.label} during ${b.label} (${b.hours}).`,
    ),
    blockedBandRuleId: `band:${c.id}:${g.id}`,
    nominated,
    nominatedRuleIds: nominated.map((gi) => `nominated:${c.id}:${groups[gi]?.id ?? ''}`),
    nominatedReasons: nominated.map(
      (gi) =>
        `${noun} are open to nominated users (${groups[gi]?.label ?? ''}); this visit is logged and the safeguarding team is alerted.`,
    ),
  };
}
