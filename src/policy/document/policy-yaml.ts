import { Document, Scalar, isMap, isScalar, isSeq, visit, type YAMLMap } from 'yaml';
import { formatPath } from './policy-checks.ts';
import {
  USER_ACTION_LEVEL_LABELS,
  USER_ACTION_LEVELS,
  type CommunicationRow,
  type DeviceRule,
  type Policy,
  type PolicyCategory,
  type PolicyGroup,
  type SanctionsTable,
  type Source,
  type TimeBand,
  type UserActionCell,
  type UserActionRow,
} from './policy-schema.ts';
import { validatePolicy } from './policy-validate.ts';
import { formatYamlProblems, parseYamlData, type YamlProblem } from '../yaml-data.ts';

/**
 * The policy document as YAML: `parsePolicyYaml` reports every problem with its line, column and
 * key path; `stringifyPolicyYaml` writes the canonical, commented form that parses back to the
 * same policy (the templates in `src/policy/templates/` are in this form).
 */

/** A problem in a policy file: where, and what. */
export type PolicyProblem = YamlProblem;

export type PolicyYamlResult =
  | { readonly ok: true; readonly policy: Policy; readonly warnings: readonly PolicyProblem[] }
  | {
      readonly ok: false;
      readonly problems: readonly PolicyProblem[];
      readonly warnings: readonly PolicyProblem[];
    };

export function parsePolicyYaml(text: string, fileName: string): PolicyYamlResult {
  const result = parseYamlData(
    text,
    fileName,
    (data) => {
      const validation = validatePolicy(data);
      return validation.ok
        ? { ok: true, value: validation.policy, warnings: validation.warnings }
        : validation;
    },
    formatPath,
  );
  return result.ok ? { ok: true, policy: result.value, warnings: result.warnings } : result;
}

/** `file:line:column path: message`, one a line, for terminals and logs. */
export const formatPolicyProblems = formatYamlProblems;

// ---------------------------------------------------------------------------------------------
// Writing

type Plain = string | number | boolean | Plain[] | { [key: string]: Plain };
type PlainMap = { [key: string]: Plain };

/** Adds `key: value` only when the value is present. */
function put(target: PlainMap, key: string, value: Plain | undefined): void {
  if (value !== undefined) target[key] = value;
}

function sourcePlain(source: Source): PlainMap {
  return { seed: source.seed, section: source.section };
}

function groupPlain(group: PolicyGroup): PlainMap {
  const out: PlainMap = { id: group.id, label: group.label, kind: group.kind };
  put(out, 'description', group.description);
  put(out, 'uncategorised', group.uncategorised);
  put(out, 'source', group.source && sourcePlain(group.source));
  put(out, 'note', group.note);
  return out;
}

function categoryPlain(category: PolicyCategory): PlainMap {
  const out: PlainMap = { id: category.id, label: category.label, legal: category.legal };
  put(out, 'list', category.list);
  put(out, 'wording', category.wording);
  out.source = sourcePlain(category.source);
  put(out, 'note', category.note);
  return out;
}

function bandPlain(band: TimeBand): PlainMap {
  const out: PlainMap = {
    id: band.id,
    label: band.label,
    days: [...band.days],
    times: [...band.times],
  };
  put(out, 'termTimeOnly', band.termTimeOnly);
  put(out, 'source', band.source && sourcePlain(band.source));
  put(out, 'note', band.note);
  return out;
}

/** A cell as the bare level when it carries nothing else. */
function cellPlain(
  cell: { level: string; bands?: string[]; source?: Source; note?: string },
  listKey: string | undefined,
  list: string[] | undefined,
): Plain {
  if (!cell.bands && !list && !cell.source && !cell.note) return cell.level;
  const out: PlainMap = { level: cell.level };
  put(out, 'bands', cell.bands && [...cell.bands]);
  if (listKey) put(out, listKey, list && [...list]);
  put(out, 'source', cell.source && sourcePlain(cell.source));
  put(out, 'note', cell.note);
  return out;
}

function userActionCellPlain(cell: UserActionCell): Plain {
  return cellPlain(cell, 'nominated', cell.nominated);
}

function rowPlain(row: UserActionRow, columnOrder: readonly string[]): PlainMap {
  const out: PlainMap = { id: row.id, activity: row.activity };
  put(out, 'items', row.items && [...row.items]);
  out.categories = [...row.categories];
  out.enforced = row.enforced;
  const levels: PlainMap = {};
  const keys = Object.keys(row.levels).sort(
    (a, b) => rank(columnOrder, a) - rank(columnOrder, b) || a.localeCompare(b),
  );
  for (const key of keys) {
    const cell = row.levels[key];
    if (cell) levels[key] = userActionCellPlain(cell);
  }
  out.levels = levels;
  put(out, 'reason', row.reason);
  out.source = sourcePlain(row.source);
  put(out, 'note', row.note);
  return out;
}

function rank(order: readonly string[], id: string): number {
  const index = order.indexOf(id);
  return index === -1 ? order.length : index;
}

