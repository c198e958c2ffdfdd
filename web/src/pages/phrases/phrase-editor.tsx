import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import {
  categoryLabels,
  entryLabel,
  type ActivePhraseLists,
  type PhraseDocument,
  type PhraseEntry,
} from './types.ts';

/**
 * Change the lists: every entry of every category editable in place, new entries added at the
 * end of a category, and one save (with a change note) that the server checks as a whole.
 */
export function PhraseEditor({
  active,
  onSaved,
  onCancel,
}: {
  active: ActivePhraseLists;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [document, setDocument] = useState<PhraseDocument>(() => structuredClone(active.document));
  const [category, setCategory] = useState(active.document.lists[0]?.category ?? '');
  const [changeNote, setChangeNote] = useState('');
  const { run, error, busy } = useAction();
  const listIndex = document.lists.findIndex((l) => l.category === category);
  const list = document.lists[listIndex];

  function updateEntry(index: number, change: Partial<PhraseEntry>) {
    setDocument((doc) => ({
      ...doc,
      lists: doc.lists.map((l, li) =>
        li === listIndex
          ? {
              ...l,
              entries: l.entries.map((e, ei) => {
                if (ei !== index) return e;
                const next: PhraseEntry = { ...e, ...change };
                if (next.intent === false) delete next.intent;
                return next;
              }),
            }
          : l,
      ),
    }));
  }
  function removeEntry(index: number) {
    setDocument((doc) => ({
      ...doc,
      lists: doc.lists.map((l, li) =>
        li === listIndex ? { ...l, entries: l.entries.filter((_, ei) => ei !== index) } : l,
      ),
    }));
  }
  function addEntry() {
    setDocument((doc) => ({
      ...doc,
      lists: doc.lists.map((l, li) =>
        li === listIndex
          ? { ...l, entries: [...l.entries, { phrase: '', weight: 50, language: 'en' }] }
          : l,
      ),
    }));
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    const saved = await run(async () => {
      await api.put('/api/phrase-lists', {
        document,
        changeNote,
      });
    });
    if (saved) onSaved();
  }

  return (
    <form onSubmit={(e) => void save(e)} className="phrase-editor" aria-labelledby="edit-title">
      <h2 id="edit-title">Change the phrase lists</h2>
      <p className="hint">
        Weights: 100 is a concern on its own; a negative weight is a good phrase (homework, help).
        Nothing changes until you save; the alerts use the new lists within a few seconds.
      </p>
      <label htmlFor="edit-category">Category</label>
      <select id="edit-category" value={category} onChange={(e) => setCategory(e.target.value)}>
        {document.lists.map((l) => (
          <option key={l.category} value={l.category}>
            {categoryLabels[l.category] ?? l.category} ({l.entries.length})
          </option>
        ))}
      </select>
      {list ? (
        <div className="table-wrap">
          <table className="phrase-table editing">
            <caption>{categoryLabels[list.category] ?? list.category}: edit the entries</caption>
            <thead>
              <tr>
                <th scope="col">Phrase</th>
                <th scope="col">Weight</th>
                <th scope="col">Language</th>
                <th scope="col">Intent</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.entries.map((entry, i) => {
                const name = entryLabel(entry) || `new entry ${i + 1}`;
                return (
                  <tr key={`${list.category}-${i}`}>
                    <td data-label="Phrase">
                      {entry.all ? (
                        <span title="A combination: every part must appear">{name}</span>
                      ) : (
                        <input
                          aria-label={`Phrase of entry ${i + 1}`}
                          value={entry.phrase ?? ''}
                          autoComplete="off"
                          spellCheck={false}
                          onChange={(e) => updateEntry(i, { phrase: e.target.value })}
                        />
                      )}
                    </td>
                    <td data-label="Weight">
                      <input
                        type="number"
                        inputMode="numeric"
                        min={-1000}
                        max={1000}
                        step={1}
                        aria-label={`Weight of ${name}`}
                        value={Number.isFinite(entry.weight) ? entry.weight : ''}
                        onChange={(e) => updateEntry(i, { weight: e.target.valueAsNumber })}
                      />
                    </td>
                    <td data-label="Language">
                      <input
                        aria-label={`Language of ${name}`}
                        value={entry.language}
                        maxLength={3}
                        autoComplete="off"
                        spellCheck={false}
                        onChange={(e) => updateEntry(i, { language: e.target.value.trim() })}
                      />
                    </td>
                    <td data-label="Intent">
                      <input
                        type="checkbox"
                        aria-label={`${name} says what someone means to do`}
                        checked={entry.intent === true}
                        onChange={(e) => updateEntry(i, { intent: e.target.checked })}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button small secondary"
                        aria-label={`Remove ${name}`}
                        onClick={() => removeEntry(i)}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <button type="button" className="button secondary" onClick={addEntry}>
        Add an entry to {list ? (categoryLabels[list.category] ?? list.category) : 'this category'}
      </button>
      <label htmlFor="change-note">What changed, and why</label>
      <textarea
        id="change-note"
        required
        rows={2}
        maxLength={1000}
        value={changeNote}
        onChange={(e) => setChangeNote(e.target.value)}
      />
      {error ? <ProblemMessage error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Saving…' : 'Save a new version'}
        </button>
        <button type="button" className="button secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
