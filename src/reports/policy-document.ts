import {
  ALLOWED_IN_SCHOOL_LABELS,
  COMMUNICATION_LEVEL_LABELS,
  NETWORK_ACCESS,
  NETWORK_ACCESS_LABELS,
  PUPIL_COMMUNICATION_LEVELS,
  STAFF_COMMUNICATION_LEVELS,
  USER_ACTION_LEVELS,
  USER_ACTION_LEVEL_LABELS,
  WEEKDAYS,
  DEVICE_CLASS_OWNERSHIP,
  columnGroups,
  type CommunicationRow,
  type Communications,
  type DeviceRule,
  type LegalStatus,
  type MobileTechnologies,
  type Policy,
  type PolicyGroup,
  type PupilCommunicationCell,
  type SanctionsTable,
  type Source,
  type SourceDocument,
  type StaffCommunicationCell,
  type TimeBand,
  type UserActionCell,
  type UserActionLevel,
  type UserActionRow,
  type Weekday,
} from '../policy/document/policy-schema.ts';
import { matrixProvenance, type MatrixBasis } from '../policy/document/to-rules.ts';
import { html, joinHtml, rawHtml, type Html, type HtmlValue } from './html.ts';

/**
 * The published Online Safety Policy tables (POL-3), rendered from the policy document itself:
 * the same `Policy` value that `toRules()` turns into what the filter enforces. The layout is the
 * seeds' own — User actions (activities × the five levels), Communication technologies (staff &
 * other adults vs pupils), Mobile technologies (device classes × access) and the pupil and staff
 * Actions & Sanctions tables — with the time bands, the groups, and every entry's citation.
 *
 * A pure function: no I/O, no clock (the generation time is an argument). The result is one
 * standalone HTML5 document with its style sheet inline and no scripts or external resources,
 * ready for the browser or for `renderPdf()`.
 */

export interface PolicyDocumentMeta {
  readonly schoolName: string;
  readonly versionNumber: number;
  /** The version's status, e.g. `draft`, `approved`, `active`, `superseded`. */
  readonly status: string;
  readonly approvedBy?: string | null;
  /** When the version was approved: an ISO timestamp or a `YYYY-MM-DD` date. */
  readonly approvedAt?: string | null;
  readonly approvalNote?: string | null;
  /** When the policy is next reviewed: a `YYYY-MM-DD` date (or an ISO timestamp). */
  readonly nextReview?: string | null;
  /** When this document was generated: an ISO timestamp. */
  readonly generatedAt: string;
}

export const POLICY_DOCUMENT_TITLE = 'Online Safety Policy — filtering and technology tables';

/** How a citation names the policy an entry comes from (the seeds, or the school itself). */
const SEED_NAMES: Readonly<Record<SourceDocument, string>> = {
  roundwood: 'Roundwood policy',
  crosfields: 'Crosfields policy',
  school: 'school’s own wording',
};

const WEEKDAY_NAMES: Readonly<Record<Weekday, string>> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const LEGAL_STATUS_LABELS: Readonly<Record<LegalStatus, string>> = {
  illegal: 'Illegal: blocked for everyone, always',
  inappropriate: 'Inappropriate: blocked unless a row allows it',
  neutral: 'Neutral: allowed unless a row restricts it',
  'allow-type': 'Allow list: wins over the other lists',
};

/** The mark the seeds put in a ticked cell. */
const MARK = 'X';

// ---------------------------------------------------------------------------------------------
// Small formatting helpers

/** `2026-09-01` → `1 September 2026`; an ISO timestamp → its date in the school's time zone. */
function formatDate(value: string, timeZone: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const [, year = '', month = '', date = ''] = day;
    const monthName = MONTHS[Number(month) - 1];
    return monthName ? `${Number(date)} ${monthName} ${year}` : value;
  }
  return formatInstant(value, timeZone, false);
}

/** An ISO timestamp → `3 September 2025 at 14:05` in the school's time zone. */
function formatDateTime(value: string, timeZone: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? formatDate(value, timeZone)
    : formatInstant(value, timeZone, true);
}

function formatInstant(value: string, timeZone: string, withTime: boolean): string {
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return value;
  const options: Intl.DateTimeFormatOptions = withTime
    ? { dateStyle: 'long', timeStyle: 'short' }
    : { dateStyle: 'long' };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone }).format(instant);
  } catch {
    // An unknown time zone name: say the time in UTC rather than fail the whole document.
    return `${new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(instant)}${withTime ? ' UTC' : ''}`;
  }
}

