import {
  ALLOWED_IN_SCHOOL_LABELS,
  COMMUNICATION_LEVEL_LABELS,
  NETWORK_ACCESS_LABELS,
  USER_ACTION_LEVEL_LABELS,
  userActionRows,
  type Policy,
  type PupilCommunicationCell,
  type SanctionsTable,
  type StaffCommunicationCell,
  type UserActionCell,
  type UserActionRow,
} from './policy-schema.ts';

/**
 * What changed between two versions of a policy, in the words of the published tables, for the
 * versions page and the governor who approves a version (POL-2): "User actions › Use of social
 * media › Staff: Unacceptable → Acceptable at certain times (Lunchtime)".
 * Citations (`source`) are not compared: they say where an entry came from, not what it says.
 */

export type PolicyTable =
  | 'metadata'
  | 'groups'
  | 'categories'
  | 'time-bands'
  | 'filtering'
  | 'user-actions'
  | 'communications'
  | 'mobile-technologies'
  | 'pupil-sanctions'
  | 'staff-sanctions';

export const POLICY_TABLE_LABELS: Readonly<Record<PolicyTable, string>> = {
  metadata: 'Document',
  groups: 'Groups',
  categories: 'Filter categories',
  'time-bands': 'Time bands',
  filtering: 'Filtering settings',
  'user-actions': 'User actions',
  communications: 'Communication technologies',
  'mobile-technologies': 'Mobile technologies',
  'pupil-sanctions': 'Pupil sanctions',
  'staff-sanctions': 'Staff sanctions',
};

export interface PolicyChange {
  readonly table: PolicyTable;
  readonly kind: 'added' | 'removed' | 'changed';
  /** Id of the row, group, category, band, device class or incident. */
  readonly item?: string;
  /** The item in words (activity, label, incident). */
  readonly label?: string;
  /** Group id, field name or sanction action id. */
  readonly column?: string;
  readonly before?: string;
  readonly after?: string;
  /** One line in the school's words. */
  readonly summary: string;
}

/** A change before its summary is written; `columnLabel` names the column in words. */
type Draft = Omit<PolicyChange, 'summary'> & { readonly columnLabel?: string };

class ChangeList {
  readonly changes: PolicyChange[] = [];

  add(draft: Draft): void {
    const { columnLabel, ...change } = draft;
    const parts = [POLICY_TABLE_LABELS[change.table]];
    const name = change.label ?? change.item;
    if (name) parts.push(quoteLabel(name));
    const column = columnLabel ?? change.column;
    let summary = parts.join(' › ');
    if (change.kind === 'changed') {
      summary += `${column ? ` › ${column}` : ''}: ${change.before ?? '(blank)'} → ${change.after ?? '(blank)'}`;
    } else if (column) {
      summary += ` › ${column}: ${change.kind}${detail(change)}`;
    } else {
      summary += `: ${change.kind}${detail(change)}`;
    }
    this.changes.push({ ...change, summary });
  }

  /** Compares one text field of an item. */
  field(
    base: Omit<PolicyChange, 'summary' | 'kind' | 'before' | 'after' | 'column'>,
    column: string,
    before: string | undefined,
    after: string | undefined,
  ): void {
    if (before === after) return;
    this.add({ ...base, kind: 'changed', column, ...definedText(before, after) });
  }
}

function definedText(before: string | undefined, after: string | undefined) {
  return {
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
  };
}

function detail(change: Draft): string {
  const value = change.kind === 'added' ? change.after : change.before;
  return value ? ` (${value})` : '';
}

/** Long activity texts are cut at a word, so that a summary stays one readable line. */
function quoteLabel(text: string): string {
  if (text.length <= 80) return `“${text}”`;
  const cut = text.slice(0, 78);
  const space = cut.lastIndexOf(' ');
  return `“${(space > 40 ? cut.slice(0, space) : cut).replace(/[\s,;:/–-]+$/, '')}…”`;
}

function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/** Calls back for items only in `before`, only in `after`, and in both (in `after` order). */
function compareKeyed<T>(
  before: readonly T[],
  after: readonly T[],
  key: (item: T) => string,
  visit: { removed(item: T): void; added(item: T): void; both(a: T, b: T): void },
): void {
  const old = byKey(before, key);
  const current = byKey(after, key);
  for (const item of before) if (!current.has(key(item))) visit.removed(item);
  for (const item of after) {
    const previous = old.get(key(item));
    if (previous === undefined) visit.added(item);
    else visit.both(previous, item);
  }
}

function list(values: readonly string[] | undefined): string | undefined {
  return values && values.length > 0 ? values.join(', ') : undefined;
}

function labelsOf(ids: readonly string[] | undefined, labels: Map<string, string>): string {
  return (ids ?? []).map((id) => labels.get(id) ?? id).join(', ');
}