function communicationPlain(row: CommunicationRow): PlainMap {
  const out: PlainMap = { id: row.id, technology: row.technology };
  put(out, 'staff', row.staff && cellPlain(row.staff, 'selected', row.staff.selected));
  put(out, 'pupils', row.pupils && cellPlain(row.pupils, undefined, undefined));
  put(out, 'categories', row.categories && [...row.categories]);
  out.source = sourcePlain(row.source);
  put(out, 'note', row.note);
  return out;
}

function devicePlain(device: DeviceRule): PlainMap {
  const out: PlainMap = {
    class: device.class,
    label: device.label,
    allowedInSchool: device.allowedInSchool,
    networkAccess: device.networkAccess,
    source: sourcePlain(device.source),
  };
  put(out, 'note', device.note);
  return out;
}

function sanctionsPlain(table: SanctionsTable): PlainMap {
  return {
    title: table.title,
    source: sourcePlain(table.source),
    actions: table.actions.map((action) => ({ id: action.id, label: action.label })),
    incidents: table.incidents.map((incident) => {
      const out: PlainMap = {
        id: incident.id,
        incident: incident.incident,
        actions: [...incident.actions],
        source: sourcePlain(incident.source),
      };
      put(out, 'note', incident.note);
      return out;
    }),
  };
}

/** The policy as plain data in the canonical key order. */
function policyPlain(policy: Policy): PlainMap {
  const columnOrder = policy.groups.map((group) => group.id);
  const metadata: PlainMap = {
    school: policy.metadata.school,
    template: policy.metadata.template,
    title: policy.metadata.title,
    sources: policy.metadata.sources.map(sourcePlain),
  };
  put(metadata, 'note', policy.metadata.note);
  const timeBands: PlainMap = { timeZone: policy.timeBands.timeZone };
  put(
    timeBands,
    'terms',
    policy.timeBands.terms?.map((term) => ({ name: term.name, from: term.from, to: term.to })),
  );
  timeBands.bands = policy.timeBands.bands.map(bandPlain);
  const filtering: PlainMap = {
    fallbackGroup: policy.filtering.fallbackGroup,
    otherCategories: policy.filtering.otherCategories,
    uncategorised: policy.filtering.uncategorised,
    alertCategories: [...policy.filtering.alertCategories],
  };
  put(filtering, 'note', policy.filtering.note);
  const out: PlainMap = {
    schemaVersion: policy.schemaVersion,
    metadata,
    groups: policy.groups.map(groupPlain),
    categories: policy.categories.map(categoryPlain),
    timeBands,
    filtering,
    userActions: {
      title: policy.userActions.title,
      source: sourcePlain(policy.userActions.source),
      sections: policy.userActions.sections.map((section) => {
        const plain: PlainMap = {};
        put(plain, 'heading', section.heading);
        plain.rows = section.rows.map((row) => rowPlain(row, columnOrder));
        return plain;
      }),
    },
  };
  const { communications, mobileTechnologies, sanctions } = policy;
  if (communications) {
    out.communications = {
      title: communications.title,
      source: sourcePlain(communications.source),
      rows: communications.rows.map(communicationPlain),
    };
  }
  if (mobileTechnologies) {
    out.mobileTechnologies = {
      title: mobileTechnologies.title,
      source: sourcePlain(mobileTechnologies.source),
      devices: mobileTechnologies.devices.map(devicePlain),
    };
  }
  if (sanctions && (sanctions.pupils || sanctions.staff)) {
    const plain: PlainMap = {};
    put(plain, 'pupils', sanctions.pupils && sanctionsPlain(sanctions.pupils));
    put(plain, 'staff', sanctions.staff && sanctionsPlain(sanctions.staff));
    out.sanctions = plain;
  }
  return out;
}

/** Lists of ids and short values written on one line: `[mon, tue, wed]`. */
const FLOW_LISTS = new Set([
  'days',
  'times',
  'categories',
  'bands',
  'nominated',
  'selected',
  'actions',
  'alertCategories',
]);

/** Lists of mappings with a blank line between their items. */
const SPACED_LISTS = new Set(['sections', 'rows', 'incidents', 'bands', 'devices']);

/** Strings that other YAML readers (YAML 1.1) could take for numbers or dates. */
const QUOTED_KEYS = new Set(['times', 'from', 'to']);

/** The maps in the `key` lists of the maps of a sequence (the rows of every section). */
function mapsIn(sequence: unknown, key: string): YAMLMap[] {
  if (!isSeq(sequence)) return [];
  return sequence.items.flatMap((item) => {
    const inner = isMap(item) ? item.get(key, true) : undefined;
    return isSeq(inner) ? inner.items.filter((row): row is YAMLMap => isMap(row)) : [];
  });
}

/** A cell without a note fits on one line: `{level: ..., bands: [...]}`. */
function flowWhenShort(cell: YAMLMap): void {
  if (!cell.has('note')) cell.flow = true;
}

function commentLines(lines: readonly string[]): string {
  return lines.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
}

