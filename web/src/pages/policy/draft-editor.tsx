import { useMemo, useState } from 'react';
import { api, type ApiError } from '../../api.ts';
import { useAction } from '../../components/use-action.ts';
import { plural } from '../../format.ts';
import { cellId, cellKey, countChangedCells, UserActionsGrid } from './user-actions-grid.tsx';
import type { PolicyDocument, PolicyVersionDetail, UserActionCell } from './types.ts';

interface Located {
  where: string;
  path: string;
  message: string;
  /** The id of the grid cell's select, when the problem is in one. */
  target?: string;
}

const CELL_PATH =
  /^(?:body\.)?(?:document\.)?userActions\.sections\[(\d+)\]\.rows\[(\d+)\](?:\.levels\.([a-z0-9-]+))?/;

/** Put each problem from the API where it belongs: a grid cell, a row, or the document. */
function locate(error: ApiError, document: PolicyDocument) {
  const byCell = new Map<string, string[]>();
  const list: Located[] = [];
  for (const e of error.problem.errors ?? []) {
    const match = CELL_PATH.exec(e.path);
    const s = Number(match?.[1]);
    const r = Number(match?.[2]);
    const row = match ? document.userActions.sections[s]?.rows[r] : undefined;
    const group = match?.[3];
    if (row && group) {
      const label = document.groups.find((g) => g.id === group)?.label ?? group;
      const key = cellKey(s, r, group);
      byCell.set(key, [...(byCell.get(key) ?? []), e.message]);
      list.push({
        where: `${row.activity} › ${label}`,
        path: e.path,
        message: e.message,
        target: cellId(s, r, group),
      });
    } else if (row) {
      list.push({ where: row.activity, path: e.path, message: e.message });
    } else {
      list.push({ where: 'The document', path: e.path, message: e.message });
    }
  }
  return { byCell, list };
}

function focusCell(id: string) {
  const element = window.document.getElementById(id);
  if (!element) return;
  element.scrollIntoView({ block: 'center', inline: 'center' });
  element.focus();
}

/**
 * A draft's User Actions grid with its edits, the change note, and "Save draft", which sends the
 * whole document and shows every problem the API finds next to the grid and in the cells.
 */
export function DraftEditor({
  version,
  onSaved,
}: {
  version: PolicyVersionDetail;
  onSaved: (saved: PolicyVersionDetail) => void;
}) {
  const [saved, setSaved] = useState(version.document);
  const [edited, setEdited] = useState<PolicyDocument>(() => structuredClone(version.document));
  const [changeNote, setChangeNote] = useState(version.changeNote ?? '');
  const [savedNote, setSavedNote] = useState(version.changeNote ?? '');
  const [message, setMessage] = useState<string | null>(null);
  const { run, error, busy, clearError } = useAction();
  const changed = useMemo(() => countChangedCells(saved, edited), [saved, edited]);
  const dirty = changed > 0 || changeNote.trim() !== savedNote.trim();
  const problems = useMemo(
    () => (error ? locate(error, edited) : { byCell: new Map<string, string[]>(), list: [] }),
    [error, edited],
  );

  const onCellChange = (s: number, r: number, group: string, cell: UserActionCell) => {
    setMessage(null);
    setEdited((current) => {
      const next = structuredClone(current);
      const row = next.userActions.sections[s]?.rows[r];
      if (row) row.levels[group] = cell;
      return next;
    });
  };

  const save = () =>
    run(async () => {
      const result = await api.patch<PolicyVersionDetail>(
        `/api/policy/versions/${encodeURIComponent(version.id)}`,
        { document: edited, changeNote: changeNote.trim() === '' ? null : changeNote.trim() },
      );
      setSaved(result.document);
      setEdited(structuredClone(result.document));
      setSavedNote(result.changeNote ?? '');
      setMessage(`Draft version ${result.number} is saved.`);
      onSaved(result);
    });

  const discard = () => {
    clearError();
    setMessage(null);
    setEdited(structuredClone(saved));
    setChangeNote(savedNote);
  };

  return (
    <>
      <div className="save-bar">
        <div className="save-note">
          <label htmlFor="change-note">Change note (what this draft changes, and why)</label>
          <input
            id="change-note"
            value={changeNote}
            maxLength={2000}
            onChange={(e) => setChangeNote(e.target.value)}
          />
        </div>
        <div className="save-buttons">
          <p className="unsaved" aria-live="polite">
            {changed > 0
              ? `${plural(changed, 'cell', 'cells')} changed, not saved yet`
              : dirty
                ? 'Change note not saved yet'
                : 'No unsaved changes'}
          </p>
          <div className="actions">
            <button
              type="button"
              className="button"
              disabled={busy || !dirty}
              onClick={() => void save()}
            >
              Save draft
            </button>
            <button
              type="button"
              className="button secondary"
              disabled={busy || !dirty}
              onClick={discard}
            >
              Discard changes
            </button>
          </div>
        </div>
      </div>
      {message ? (
        <p className="status ok" role="status">
          {message}
        </p>
      ) : null}
      {error ? (
        <div className="problem" role="alert">
          <p>
            <strong>{error.problem.title}.</strong> {error.problem.detail}
          </p>
          {problems.list.length > 0 ? (
            <ul className="problem-list">
              {problems.list.map((p, i) => (
                <li key={i}>
                  {p.target ? (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => focusCell(p.target ?? '')}
                    >
                      {p.where}
                    </button>
                  ) : (
                    <strong>{p.where}</strong>
                  )}
                  : {p.message} <code className="detail">{p.path}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <UserActionsGrid
        document={edited}
        saved={saved}
        editable
        problems={problems.byCell}
        onCellChange={onCellChange}
      />
    </>
  );
}