interface Labels {
  readonly groups: Map<string, string>;
  readonly bands: Map<string, string>;
}

function labels(policy: Policy): Labels {
  return {
    groups: new Map(policy.groups.map((g) => [g.id, g.label])),
    bands: new Map(policy.timeBands.bands.map((b) => [b.id, b.label])),
  };
}

export function describeUserActionCell(cell: UserActionCell | undefined, names: Labels): string {
  if (!cell) return '(blank)';
  const level = USER_ACTION_LEVEL_LABELS[cell.level];
  if (cell.level === 'acceptable-at-certain-times') {
    return `${level} (${labelsOf(cell.bands, names.bands)})`;
  }
  if (cell.level === 'acceptable-for-nominated-users') {
    return `${level} (${labelsOf(cell.nominated, names.groups)})`;
  }
  return level;
}

function describeCommunicationCell(
  cell: StaffCommunicationCell | PupilCommunicationCell | undefined,
  names: Labels,
): string | undefined {
  if (!cell) return undefined;
  const level = COMMUNICATION_LEVEL_LABELS[cell.level];
  if (cell.level === 'allowed-at-certain-times' && cell.bands) {
    return `${level} (${labelsOf(cell.bands, names.bands)})`;
  }
  if ('selected' in cell && cell.selected)
    return `${level} (${labelsOf(cell.selected, names.groups)})`;
  return level;
}

function diffMetadata(out: ChangeList, a: Policy, b: Policy): void {
  const base = { table: 'metadata' as const };
  out.field(base, 'school', a.metadata.school, b.metadata.school);
  out.field(base, 'title', a.metadata.title, b.metadata.title);
  out.field(base, 'template', a.metadata.template, b.metadata.template);
  out.field(base, 'note', a.metadata.note, b.metadata.note);
}

function diffGroups(out: ChangeList, a: Policy, b: Policy): void {
  compareKeyed(a.groups, b.groups, (g) => g.id, {
    removed: (g) =>
      out.add({ table: 'groups', kind: 'removed', item: g.id, label: g.label, before: g.kind }),
    added: (g) =>
      out.add({ table: 'groups', kind: 'added', item: g.id, label: g.label, after: g.kind }),
    both: (x, y) => {
      const base = { table: 'groups' as const, item: y.id, label: y.label };
      out.field(base, 'label', x.label, y.label);
      out.field(base, 'kind', x.kind, y.kind);
      out.field(base, 'description', x.description, y.description);
      out.field(base, 'sites in no list', x.uncategorised, y.uncategorised);
      out.field(base, 'note', x.note, y.note);
    },
  });
}

function diffCategories(out: ChangeList, a: Policy, b: Policy): void {
  compareKeyed(a.categories, b.categories, (c) => c.id, {
    removed: (c) =>
      out.add({
        table: 'categories',
        kind: 'removed',
        item: c.id,
        label: c.label,
        before: c.legal,
      }),
    added: (c) =>
      out.add({ table: 'categories', kind: 'added', item: c.id, label: c.label, after: c.legal }),
    both: (x, y) => {
      const base = { table: 'categories' as const, item: y.id, label: y.label };
      out.field(base, 'label', x.label, y.label);
      out.field(base, 'legal status', x.legal, y.legal);
      out.field(base, 'list', x.list, y.list);
      out.field(base, 'wording', x.wording, y.wording);
      out.field(base, 'note', x.note, y.note);
    },
  });
}

function diffTimeBands(out: ChangeList, a: Policy, b: Policy): void {
  const base = { table: 'time-bands' as const };
  out.field(base, 'time zone', a.timeBands.timeZone, b.timeBands.timeZone);
  const terms = (policy: Policy) =>
    list(policy.timeBands.terms?.map((t) => `${t.name} ${t.from}–${t.to}`));
  out.field(base, 'term dates', terms(a), terms(b));
  const times = (times: readonly string[]) => times.map((t) => t.replace('-', '–')).join(', ');
  compareKeyed(a.timeBands.bands, b.timeBands.bands, (band) => band.id, {
    removed: (band) =>
      out.add({
        ...base,
        kind: 'removed',
        item: band.id,
        label: band.label,
        before: times(band.times),
      }),
    added: (band) =>
      out.add({
        ...base,
        kind: 'added',
        item: band.id,
        label: band.label,
        after: times(band.times),
      }),
    both: (x, y) => {
      const item = { ...base, item: y.id, label: y.label };
      out.field(item, 'label', x.label, y.label);
      out.field(item, 'days', list(x.days), list(y.days));
      out.field(item, 'times', times(x.times), times(y.times));
      out.field(
        item,
        'term time only',
        x.termTimeOnly === undefined ? undefined : String(x.termTimeOnly),
        y.termTimeOnly === undefined ? undefined : String(y.termTimeOnly),
      );
    },
  });
}