/** `[mon … fri]` → `Monday to Friday`; other sets are listed. */
function formatDays(days: readonly Weekday[]): string {
  const indexes = [...new Set(days.map((day) => WEEKDAYS.indexOf(day)))].sort((a, b) => a - b);
  const first = indexes[0];
  const last = indexes.at(-1);
  const consecutive = indexes.every((index, i) => i === 0 || index === (indexes[i - 1] ?? 0) + 1);
  if (first !== undefined && last !== undefined && indexes.length >= 3 && consecutive) {
    return `${WEEKDAY_NAMES[WEEKDAYS[first] ?? 'mon']} to ${WEEKDAY_NAMES[WEEKDAYS[last] ?? 'sun']}`;
  }
  return days.map((day) => WEEKDAY_NAMES[day]).join(', ');
}

function formatTimeRange(range: string): string {
  return range.replace('-', '–');
}

/** `['a', 'b', 'c']` → `a, b or c`. */
function listInWords(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1) ?? ''}`;
}

function sentenceCase(text: string): string {
  const words = text.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function citation(source: Source): Html {
  return html`<p class="source">Source: ${SEED_NAMES[source.seed]}, “${source.section}”</p>`;
}

function sameSource(a: Source | undefined, b: Source | undefined): boolean {
  return a !== undefined && b !== undefined && a.seed === b.seed && a.section === b.section;
}

function noteLine(label: string | null, text: string): Html {
  return html`<p class="note">
    ${label === null ? null : html`<strong>${label}:</strong> `}${text}
  </p>`;
}

/** The seeds' mark, with words for screen readers (the mark itself is hidden from them). */
function marked(hiddenText: string | null): Html {
  return html`<span class="mark" aria-hidden="true">${MARK}</span
    >${hiddenText === null ? null : html`<span class="sr-only">${hiddenText}</span>`}`;
}

// ---------------------------------------------------------------------------------------------
// Names

interface Names {
  readonly groups: ReadonlyMap<string, string>;
  readonly bands: ReadonlyMap<string, string>;
  readonly categories: ReadonlyMap<string, Policy['categories'][number]>;
  readonly columns: readonly PolicyGroup[];
}

function namesOf(policy: Policy): Names {
  return {
    groups: new Map(policy.groups.map((group) => [group.id, group.label])),
    bands: new Map(policy.timeBands.bands.map((band) => [band.id, band.label])),
    categories: new Map(policy.categories.map((category) => [category.id, category])),
    columns: columnGroups(policy),
  };
}

function labelsOf(ids: readonly string[] | undefined, labels: ReadonlyMap<string, string>): string {
  return (ids ?? []).map((id) => labels.get(id) ?? id).join(', ');
}

/**
 * The groups of a cell in words. When every age or stage group is among them, they are said
 * together as "All pupils", so that a cell reads "All pupils, Guests" rather than six labels.
 */
function describeGroups(groups: readonly PolicyGroup[], names: Names): string {
  if (groups.length === names.columns.length) return 'All users';
  const stages = names.columns.filter((group) => group.kind === 'age-stage');
  const ids = new Set(groups.map((group) => group.id));
  const allStages = stages.length > 1 && stages.every((stage) => ids.has(stage.id));
  const rest = allStages ? groups.filter((group) => group.kind !== 'age-stage') : groups;
  return [...(allStages ? ['All pupils'] : []), ...rest.map((group) => group.label)].join(', ');
}

// ---------------------------------------------------------------------------------------------
// Header

function renderHeader(policy: Policy, meta: PolicyDocumentMeta): Html {
  const timeZone = policy.timeBands.timeZone;
  const approved = meta.approvedAt ?? null;
  const item = (label: string, value: HtmlValue, wide = false) =>
    html`<div class="meta-item${wide ? ' wide' : ''}">
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  const time = (value: string, text: string) => html`<time datetime="${value}">${text}</time>`;
  const missingTables = [
    policy.communications ? null : 'Communication technologies',
    policy.mobileTechnologies ? null : 'Mobile technologies',
    policy.sanctions?.pupils ? null : 'Pupil sanctions',
    policy.sanctions?.staff ? null : 'Staff sanctions',
  ].filter((name): name is string => name !== null);
  return html`<header class="document-header">
    <h1>
      <span class="school-name">${meta.schoolName}</span>
      <span class="title">${POLICY_DOCUMENT_TITLE}</span>
    </h1>
    ${approved === null ? html`<p class="draft-banner" role="note">This version has not been approved. It is not the school’s policy until it is.</p>` : null}
    <dl class="meta">
      ${item('Version', meta.versionNumber)} ${item('Status', sentenceCase(meta.status))}
      ${item('Approved by', meta.approvedBy ?? 'Not yet approved')}
      ${item('Approved on', approved === null ? 'Not yet approved' : time(approved, formatDate(approved, timeZone)))}
      ${meta.approvalNote ? item('Approval note', meta.approvalNote, true) : null}
      ${item('Next review', meta.nextReview ? time(meta.nextReview, formatDate(meta.nextReview, timeZone)) : 'Not set')}
      ${item('Generated', time(meta.generatedAt, formatDateTime(meta.generatedAt, timeZone)))}
    </dl>
    <p class="provenance">
      <strong
        >These tables are generated by Haven from the same policy data that the school’s web filter
        enforces:</strong
      >
      a change to the policy changes this document and the filter together, so the two cannot drift
      apart.
    </p>
    ${policy.metadata.note ? html`<p class="about">${policy.metadata.note}</p>` : null}
    ${missingTables.length > 0 ? html`<p class="about">This policy has no ${listInWords(missingTables, 'or')} table.</p>` : null}
  </header>`;
}

