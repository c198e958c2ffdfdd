import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import type { PolicyVersion, PolicyVersionDetail } from './types.ts';

/** Start a new draft from the active version (or another one), with an optional change note. */
export function StartDraftForm({
  versions,
  onStarted,
}: {
  versions: readonly PolicyVersion[];
  onStarted: (draft: PolicyVersionDetail) => void;
}) {
  const active = versions.find((v) => v.status === 'active');
  const [from, setFrom] = useState('');
  const [changeNote, setChangeNote] = useState('');
  const { run, error, busy } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const draft = await api.post<PolicyVersionDetail>('/api/policy/versions', {
        ...(from ? { from } : {}),
        ...(changeNote.trim() ? { changeNote: changeNote.trim() } : {}),
      });
      setChangeNote('');
      setFrom('');
      onStarted(draft);
    });
  };
  return (
    <form
      className="card start-draft"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="start-draft-title"
    >
      <h3 id="start-draft-title">Start a new draft</h3>
      <p className="hint">
        A draft is a copy you can change. Governors approve it, then it is made active.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      <div className="field-row">
        <div>
          <label htmlFor="draft-from">Start from</label>
          <select id="draft-from" value={from} onChange={(e) => setFrom(e.target.value)}>
            <option value="">
              {active ? `Version ${active.number}, the active version` : 'The active version'}
            </option>
            {versions
              .filter((v) => v.status !== 'active')
              .map((v) => (
                <option key={v.id} value={v.id}>
                  Version {v.number} ({v.status})
                </option>
              ))}
          </select>
        </div>
        <div className="wide">
          <label htmlFor="draft-note">Change note (optional)</label>
          <input
            id="draft-note"
            value={changeNote}
            maxLength={2000}
            onChange={(e) => setChangeNote(e.target.value)}
          />
        </div>
      </div>
      <button className="button" type="submit" disabled={busy}>
        Start a new draft
      </button>
    </form>
  );
}
