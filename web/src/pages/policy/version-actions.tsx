import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { isoDateFromToday } from '../../format.ts';
import { useSession } from '../../session.tsx';
import type { PolicyVersion } from './types.ts';

/** Something that happened to a version, to show above it: a sentence and any changes. */
export interface Outcome {
  message: string;
  changes?: string[];
}

function ApproveForm({
  version,
  onDone,
}: {
  version: PolicyVersion;
  onDone: (outcome: Outcome) => void;
}) {
  const { me } = useSession();
  const [note, setNote] = useState('');
  const [nextReview, setNextReview] = useState('');
  const { run, error, busy } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const approved = await api.post<PolicyVersion>(
        `/api/policy/versions/${encodeURIComponent(version.id)}/approve`,
        { note, nextReview },
      );
      onDone({
        message: `Version ${approved.number} is approved by ${approved.approvedBy ?? me.user.displayName}. It takes effect when the head or online safety lead makes it active.`,
      });
    });
  };
  return (
    <form
      className="card action-card"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="approve-title"
    >
      <h3 id="approve-title">Approve version {version.number}</h3>
      <p className="hint">
        You approve as {me.user.displayName}; your name, today’s date and your note go on the record
        and on the published policy.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      <label htmlFor="approve-note">Note for the record</label>
      <textarea
        id="approve-note"
        required
        minLength={3}
        rows={3}
        value={note}
        aria-describedby="approve-note-hint"
        onChange={(e) => setNote(e.target.value)}
      />
      <p className="hint small" id="approve-note-hint">
        For example the meeting at which governors agreed it.
      </p>
      <label htmlFor="approve-review">Date of the next review</label>
      <input
        id="approve-review"
        type="date"
        required
        min={isoDateFromToday(1)}
        value={nextReview}
        onChange={(e) => setNextReview(e.target.value)}
      />
      <button className="button" type="submit" disabled={busy}>
        Approve version {version.number}
      </button>
    </form>
  );
}

function ActivateCard({
  version,
  onDone,
}: {
  version: PolicyVersion;
  onDone: (outcome: Outcome) => void;
}) {
  const { run, error, busy } = useAction();
  const activate = () =>
    run(async () => {
      const result = await api.post<PolicyVersion & { changes: string[] }>(
        `/api/policy/versions/${encodeURIComponent(version.id)}/activate`,
      );
      onDone({
        message: `Version ${result.number} is now active: the filter enforces it from now on.`,
        changes: result.changes,
      });
    });
  return (
    <div className="card action-card">
      <h3>Make version {version.number} active</h3>
      <p className="hint">
        Approved by {version.approvedBy ?? 'a governor'}. The filter starts enforcing it at once;
        the version in force now is kept as superseded.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      <button className="button" type="button" disabled={busy} onClick={() => void activate()}>
        Make version {version.number} active
      </button>
    </div>
  );
}

function WithdrawCard({
  version,
  onDone,
}: {
  version: PolicyVersion;
  onDone: (outcome: Outcome) => void;
}) {
  const [asking, setAsking] = useState(false);
  const { run, error, busy } = useAction();
  const withdraw = () =>
    run(async () => {
      await api.post(`/api/policy/versions/${encodeURIComponent(version.id)}/withdraw`);
      onDone({ message: `Version ${version.number} is withdrawn. It stays in the history.` });
    });
  return (
    <div className="card action-card">
      <h3>Withdraw version {version.number}</h3>
      <p className="hint">
        For a version that will not go ahead. It stays in the list of versions and cannot be edited,
        approved or made active again.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      {asking ? (
        <div
          className="confirm"
          role="group"
          aria-label={`Confirm withdrawing version ${version.number}`}
        >
          <p>
            <strong>Withdraw version {version.number}?</strong>
          </p>
          <div className="actions">
            <button
              className="button danger"
              type="button"
              disabled={busy}
              onClick={() => void withdraw()}
              autoFocus
            >
              Yes, withdraw it
            </button>
            <button className="button secondary" type="button" onClick={() => setAsking(false)}>
              Keep it
            </button>
          </div>
        </div>
      ) : (
        <button className="button secondary" type="button" onClick={() => setAsking(true)}>
          Withdraw version {version.number}
        </button>
      )}
    </div>
  );
}

/** What the signed-in person may do with this version, by its status and their abilities. */
export function VersionActions({
  version,
  onDone,
}: {
  version: PolicyVersion;
  onDone: (outcome: Outcome) => void;
}) {
  const { can } = useSession();
  const approve = version.status === 'draft' && can('policy.approve');
  const activate = version.status === 'approved' && can('policy.activate');
  const withdraw =
    (version.status === 'draft' || version.status === 'approved') && can('policy.edit');
  if (!approve && !activate && !withdraw) return null;
  return (
    <div className="cards action-cards">
      {approve ? <ApproveForm version={version} onDone={onDone} /> : null}
      {activate ? <ActivateCard version={version} onDone={onDone} /> : null}
      {withdraw ? <WithdrawCard version={version} onDone={onDone} /> : null}
    </div>
  );
}