interface Section {
  readonly id: string;
  readonly title: string;
  readonly body: Html;
  /** A wide table with tall headings, which starts on a new printed page. */
  readonly newPage?: boolean;
}

function renderContents(sections: readonly Section[]): Html {
  return html`<nav class="contents" aria-label="Contents">
    <p class="contents-heading">Contents</p>
    <ol>
      ${sections.map((section) => html`<li><a href="#${section.id}">${section.title}</a></li>`)}
    </ol>
  </nav>`;
}

function renderSection(section: Section): Html {
  return html`<section
    class="policy-table${section.newPage ? ' new-page' : ''}"
    aria-labelledby="${section.id}"
  >
    <h2 id="${section.id}">${section.title}</h2>
    ${section.body}
  </section>`;
}

// ---------------------------------------------------------------------------------------------
// User actions

/** The column groups that share one cell (same level, same bands or nominated users). */
interface CellEntry {
  readonly level: UserActionLevel;
  readonly groups: PolicyGroup[];
  readonly bands: readonly string[];
  readonly nominated: readonly string[];
}

function cellEntries(
  row: UserActionRow,
  names: Names,
): { entries: CellEntry[]; missing: PolicyGroup[] } {
  const entries = new Map<string, CellEntry>();
  const missing: PolicyGroup[] = [];
  for (const group of names.columns) {
    const cell: UserActionCell | undefined = row.levels[group.id];
    if (!cell) {
      missing.push(group);
      continue;
    }
    const bands = cell.level === 'acceptable-at-certain-times' ? (cell.bands ?? []) : [];
    const nominated = cell.level === 'acceptable-for-nominated-users' ? (cell.nominated ?? []) : [];
    const key = `${cell.level}|${bands.join(',')}|${nominated.join(',')}`;
    const entry = entries.get(key);
    if (entry) entry.groups.push(group);
    else entries.set(key, { level: cell.level, groups: [group], bands, nominated });
  }
  return { entries: [...entries.values()], missing };
}

function renderLevelCell(
  level: UserActionLevel,
  entries: readonly CellEntry[],
  everyone: boolean,
  names: Names,
): Html {
  const here = entries.filter((entry) => entry.level === level);
  if (here.length === 0) return html`<td class="level"></td>`;
  const parts = here.map((entry) => {
    const who = describeGroups(entry.groups, names);
    const detail =
      entry.bands.length > 0
        ? labelsOf(entry.bands, names.bands)
        : entry.nominated.length > 0
          ? labelsOf(entry.nominated, names.groups)
          : null;
    return html`<div class="entry">
      ${marked(everyone ? who : null)}${everyone ? null : html`<span class="who">${who}</span>`}${detail === null ? null : html`<span class="detail">${detail}</span>`}
    </div>`;
  });
  return html`<td class="level marked">${parts}</td>`;
}

function filterLine(row: UserActionRow, names: Names): Html {
  if (!row.enforced || row.categories.length === 0) {
    return html`<p class="filter">Conduct: not enforced by the web filter.</p>`;
  }
  const categories = row.categories.map((id) => {
    const category = names.categories.get(id);
    if (!category) return id;
    return category.list ? `${category.label} (${category.list})` : category.label;
  });
  return html`<p class="filter">Filter categories: ${categories.join('; ')}</p>`;
}

/** Notes written on single cells, merged where several groups share the same words. */
function cellNotes(row: UserActionRow, names: Names): Html[] {
  const notes = new Map<string, { groups: PolicyGroup[]; text: string }>();
  for (const group of names.columns) {
    const cell = row.levels[group.id];
    if (!cell) continue;
    const parts: string[] = [];
    if (cell.note) parts.push(cell.note);
    if (cell.source && !sameSource(cell.source, row.source)) {
      parts.push(`(Source: ${SEED_NAMES[cell.source.seed]}, “${cell.source.section}”)`);
    }
    if (parts.length === 0) continue;
    const text = parts.join(' ');
    const entry = notes.get(text);
    if (entry) entry.groups.push(group);
    else notes.set(text, { groups: [group], text });
  }
  return [...notes.values()].map((note) => noteLine(describeGroups(note.groups, names), note.text));
}