function diffFiltering(out: ChangeList, a: Policy, b: Policy): void {
  const base = { table: 'filtering' as const };
  out.field(base, 'fallback group', a.filtering.fallbackGroup, b.filtering.fallbackGroup);
  out.field(base, 'other categories', a.filtering.otherCategories, b.filtering.otherCategories);
  out.field(base, 'sites in no list', a.filtering.uncategorised, b.filtering.uncategorised);
  out.field(
    base,
    'alert categories',
    list(a.filtering.alertCategories),
    list(b.filtering.alertCategories),
  );
}

function sectionOf(policy: Policy): Map<string, number> {
  const sections = new Map<string, number>();
  policy.userActions.sections.forEach((section, index) => {
    for (const row of section.rows) sections.set(row.id, index);
  });
  return sections;
}

function diffUserActions(out: ChangeList, a: Policy, b: Policy): void {
  const names = { before: labels(a), after: labels(b) };
  const levels = (row: UserActionRow, names: Labels) =>
    Object.entries(row.levels)
      .map(
        ([group, cell]) =>
          `${names.groups.get(group) ?? group}: ${describeUserActionCell(cell, names)}`,
      )
      .join('; ');
  const sectionsBefore = sectionOf(a);
  const sectionsAfter = sectionOf(b);
  compareKeyed(userActionRows(a), userActionRows(b), (row) => row.id, {
    removed: (row) =>
      out.add({
        table: 'user-actions',
        kind: 'removed',
        item: row.id,
        label: row.activity,
        before: levels(row, names.before),
      }),
    added: (row) =>
      out.add({
        table: 'user-actions',
        kind: 'added',
        item: row.id,
        label: row.activity,
        after: levels(row, names.after),
      }),
    both: (x, y) => {
      const base = { table: 'user-actions' as const, item: y.id, label: y.activity };
      out.field(base, 'activity', x.activity, y.activity);
      out.field(base, 'items', x.items?.join('; '), y.items?.join('; '));
      out.field(base, 'categories', list(x.categories) ?? '(none)', list(y.categories) ?? '(none)');
      out.field(base, 'enforced by the filter', String(x.enforced), String(y.enforced));
      out.field(base, 'block page reason', x.reason, y.reason);
      out.field(base, 'note', x.note, y.note);
      const sectionBefore = sectionsBefore.get(x.id);
      const sectionAfter = sectionsAfter.get(y.id);
      if (sectionBefore !== sectionAfter) {
        out.field(
          base,
          'section',
          sectionBefore === undefined ? undefined : String(sectionBefore + 1),
          sectionAfter === undefined ? undefined : String(sectionAfter + 1),
        );
      }
      const groupIds = [
        ...b.groups.map((g) => g.id),
        ...a.groups.map((g) => g.id).filter((id) => !b.groups.some((g) => g.id === id)),
      ];
      for (const group of groupIds) {
        const before = x.levels[group];
        const after = y.levels[group];
        if (!before && !after) continue;
        const textBefore = before ? describeUserActionCell(before, names.before) : undefined;
        const textAfter = after ? describeUserActionCell(after, names.after) : undefined;
        if (textBefore === textAfter && before?.note === after?.note) continue;
        const columnLabel =
          names.after.groups.get(group) ?? names.before.groups.get(group) ?? group;
        if (textBefore === textAfter) {
          out.add({
            ...base,
            kind: 'changed',
            column: group,
            columnLabel: `${columnLabel} note`,
            ...definedText(before?.note, after?.note),
          });
          continue;
        }
        out.add({
          ...base,
          kind: 'changed',
          column: group,
          columnLabel,
          ...definedText(textBefore, textAfter),
        });
      }
    },
  });
  const headings = (policy: Policy) => policy.userActions.sections.map((s) => s.heading ?? '');
  headings(b).forEach((heading, index) => {
    const before = headings(a)[index];
    if (before !== undefined && before !== heading) {
      out.field({ table: 'user-actions' }, `heading of section ${index + 1}`, before, heading);
    }
  });
}

function diffCommunications(out: ChangeList, a: Policy, b: Policy): void {
  const table = 'communications' as const;
  if (!a.communications && !b.communications) return;
  if (!a.communications || !b.communications) {
    out.add({ table, kind: a.communications ? 'removed' : 'added', label: 'the whole table' });
    return;
  }
  const names = { before: labels(a), after: labels(b) };
  compareKeyed(a.communications.rows, b.communications.rows, (row) => row.id, {
    removed: (row) => out.add({ table, kind: 'removed', item: row.id, label: row.technology }),
    added: (row) => out.add({ table, kind: 'added', item: row.id, label: row.technology }),
    both: (x, y) => {
      const base = { table, item: y.id, label: y.technology };
      out.field(base, 'technology', x.technology, y.technology);
      out.field(
        base,
        'Staff & other adults',
        describeCommunicationCell(x.staff, names.before),
        describeCommunicationCell(y.staff, names.after),
      );
      out.field(
        base,
        'Pupils',
        describeCommunicationCell(x.pupils, names.before),
        describeCommunicationCell(y.pupils, names.after),
      );
      out.field(base, 'categories', list(x.categories), list(y.categories));
      out.field(base, 'note', x.note, y.note);
    },
  });
}

