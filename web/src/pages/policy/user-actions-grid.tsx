import { CellEditor } from './cell-editor.tsx';
import { LEVELS } from './policy-labels.ts';
import {
  columnGroups,
  nominatedGroups,
  USER_ACTION_LEVELS,
  type PolicyDocument,
  type UserActionCell,
  type UserActionRow,
} from './types.ts';

export function cellKey(section: number, row: number, group: string): string {
  return `${section}.${row}.${group}`;
}

export function cellId(section: number, row: number, group: string): string {
  return `cell-${section}-${row}-${group}`;
}

function sameCell(a: UserActionCell | undefined, b: UserActionCell | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.level === b.level &&
    (a.bands ?? []).join() === (b.bands ?? []).join() &&
    (a.nominated ?? []).join() === (b.nominated ?? []).join()
  );
}

/** How many cells differ between the saved and the edited document. */
export function countChangedCells(saved: PolicyDocument, edited: PolicyDocument): number {
  let changed = 0;
  edited.userActions.sections.forEach((section, s) =>
    section.rows.forEach((row, r) => {
      const before = saved.userActions.sections[s]?.rows[r];
      for (const [group, cell] of Object.entries(row.levels)) {
        if (!sameCell(before?.levels[group], cell)) changed += 1;
      }
    }),
  );
  return changed;
}

function isIllegalRow(row: UserActionRow | undefined): boolean {
  if (!row) return false;
  const cells = Object.values(row.levels);
  return cells.length > 0 && cells.every((c) => c.level === 'unacceptable-and-illegal');
}

function namesOf(
  ids: readonly string[] | undefined,
  all: readonly { id: string; label: string }[],
) {
  return (ids ?? []).map((id) => all.find((x) => x.id === id)?.label ?? id).join(', ');
}

export function LevelLegend() {
  return (
    <ul className="legend" aria-label="Levels in the grid">
      {USER_ACTION_LEVELS.map((level) => (
        <li key={level}>
          <span className={`swatch ${LEVELS[level].className}`}>
            {level === 'unacceptable-and-illegal' ? <LockIcon /> : null}
            {LEVELS[level].short}
          </span>
          {LEVELS[level].short !== LEVELS[level].label ? (
            <span className="legend-meaning">= {LEVELS[level].label}</span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function LockIcon() {
  return (
    <svg className="lock" aria-hidden="true" viewBox="0 0 16 16" width="12" height="12">
      <path d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 1 0-4 0z" fill="currentColor" />
    </svg>
  );
}

function ReadOnlyCell({
  cell,
  document,
}: {
  cell: UserActionCell | undefined;
  document: PolicyDocument;
}) {
  if (!cell) return <span className="muted">—</span>;
  const level = LEVELS[cell.level];
  return (
    <>
      <span className="level-text">
        {cell.level === 'unacceptable-and-illegal' ? <LockIcon /> : null}
        {level.short}
      </span>
      {cell.level === 'acceptable-at-certain-times' && cell.bands?.length ? (
        <span className="cell-detail">{namesOf(cell.bands, document.timeBands.bands)}</span>
      ) : null}
      {cell.level === 'acceptable-for-nominated-users' && cell.nominated?.length ? (
        <span className="cell-detail">{namesOf(cell.nominated, document.groups)}</span>
      ) : null}
    </>
  );
}

/**
 * The User Actions matrix as a grid: activities down, user groups across, a level in each cell.
 * On a draft, for someone who may edit, each cell is a select (illegal cells stay locked).
 */
export function UserActionsGrid({
  document,
  saved,
  editable,
  problems,
  onCellChange,
}: {
  /** The document shown (with any unsaved edits). */
  document: PolicyDocument;
  /** The document as saved: decides which cells are locked and which are changed. */
  saved: PolicyDocument;
  editable: boolean;
  /** Problems from the last save, by cell key. */
  problems: ReadonlyMap<string, string[]>;
  onCellChange: (section: number, row: number, group: string, cell: UserActionCell) => void;
}) {
  const groups = columnGroups(document);
  const nominated = nominatedGroups(document);
  const categoryLabel = (id: string) => document.categories.find((c) => c.id === id)?.label ?? id;
  return (
    <div className="table-wrap grid-wrap" role="region" aria-labelledby="grid-caption" tabIndex={0}>
      <table className="matrix">
        <caption id="grid-caption">
          <span className="heading-text">
            {document.userActions.title}: what each group may do
            {editable ? ' (editable draft)' : ''}
          </span>
        </caption>
        <thead>
          <tr>
            <th scope="col" className="activity">
              Activity
            </th>
            {groups.map((g) => (
              <th scope="col" key={g.id} id={`col-${g.id}`} className="group">
                {g.label}
              </th>
            ))}
          </tr>
        </thead>
        {document.userActions.sections.map((section, s) => (
          <tbody key={s}>
            {section.heading ? (
              <tr className="section-heading">
                <th scope="rowgroup" colSpan={groups.length + 1}>
                  <span className="heading-text">{section.heading}</span>
                </th>
              </tr>
            ) : null}
            {section.rows.map((row, r) => {
              const savedRow = saved.userActions.sections[s]?.rows[r];
              const illegalRow = isIllegalRow(savedRow);
              return (
                <tr key={row.id}>
                  <th scope="row" className="activity">
                    <span id={`act-${s}-${r}`}>{row.activity}</span>
                    <span className="row-tags">
                      {illegalRow ? (
                        <span className="tag tag-locked">
                          <LockIcon /> Illegal for everyone{editable ? ': locked' : ''}
                        </span>
                      ) : null}
                      {row.enforced ? (
                        row.categories.length > 0 ? (
                          <span className="tag">
                            Filter: {row.categories.map(categoryLabel).join(', ')}
                          </span>
                        ) : null
                      ) : (
                        <span className="tag tag-plain">Not a website filter rule</span>
                      )}
                    </span>
                  </th>
                  {groups.map((g) => {
                    const cell = row.levels[g.id];
                    const savedCell = savedRow?.levels[g.id];
                    const locked = savedCell?.level === 'unacceptable-and-illegal';
                    const key = cellKey(s, r, g.id);
                    const id = cellId(s, r, g.id);
                    const cellProblems = problems.get(key);
                    const changed = !sameCell(savedCell, cell);
                    const classes = [
                      'cell',
                      cell ? LEVELS[cell.level].className : '',
                      editable && !locked ? 'editing' : '',
                      changed ? 'changed' : '',
                      cellProblems ? 'invalid' : '',
                    ]
                      .filter(Boolean)
                      .join(' ');
                    return (
                      <td key={g.id} className={classes}>
                        {editable && !locked && cell ? (
                          <CellEditor
                            id={id}
                            labelledBy={`act-${s}-${r} col-${g.id}`}
                            describedBy={cellProblems ? `${id}-problem` : undefined}
                            invalid={Boolean(cellProblems)}
                            cell={cell}
                            saved={savedCell}
                            activity={row.activity}
                            group={g}
                            bands={document.timeBands.bands}
                            nominated={nominated}
                            onChange={(next) => onCellChange(s, r, g.id, next)}
                          />
                        ) : (
                          <ReadOnlyCell cell={cell} document={document} />
                        )}
                        {editable && locked ? (
                          <span className="visually-hidden"> (locked)</span>
                        ) : null}
                        {changed ? (
                          <span className="visually-hidden"> (changed, not saved)</span>
                        ) : null}
                        {cellProblems ? (
                          <span className="cell-problem" id={`${id}-problem`}>
                            {cellProblems.join(' ')}
                          </span>
                        ) : null}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
    </div>
  );
}