function renderUserActionRow(row: UserActionRow, names: Names): Html {
  const { entries, missing } = cellEntries(row, names);
  const everyone = entries.length === 1 && missing.length === 0;
  return html`<tr id="ua-${row.id}">
    <th scope="row" class="activity">
      <span class="activity-text">${row.activity}</span>
      ${
        row.items && row.items.length > 0
          ? html`<ul class="items">
              ${row.items.map((item) => html`<li>${item}</li>`)}
            </ul>`
          : null
      }
      <div class="row-notes">
        ${filterLine(row, names)} ${row.note ? noteLine('Note', row.note) : null}
        ${cellNotes(row, names)}
        ${missing.length > 0 ? noteLine('No level given for', missing.map((group) => group.label).join(', ')) : null}
        ${citation(row.source)}
      </div>
    </th>
    ${USER_ACTION_LEVELS.map((level) => renderLevelCell(level, entries, everyone, names))}
  </tr>`;
}

function renderUserActions(policy: Policy, names: Names): Html {
  const table = policy.userActions;
  const columnCount = USER_ACTION_LEVELS.length + 1;
  return html`<p class="lead">
      ${MARK} marks the level that applies to an activity. Where the level is not the same for every
      user group, each mark names the groups it applies to; “at certain times” names the time bands,
      and “for nominated users” names the nominated group. The groups and time bands are listed
      below the table.
    </p>
    <table class="user-actions">
      <caption>
        ${table.title}: what users may and may not do online. ${citationText(table.source)}
      </caption>
      <colgroup>
        <col class="activity-col" />
        ${USER_ACTION_LEVELS.map(() => html`<col class="level-col" />`)}
      </colgroup>
      <thead>
        <tr>
          <th scope="col">${table.title}</th>
          ${USER_ACTION_LEVELS.map((level) => html`<th scope="col" class="level-heading">${USER_ACTION_LEVEL_LABELS[level]}</th>`)}
        </tr>
      </thead>
      ${table.sections.map(
        (section) =>
          html`<tbody>
            ${
              section.heading
                ? html`<tr class="section-row">
                    <th scope="rowgroup" colspan="${columnCount}">${section.heading}</th>
                  </tr>`
                : null
            }
            ${section.rows.map((row) => renderUserActionRow(row, names))}
          </tbody>`,
      )}
    </table>`;
}

function citationText(source: Source): string {
  return `Source: ${SEED_NAMES[source.seed]}, “${source.section}”.`;
}

// ---------------------------------------------------------------------------------------------
// Groups, time bands and categories