function diffMobile(out: ChangeList, a: Policy, b: Policy): void {
  const table = 'mobile-technologies' as const;
  if (!a.mobileTechnologies && !b.mobileTechnologies) return;
  if (!a.mobileTechnologies || !b.mobileTechnologies) {
    out.add({ table, kind: a.mobileTechnologies ? 'removed' : 'added', label: 'the whole table' });
    return;
  }
  compareKeyed(a.mobileTechnologies.devices, b.mobileTechnologies.devices, (d) => d.class, {
    removed: (d) => out.add({ table, kind: 'removed', item: d.class, label: d.label }),
    added: (d) => out.add({ table, kind: 'added', item: d.class, label: d.label }),
    both: (x, y) => {
      const base = { table, item: y.class, label: y.label };
      out.field(base, 'label', x.label, y.label);
      out.field(
        base,
        'allowed in school',
        ALLOWED_IN_SCHOOL_LABELS[x.allowedInSchool],
        ALLOWED_IN_SCHOOL_LABELS[y.allowedInSchool],
      );
      out.field(
        base,
        'network access',
        NETWORK_ACCESS_LABELS[x.networkAccess],
        NETWORK_ACCESS_LABELS[y.networkAccess],
      );
      out.field(base, 'note', x.note, y.note);
    },
  });
}

function diffSanctions(
  out: ChangeList,
  table: 'pupil-sanctions' | 'staff-sanctions',
  a: SanctionsTable | undefined,
  b: SanctionsTable | undefined,
): void {
  if (!a && !b) return;
  if (!a || !b) {
    out.add({ table, kind: a ? 'removed' : 'added', label: 'the whole table' });
    return;
  }
  compareKeyed(a.actions, b.actions, (action) => action.id, {
    removed: (action) =>
      out.add({ table, kind: 'removed', item: action.id, label: `column ${action.label}` }),
    added: (action) =>
      out.add({ table, kind: 'added', item: action.id, label: `column ${action.label}` }),
    both: (x, y) =>
      out.field({ table, item: y.id, label: `column ${y.label}` }, 'label', x.label, y.label),
  });
  const actionLabel = (id: string) =>
    b.actions.find((action) => action.id === id)?.label ??
    a.actions.find((action) => action.id === id)?.label ??
    id;
  const actions = (ids: readonly string[]) => ids.map(actionLabel).join(', ') || '(none)';
  compareKeyed(a.incidents, b.incidents, (incident) => incident.id, {
    removed: (incident) =>
      out.add({
        table,
        kind: 'removed',
        item: incident.id,
        label: incident.incident,
        before: actions(incident.actions),
      }),
    added: (incident) =>
      out.add({
        table,
        kind: 'added',
        item: incident.id,
        label: incident.incident,
        after: actions(incident.actions),
      }),
    both: (x, y) => {
      const base = { table, item: y.id, label: y.incident };
      out.field(base, 'incident', x.incident, y.incident);
      out.field(base, 'note', x.note, y.note);
      for (const id of y.actions.filter((action) => !x.actions.includes(action))) {
        out.add({ ...base, kind: 'added', column: id, columnLabel: actionLabel(id) });
      }
      for (const id of x.actions.filter((action) => !y.actions.includes(action))) {
        out.add({ ...base, kind: 'removed', column: id, columnLabel: actionLabel(id) });
      }
    },
  });
}

/** The changes from `before` to `after`, table by table, in table order. */
export function diffPolicies(before: Policy, after: Policy): PolicyChange[] {
  const out = new ChangeList();
  diffMetadata(out, before, after);
  diffGroups(out, before, after);
  diffCategories(out, before, after);
  diffTimeBands(out, before, after);
  diffFiltering(out, before, after);
  diffUserActions(out, before, after);
  diffCommunications(out, before, after);
  diffMobile(out, before, after);
  diffSanctions(out, 'pupil-sanctions', before.sanctions?.pupils, after.sanctions?.pupils);
  diffSanctions(out, 'staff-sanctions', before.sanctions?.staff, after.sanctions?.staff);
  return out.changes;
}

/** One change a line, or "No changes." */
export function formatPolicyDiff(changes: readonly PolicyChange[]): string {
  return changes.length === 0 ? 'No changes.' : changes.map((c) => `- ${c.summary}`).join('\n');
}