const SECTION_COMMENTS: Readonly<Record<string, readonly string[]>> = {
  metadata: ['What this document is and which sections of the source policy it encodes.'],
  groups: [
    'User groups. age-stage, staff, visitor and guest groups are the columns of the User',
    'Actions matrix; nominated groups (e.g. the DSL and deputies who check reported sites)',
    'are named in "acceptable-for-nominated-users" cells.',
  ],
  categories: [
    'Filter categories. legal: illegal = blocked for everyone, always (POL-4);',
    'inappropriate = blocked unless a User Actions row says otherwise; neutral = allowed',
    'unless a row says otherwise; allow-type = an allow list that wins over the others.',
  ],
  timeBands: [
    'Time bands for "acceptable at certain times" (local times, end exclusive).',
    'The times are the school’s to set: change them to match the school day.',
  ],
  filtering: ['Filtering settings that the policy tables leave open.'],
  userActions: [
    'User Actions: every row × every column group → one of the five levels:',
    ...USER_ACTION_LEVELS.map((level) => `  ${level} — ${USER_ACTION_LEVEL_LABELS[level]}`),
    'A cell is a bare level, or { level: acceptable-at-certain-times, bands: [...] },',
    'or { level: acceptable-for-nominated-users, nominated: [...] }.',
    'enforced: false marks behaviours that a filter cannot see; they are published all the same.',
  ],
  communications: [
    'Communication Technologies. staff = "Staff & other adults": allowed,',
    'allowed-at-certain-times, allowed-for-selected-staff, not-allowed. pupils = "Students /',
    'Pupils": allowed, allowed-at-certain-times, allowed-with-staff-permission, not-allowed.',
    'A column the source leaves blank is left out.',
  ],
  mobileTechnologies: [
    'Mobile Technologies: device ownership class → allowed in school (allowed,',
    'with-permission, not-allowed) and network access (full, internet-only, none).',
  ],
  sanctions: ['Actions & Sanctions: incident → the actions (columns) marked for it.'],
};

const OPTIONAL_TABLES: readonly { key: keyof Policy; name: string }[] = [
  { key: 'communications', name: 'Communication Technologies' },
  { key: 'mobileTechnologies', name: 'Mobile Technologies' },
  { key: 'sanctions', name: 'Actions & Sanctions' },
];

/**
 * The canonical YAML of a policy: fixed key order, one blank line between rows, short lists on
 * one line, comments that explain each table. `parsePolicyYaml(stringifyPolicyYaml(p))` gives `p`
 * back, and stringifying that again gives the same text.
 */
export function stringifyPolicyYaml(policy: Policy): string {
  const doc = new Document(policyPlain(policy));
  doc.commentBefore = commentLines([
    `${policy.metadata.title} — ${policy.metadata.school}`,
    'Haven policy document: the tables of the school’s Online Safety Policy as data.',
    'Format: docs/policy-format.md · JSON Schema: docs/policy.schema.json',
  ]);
  visit(doc, {
    Pair(_, pair) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value;
      if (key === 'source' && isMap(value)) value.flow = true;
      if ((key === 'sources' || key === 'terms') && isSeq(value)) {
        for (const item of value.items) if (isMap(item)) item.flow = true;
      }
      if (FLOW_LISTS.has(key) && isSeq(value) && value.items.every(isScalar)) value.flow = true;
      if (QUOTED_KEYS.has(key)) {
        if (isScalar(value)) value.type = Scalar.QUOTE_DOUBLE;
        if (isSeq(value))
          for (const item of value.items) if (isScalar(item)) item.type = Scalar.QUOTE_DOUBLE;
      }
      if (SPACED_LISTS.has(key) && isSeq(value)) {
        value.items.forEach((item, index) => {
          if (isMap(item) && index > 0) item.spaceBefore = true;
        });
      }
    },
  });
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const comment = SECTION_COMMENTS[key];
      if (comment) pair.key.commentBefore = commentLines(comment);
      pair.key.spaceBefore = key !== 'schemaVersion';
    }
  }
  for (const row of mapsIn(doc.getIn(['userActions', 'sections']), 'rows')) {
    const levels = row.get('levels', true);
    if (isMap(levels))
      for (const cell of levels.items) if (isMap(cell.value)) flowWhenShort(cell.value);
  }
  const communicationRows = doc.getIn(['communications', 'rows'], true);
  if (isSeq(communicationRows)) {
    for (const row of communicationRows.items) {
      if (!isMap(row)) continue;
      for (const column of ['staff', 'pupils']) {
        const cell = row.get(column, true);
        if (isMap(cell)) flowWhenShort(cell);
      }
    }
  }
  const missing = OPTIONAL_TABLES.filter(({ key }) => policy[key] === undefined).map(
    ({ name }) => name,
  );
  if (missing.length > 0) {
    const names =
      missing.length === 1
        ? (missing[0] ?? '')
        : `${missing.slice(0, -1).join(', ')} or ${missing[missing.length - 1] ?? ''}`;
    doc.comment = commentLines([
      `This policy has no ${names} table: the source policy has none.`,
      'docs/policy-format.md shows how to add one.',
    ]);
  }
  return doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
}