function renderGroups(policy: Policy): Html {
  const kindLabel = (group: PolicyGroup) =>
    group.kind === 'nominated'
      ? 'Nominated users (named in “acceptable for nominated users”)'
      : group.kind === 'age-stage'
        ? 'Pupils (age or stage)'
        : sentenceCase(group.kind);
  return html`<table class="groups">
    <caption>
      The user groups the tables speak about. The filter decides every request for one of these
      groups.
    </caption>
    <colgroup>
      <col class="group-col" />
      <col class="kind-col" />
      <col />
    </colgroup>
    <thead>
      <tr>
        <th scope="col">Group</th>
        <th scope="col">Kind</th>
        <th scope="col">Who belongs to it</th>
      </tr>
    </thead>
    <tbody>
      ${policy.groups.map(
        (group) =>
          html`<tr id="group-${group.id}">
            <th scope="row">${group.label}</th>
            <td>${kindLabel(group)}</td>
            <td>
              ${group.description ?? ''}${group.note ? html`<div class="row-notes">${noteLine('Note', group.note)}</div>` : null}${group.source ? html`<div class="row-notes">${citation(group.source)}</div>` : null}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function renderTimeBands(policy: Policy): Html {
  const { timeZone, terms, bands } = policy.timeBands;
  const termTime = (band: TimeBand) =>
    terms && terms.length > 0 ? (band.termTimeOnly === false ? 'All year' : 'Term time only') : '';
  return html`<table class="time-bands">
      <caption>
        Time bands for “acceptable at certain times” and “allowed at certain times”. Times are local
        (${timeZone}); each range ends just before its end time.
      </caption>
      <colgroup>
        <col class="band-col" />
        <col class="days-col" />
        <col class="times-col" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Time band</th>
          <th scope="col">Days</th>
          <th scope="col">Times</th>
          <th scope="col">Notes</th>
        </tr>
      </thead>
      <tbody>
        ${bands.map(
          (band) =>
            html`<tr id="band-${band.id}">
              <th scope="row">${band.label}</th>
              <td>
                ${formatDays(band.days)}${termTime(band) ? html`<br />${termTime(band)}` : null}
              </td>
              <td>${joinHtml(band.times.map(formatTimeRange), rawHtml('<br>'))}</td>
              <td>
                <div class="row-notes">
                  ${band.note ? noteLine(null, band.note) : null}${band.source ? citation(band.source) : null}
                </div>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      terms && terms.length > 0
        ? html`<table class="terms">
            <caption>
              Term dates: the time bands apply inside these dates only, unless a band says “all
              year”.
            </caption>
            <thead>
              <tr>
                <th scope="col">Term</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
              </tr>
            </thead>
            <tbody>
              ${terms.map(
                (term) =>
                  html`<tr>
                    <th scope="row">${term.name}</th>
                    <td><time datetime="${term.from}">${formatDate(term.from, timeZone)}</time></td>
                    <td><time datetime="${term.to}">${formatDate(term.to, timeZone)}</time></td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }`;
}

/** A long activity cut at a word, for a reference to its row. */
function shortActivity(text: string): string {
  if (text.length <= 90) return text;
  const cut = text.slice(0, 88);
  const space = cut.lastIndexOf(' ');
  return `${(space > 40 ? cut.slice(0, space) : cut).replace(/[\s,;:/–(-]+$/, '')}…`;
}

/** What decides a category in the filter, as `toRules()` works it out (POL-3). */
function decidedBy(basis: MatrixBasis | undefined): Html {
  if (!basis) return html``;
  if (basis.kind === 'illegal') {
    return html`Blocked for every group, always, whatever a row
    says${basis.row ? html` (row: <a href="#ua-${basis.row.id}">${shortActivity(basis.row.activity)}</a>)` : null}`;
  }
  if (basis.kind === 'row') {
    return html`User actions row:
      <a href="#ua-${basis.row.id}">${shortActivity(basis.row.activity)}</a>`;
  }
  return basis.legal === 'inappropriate'
    ? html`No User actions row: blocked for every group`
    : html`No User actions row: allowed for every group`;
}

function renderCategories(policy: Policy): Html {
  const provenance = matrixProvenance(policy);
  const basisOf = (category: string): MatrixBasis | undefined => {
    const entries = provenance.filter((entry) => entry.category === category);
    return (entries.find((entry) => entry.basis.kind !== 'legal-status') ?? entries[0])?.basis;
  };
  return html`<table class="categories">
    <caption>
      The filter categories, and what decides each of them in the filter.
    </caption>
    <colgroup>
      <col class="category-col" />
      <col class="legal-col" />
      <col />
    </colgroup>
    <thead>
      <tr>
        <th scope="col">Category</th>
        <th scope="col">Status</th>
        <th scope="col">Decided by</th>
      </tr>
    </thead>
    <tbody>
      ${policy.categories.map(
        (category) =>
          html`<tr id="category-${category.id}">
            <th scope="row">
              ${category.label}${category.list ? html`<div class="row-notes"><p class="filter">List: ${category.list}</p></div>` : null}
            </th>
            <td>${LEGAL_STATUS_LABELS[category.legal]}</td>
            <td>${decidedBy(basisOf(category.id))}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

// ---------------------------------------------------------------------------------------------
// Communication technologies

function communicationCell(
  cell: StaffCommunicationCell | PupilCommunicationCell | undefined,
  level: string,
  names: Names,
): Html {
  if (!cell || cell.level !== level) return html`<td class="level"></td>`;
  const details: string[] = [];
  if (cell.level === 'allowed-at-certain-times' && cell.bands && cell.bands.length > 0) {
    details.push(labelsOf(cell.bands, names.bands));
  }
  if ('selected' in cell && cell.selected && cell.selected.length > 0) {
    details.push(labelsOf(cell.selected, names.groups));
  }
  return html`<td class="level marked">
    <div class="entry">
      ${marked('Yes')}${details.map((detail) => html`<span class="detail">${detail}</span>`)}
    </div>
  </td>`;
}

function communicationColumns(
  cell: StaffCommunicationCell | PupilCommunicationCell | undefined,
  levels: readonly string[],
  names: Names,
): Html {
  if (!cell) {
    return html`<td class="level not-stated" colspan="${levels.length}">
      Not stated in the policy
    </td>`;
  }
  return html`${levels.map((level) => communicationCell(cell, level, names))}`;
}

function renderCommunicationRow(row: CommunicationRow, names: Names): Html {
  const cellNote = (
    who: string,
    cell: { note?: string | undefined; source?: Source | undefined },
  ) =>
    cell.note || (cell.source && !sameSource(cell.source, row.source))
      ? noteLine(
          who,
          [
            cell.note,
            cell.source && !sameSource(cell.source, row.source)
              ? `(Source: ${SEED_NAMES[cell.source.seed]}, “${cell.source.section}”)`
              : undefined,
          ]
            .filter((part): part is string => part !== undefined)
            .join(' '),
        )
      : null;
  return html`<tr id="communication-${row.id}">
    <th scope="row" class="activity">
      <span class="activity-text">${row.technology}</span>
      <div class="row-notes">
        ${row.note ? noteLine('Note', row.note) : null}
        ${row.staff ? cellNote('Staff & other adults', row.staff) : null}
        ${row.pupils ? cellNote('Pupils', row.pupils) : null} ${citation(row.source)}
      </div>
    </th>
    ${communicationColumns(row.staff, STAFF_COMMUNICATION_LEVELS, names)}
    ${communicationColumns(row.pupils, PUPIL_COMMUNICATION_LEVELS, names)}
  </tr>`;
}

function renderCommunications(table: Communications, names: Names): Html {
  const headings = (levels: readonly (keyof typeof COMMUNICATION_LEVEL_LABELS)[], who: string) =>
    levels.map(
      (level, index) =>
        html`<th scope="col" class="level-heading${index === 0 ? ' group-start' : ''}">
          <span class="sr-only">${who}: </span>${COMMUNICATION_LEVEL_LABELS[level]}
        </th>`,
    );
  return html`<table class="communications">
    <caption>
      ${table.title}: what staff and other adults, and pupils, may use in school.
      ${citationText(table.source)}
    </caption>
    <colgroup>
      <col class="activity-col" />
      <col span="${STAFF_COMMUNICATION_LEVELS.length}" class="level-col staff-cols" />
      <col span="${PUPIL_COMMUNICATION_LEVELS.length}" class="level-col pupil-cols" />
    </colgroup>
    <thead>
      <tr>
        <th scope="col" rowspan="2">${table.title}</th>
        <th scope="colgroup" colspan="${STAFF_COMMUNICATION_LEVELS.length}" class="group-start">
          Staff &amp; other adults
        </th>
        <th scope="colgroup" colspan="${PUPIL_COMMUNICATION_LEVELS.length}" class="group-start">
          Students / Pupils
        </th>
      </tr>
      <tr>
        ${headings(STAFF_COMMUNICATION_LEVELS, 'Staff & other adults')}${headings(PUPIL_COMMUNICATION_LEVELS, 'Pupils')}
      </tr>
    </thead>
    <tbody>
      ${table.rows.map((row) => renderCommunicationRow(row, names))}
    </tbody>
  </table>`;
}

// ---------------------------------------------------------------------------------------------
// Mobile technologies

function renderMobileTechnologies(table: MobileTechnologies): Html {
  const school = table.devices.filter(
    (device) => DEVICE_CLASS_OWNERSHIP[device.class] === 'school',
  );
  const personal = table.devices.filter(
    (device) => DEVICE_CLASS_OWNERSHIP[device.class] === 'personal',
  );
  const devices: DeviceRule[] = [...school, ...personal];
  const groupHeading = (label: string, count: number, first: boolean) =>
    count === 0
      ? null
      : html`<th
          scope="colgroup"
          colspan="${count}"
          class="${first ? 'first-group' : 'group-start'}"
        >
          ${label}
        </th>`;
  const isGroupStart = (index: number) => index === school.length && school.length > 0;
  const cell = (device: DeviceRule, index: number, content: Html) =>
    html`<td class="level${isGroupStart(index) ? ' group-start' : ''}">${content}</td>`;
  const deviceNotes = devices.map(
    (device) =>
      html`<li>
        <strong>${device.label}:</strong> ${device.note ? html`${device.note} ` : null}<span
          class="source-inline"
          >${citationText(device.source)}</span
        >
      </li>`,
  );
  return html`<table class="mobile">
      <caption>
        ${table.title}: which devices may be used in school, and what network access each has.
        ${citationText(table.source)}
      </caption>
      <colgroup>
        <col class="access-col" />
        ${devices.map(() => html`<col class="device-col" />`)}
      </colgroup>
      <thead>
        <tr>
          <td rowspan="2" class="corner"></td>
          ${groupHeading('School devices', school.length, true)}
          ${groupHeading('Personal devices', personal.length, school.length === 0)}
        </tr>
        <tr>
          ${devices.map((device, index) => html`<th scope="col" class="device-heading${isGroupStart(index) ? ' group-start' : ''}">${device.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Allowed in school</th>
          ${devices.map((device, index) => cell(device, index, html`${ALLOWED_IN_SCHOOL_LABELS[device.allowedInSchool]}`))}
        </tr>
        ${NETWORK_ACCESS.map(
          (access) =>
            html`<tr>
              <th scope="row">${NETWORK_ACCESS_LABELS[access]}</th>
              ${devices.map((device, index) =>
                cell(device, index, device.networkAccess === access ? marked('Yes') : html``),
              )}
            </tr>`,
        )}
      </tbody>
    </table>
    <div class="table-notes">
      <h3>Notes on the device classes</h3>
      <ul>
        ${deviceNotes}
      </ul>
    </div>`;
}

// ---------------------------------------------------------------------------------------------
// Sanctions

function renderSanctions(table: SanctionsTable, kind: 'pupil' | 'staff'): Html {
  return html`<table class="sanctions">
    <caption>
      ${table.title}: the actions the school may take for each kind of ${kind} incident; ${MARK}
      marks an action that applies. ${citationText(table.source)}
    </caption>
    <colgroup>
      <col class="incident-col" />
      ${table.actions.map(() => html`<col class="action-col" />`)}
    </colgroup>
    <thead>
      <tr>
        <th scope="col" class="incident-heading">Incident</th>
        ${table.actions.map((action) => html`<th scope="col" class="action-heading"><span class="vertical">${action.label}</span></th>`)}
      </tr>
    </thead>
    <tbody>
      ${table.incidents.map(
        (incident) =>
          html`<tr id="${kind}-sanction-${incident.id}">
            <th scope="row" class="activity">
              <span class="activity-text">${incident.incident}</span>
              <div class="row-notes">
                ${incident.note ? noteLine('Note', incident.note) : null}
                ${incident.actions
                  .filter((id) => !table.actions.some((action) => action.id === id))
                  .map((id) => noteLine('Action not in the table', id))}
                ${citation(incident.source)}
              </div>
            </th>
            ${table.actions.map((action) =>
              incident.actions.includes(action.id)
                ? html`<td class="level marked">${marked('Yes')}</td>`
                : html`<td class="level"></td>`,
            )}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

// ---------------------------------------------------------------------------------------------
// The document

const STYLE = `
@page { size: A4; margin: 15mm 13mm 17mm 13mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; }
html {
  font-family: "Liberation Sans", Arial, Helvetica, "DejaVu Sans", sans-serif;
  font-size: 10pt; line-height: 1.35; color: #000; background: #fff;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
body { margin: 0 auto; max-width: 200mm; padding: 10mm 6mm 16mm; }
a { color: #0b3a75; }
h1 { font-size: 19pt; line-height: 1.2; margin: 0 0 3mm; color: #000; }
h1 .school-name { display: block; font-size: 12pt; letter-spacing: 0.02em; color: #14365f; margin-bottom: 1.5mm; }
h1 .title { display: block; }
h2 { font-size: 13.5pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 0.6mm solid #14365f; color: #000; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10pt; margin: 2mm 0 1mm; break-after: avoid; }
p { margin: 0 0 2mm; orphans: 3; widows: 3; }
.document-header { border: 0.3mm solid #14365f; border-top: 2.5mm solid #14365f; padding: 5mm 6mm 3mm; margin-bottom: 5mm; break-inside: avoid; }
.draft-banner { border: 0.5mm solid #8a1c1c; color: #8a1c1c; font-weight: 700; padding: 1.5mm 3mm; }
.meta { display: grid; grid-template-columns: 1fr 1fr; gap: 1.2mm 8mm; margin: 0 0 3mm; padding: 2.5mm 0; border-top: 0.25mm solid #4d4d4d; border-bottom: 0.25mm solid #4d4d4d; }
.meta-item { display: flex; gap: 2mm; }
.meta-item.wide { grid-column: 1 / -1; }
.meta dt { font-weight: 700; min-width: 24mm; }
.meta dd { margin: 0; }
.provenance { margin-bottom: 2mm; }
.about { font-size: 8.5pt; color: #262626; }
.contents { margin: 0 0 4mm; break-inside: avoid; }
.contents-heading { font-weight: 700; margin: 0 0 1mm; }
.contents ol { margin: 0; padding-left: 6mm; columns: 2; column-gap: 10mm; }
.lead { font-size: 9pt; break-inside: avoid; break-after: avoid; page-break-after: avoid; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 1mm 0 4mm; font-size: 8.5pt; line-height: 1.3; }
caption { caption-side: top; text-align: left; font-size: 8.5pt; color: #262626; padding: 0 0 1.5mm; break-after: avoid; page-break-after: avoid; }
th, td { border: 0.25mm solid #4d4d4d; padding: 1.3mm 1.6mm; vertical-align: top; text-align: left; overflow-wrap: break-word; hyphens: auto; }
thead { display: table-header-group; break-after: avoid; page-break-after: avoid; }
thead tr { break-after: avoid; page-break-after: avoid; }
thead th { background: #14365f; color: #fff; font-weight: 700; vertical-align: bottom; }
thead th.group-start, thead td.group-start { border-left: 0.6mm solid #000; }
thead td.corner { border: 0; background: #fff; }
tr, th, td { break-inside: avoid; page-break-inside: avoid; }
tbody th { font-weight: 400; }
tbody tr:nth-child(even) th, tbody tr:nth-child(even) td { background: #f3f5f8; }
tbody tr.section-row th { background: #dde5ef; font-weight: 700; font-size: 8.5pt; }
tr.section-row { break-after: avoid; page-break-after: avoid; }
.activity-text { display: block; }
.items { margin: 1mm 0 0; padding-left: 4.5mm; }
.items li { margin: 0.3mm 0; }
.row-notes { margin-top: 1mm; font-size: 7.3pt; line-height: 1.3; color: #262626; }
.row-notes p { margin: 0.6mm 0 0; }
.row-notes .source, .source-inline { font-style: italic; }
td.level { text-align: center; vertical-align: middle; }
td.group-start { border-left: 0.6mm solid #000; }
td.not-stated { font-style: italic; color: #262626; }
thead th { overflow-wrap: normal; hyphens: manual; }
.level-heading { text-align: center; font-size: 7.5pt; padding: 1.2mm 0.8mm; }
table.communications .level-heading { font-size: 7.3pt; padding: 1.2mm 0.6mm; }
.entry + .entry { margin-top: 1.5mm; padding-top: 1.5mm; border-top: 0.2mm dashed #4d4d4d; }
.mark { display: block; font-weight: 700; font-size: 10.5pt; line-height: 1.1; }
.who { display: block; font-weight: 700; font-size: 7.3pt; }
.detail { display: block; font-size: 7.3pt; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
col.activity-col { width: 45%; }
table.communications col.activity-col { width: 32%; }
table.groups col.group-col { width: 28%; }
table.groups col.kind-col { width: 20%; }
table.time-bands col.band-col { width: 20%; }
table.time-bands col.days-col { width: 22%; }
table.time-bands col.times-col { width: 18%; }
table.categories col.category-col { width: 32%; }
table.categories col.legal-col { width: 30%; }
table.mobile col.access-col { width: 22%; }
table.mobile .device-heading { text-align: center; font-size: 8pt; }
table.mobile thead th[scope=colgroup] { text-align: center; }
table.communications thead th[scope=colgroup] { text-align: center; }
table.sanctions col.incident-col { width: 42%; }
section.new-page { break-before: page; page-break-before: always; }
table.sanctions th.action-heading { vertical-align: bottom; text-align: left; height: 46mm; padding: 1.5mm 0.5mm; }
.vertical { display: inline-block; writing-mode: vertical-rl; transform: rotate(180deg); max-height: 44mm; white-space: normal; font-size: 7.8pt; line-height: 1.15; }
.table-notes { font-size: 8pt; color: #262626; margin-bottom: 4mm; }
.table-notes ul { margin: 0; padding-left: 5mm; }
.table-notes li { margin: 0.6mm 0; }
footer.document-footer { margin-top: 6mm; padding-top: 2mm; border-top: 0.25mm solid #4d4d4d; font-size: 8pt; color: #262626; }
@media screen { body { padding-top: 8mm; } }
@media print { body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
`;

/**
 * The policy's tables as one standalone, accessible HTML5 document (en-GB), for the browser and
 * for printing to PDF. Every string from the policy or `meta` is escaped.
 */
export function renderPolicyHtml(policy: Policy, meta: PolicyDocumentMeta): string {
  const names = namesOf(policy);
  const sections: Section[] = [
    { id: 'user-actions', title: 'User actions', body: renderUserActions(policy, names) },
    { id: 'user-groups', title: 'User groups', body: renderGroups(policy) },
    { id: 'time-bands', title: 'Time bands', body: renderTimeBands(policy) },
    { id: 'filter-categories', title: 'Filter categories', body: renderCategories(policy) },
  ];
  if (policy.communications) {
    sections.push({
      id: 'communication-technologies',
      title: 'Communication technologies',
      body: renderCommunications(policy.communications, names),
    });
  }
  if (policy.mobileTechnologies) {
    sections.push({
      id: 'mobile-technologies',
      title: 'Mobile technologies',
      body: renderMobileTechnologies(policy.mobileTechnologies),
    });
  }
  if (policy.sanctions?.pupils) {
    sections.push({
      id: 'pupil-sanctions',
      title: 'Pupil sanctions',
      body: renderSanctions(policy.sanctions.pupils, 'pupil'),
      newPage: true,
    });
  }
  if (policy.sanctions?.staff) {
    sections.push({
      id: 'staff-sanctions',
      title: 'Staff sanctions',
      body: renderSanctions(policy.sanctions.staff, 'staff'),
      newPage: true,
    });
  }
  const title = `${meta.schoolName} — ${POLICY_DOCUMENT_TITLE} (version ${meta.versionNumber})`;
  const document = html`<!DOCTYPE html>
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          http-equiv="Content-Security-Policy"
          content="default-src 'none'; style-src 'unsafe-inline'"
        />
        <meta name="generator" content="Haven" />
        <title>${title}</title>
        <style>
          ${rawHtml(STYLE)}
        </style>
      </head>
      <body>
        ${renderHeader(policy, meta)} ${renderContents(sections)}
        <main>${sections.map(renderSection)}</main>
        <footer class="document-footer">
          <p>
            ${meta.schoolName} · ${policy.metadata.title} · version ${meta.versionNumber}
            (${sentenceCase(meta.status)}). Generated by Haven on
            ${formatDateTime(meta.generatedAt, policy.timeBands.timeZone)} from the policy data the
            filter enforces.
          </p>
        </footer>
      </body>
    </html> `;
  return document.value;
}
