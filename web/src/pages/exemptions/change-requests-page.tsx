import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { ChangeLog } from '../filtering/change-log.tsx';
import {
  changeStatusLabels,
  fromLocalInput,
  levelLabels,
  type ChangeOptions,
  type ChangeRequest,
} from './types.ts';
import './exemptions.css';

type Kind = 'allow' | 'block' | 'remove' | 'matrix';

/** Ask for a permanent change, or take up a draft from the block page (then `draft` is given). */
function ChangeForm({
  options,
  draft,
  onDone,
  onCancel,
}: {
  options: ChangeOptions;
  draft: ChangeRequest | null;
  onDone: (text: string) => void;
  onCancel?: () => void;
}) {
  const prefill = draft?.change as { target?: string } | undefined;
  const [kind, setKind] = useState<Kind>('allow');
  const [target, setTarget] = useState(prefill?.target ?? '');
  const [groups, setGroups] = useState<string[]>([]);
  const [category, setCategory] = useState('');
  const [entryId, setEntryId] = useState('');
  const [row, setRow] = useState('');
  const [group, setGroup] = useState('');
  const [level, setLevel] = useState(options.levels[0] ?? 'acceptable');
  const [reason, setReason] = useState(draft?.reason ?? '');
  const [effective, setEffective] = useState('');
  const { run, error, busy } = useAction();
  const prefix = draft ? `take-${draft.id}` : 'change';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const change =
      kind === 'remove'
        ? { kind: 'local-entry.remove', entryId }
        : kind === 'matrix'
          ? { kind: 'matrix', row, group, level }
          : {
              kind: 'local-entry.add',
              action: kind,
              target,
              groups,
              category: kind === 'block' && category ? category : null,
            };
    const body = { change, reason, effectiveAt: effective ? fromLocalInput(effective) : null };
    await run(async () => {
      const saved = draft
        ? await api.post<ChangeRequest>(`/api/change-requests/${draft.id}/take-up`, body)
        : await api.post<ChangeRequest>('/api/change-requests', body);
      onDone(`Asked: ${saved.summary}. It now waits for approval.`);
    });
  };
  const rowInfo = options.rows.find((r) => r.id === row);
  return (
    <form
      className="card exemption-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby={`${prefix}-title`}
    >
      <h2 id={`${prefix}-title`}>
        {draft ? `Take up: ${draft.summary}` : 'Ask for a permanent change'}
      </h2>
      {error ? <ProblemMessage error={error} /> : null}
      <div>
        <label htmlFor={`${prefix}-kind`}>What should change?</label>
        <select
          id={`${prefix}-kind`}
          aria-describedby={`${prefix}-kind-hint`}
          value={kind}
          onChange={(e) => setKind(e.target.value as Kind)}
        >
          <option value="allow">Allow a site</option>
          <option value="block">Block a site</option>
          <option value="remove">Remove a local entry</option>
          <option value="matrix">Change the User Actions table</option>
        </select>
        <p className="hint small" id={`${prefix}-kind-hint`}>
          A site is allowed or blocked with a local entry; a change to the User Actions table
          becomes a policy draft for the governors.
        </p>
      </div>
      {kind === 'allow' || kind === 'block' ? (
        <>
          <div>
            <label htmlFor={`${prefix}-target`}>Site or page</label>
            <input
              id={`${prefix}-target`}
              required
              autoComplete="off"
              spellCheck={false}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
            />
          </div>
          {kind === 'block' ? (
            <div>
              <label htmlFor={`${prefix}-category`}>Category (optional)</label>
              <select
                id={`${prefix}-category`}
                value={category}
                onChange={(e) => setCategory(e.target.value)}
              >
                <option value="">None</option>
                {options.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <fieldset className="inline-choices">
            <legend>For which groups?</legend>
            <p className="hint small">Tick none for everyone.</p>
            {options.groups.map((g) => (
              <div className="check" key={g.id}>
                <input
                  type="checkbox"
                  id={`${prefix}-group-${g.id}`}
                  checked={groups.includes(g.id)}
                  onChange={(e) =>
                    setGroups((list) =>
                      e.target.checked ? [...list, g.id] : list.filter((x) => x !== g.id),
                    )
                  }
                />
                <label htmlFor={`${prefix}-group-${g.id}`}>{g.label}</label>
              </div>
            ))}
          </fieldset>
        </>
      ) : null}
      {kind === 'remove' ? (
        <div>
          <label htmlFor={`${prefix}-entry`}>Local entry</label>
          <select
            id={`${prefix}-entry`}
            required
            value={entryId}
            onChange={(e) => setEntryId(e.target.value)}
          >
            <option value="">Choose an entry</option>
            {options.localEntries.map((e) => (
              <option key={e.id} value={e.id}>
                {e.action === 'allow' ? 'Allow' : 'Block'} {e.target}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {kind === 'matrix' ? (
        <>
          <div>
            <label htmlFor={`${prefix}-row`}>Row of the User Actions table</label>
            <select
              id={`${prefix}-row`}
              required
              value={row}
              onChange={(e) => setRow(e.target.value)}
            >
              <option value="">Choose a row</option>
              {options.rows.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.activity}
                </option>
              ))}
            </select>
          </div>
          <div className="period-times">
            <div>
              <label htmlFor={`${prefix}-group`}>Group</label>
              <select
                id={`${prefix}-group`}
                required
                value={group}
                onChange={(e) => setGroup(e.target.value)}
              >
                <option value="">Choose a group</option>
                {options.groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.label}
                    {rowInfo?.levels[g.id]
                      ? ` (now ${(levelLabels[rowInfo.levels[g.id] ?? ''] ?? '').toLowerCase()})`
                      : ''}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={`${prefix}-level`}>New level</label>
              <select
                id={`${prefix}-level`}
                value={level}
                onChange={(e) => setLevel(e.target.value)}
              >
                {options.levels.map((l) => (
                  <option key={l} value={l}>
                    {levelLabels[l] ?? l}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p className="hint small">
            A change to the User Actions table becomes a draft policy version once approved: the
            governors approve it before the filter enforces it.
          </p>
        </>
      ) : null}
      <div>
        <label htmlFor={`${prefix}-reason`}>Reason</label>
        <textarea
          id={`${prefix}-reason`}
          required
          minLength={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <div>
        <label htmlFor={`${prefix}-effective`}>Effective from (optional)</label>
        <input
          id={`${prefix}-effective`}
          type="datetime-local"
          aria-describedby={`${prefix}-effective-hint`}
          value={effective}
          onChange={(e) => setEffective(e.target.value)}
        />
        <p className="hint small" id={`${prefix}-effective-hint`}>
          Leave empty to apply it as soon as it is approved.
        </p>
      </div>
      <div className="actions">
        <button className="button" type="submit" disabled={busy}>
          Ask for approval
        </button>
        {onCancel ? (
          <button type="button" className="button secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function RequestActions({
  request,
  options,
  onDone,
}: {
  request: ChangeRequest;
  options: ChangeOptions | null;
  onDone: (text: string) => void;
}) {
  const [note, setNote] = useState('');
  const [taking, setTaking] = useState(false);
  const { run, error, busy } = useAction();
  const send = (path: string, body: unknown, text: string) =>
    void run(async () => {
      await api.post(`/api/change-requests/${request.id}/${path}`, body);
    }).then((ok) => {
      if (ok) onDone(text);
    });
  const noteId = `cr-note-${request.id}`;
  if (request.canTakeUp && options) {
    return taking ? (
      <ChangeForm
        options={options}
        draft={request}
        onDone={onDone}
        onCancel={() => setTaking(false)}
      />
    ) : (
      <div className="actions">
        <button type="button" className="button small" onClick={() => setTaking(true)}>
          Take up<span className="visually-hidden"> {request.summary}</span>
        </button>
      </div>
    );
  }
  if (request.canDecide) {
    return (
      <form className="decision-form" onSubmit={(e) => e.preventDefault()}>
        {error ? <ProblemMessage error={error} /> : null}
        <label htmlFor={noteId}>Note (needed to decline)</label>
        <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => send('decision', { decision: 'approve', note }, 'Approved.')}
          >
            Approve<span className="visually-hidden"> {request.summary}</span>
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => send('decision', { decision: 'decline', note }, 'Declined.')}
          >
            Decline<span className="visually-hidden"> {request.summary}</span>
          </button>
        </div>
      </form>
    );
  }
  return null;
}

function RequestCard({
  request,
  options,
  onDone,
}: {
  request: ChangeRequest;
  options: ChangeOptions | null;
  onDone: (text: string) => void;
}) {
  const r = request;
  return (
    <li className={`exemption-card state-${r.status}`}>
      <span className={`state-tag state-${r.status}`}>{changeStatusLabels[r.status]}</span>
      <h3>{r.summary}</h3>
      <dl>
        <dt>Why</dt>
        <dd>{r.reason}</dd>
        <dt>Asked by</dt>
        <dd>
          {r.source === 'block-page' && r.status === 'draft'
            ? 'Someone on the block page'
            : r.requestedBy}
          , {formatDateTime(r.requestedAt ?? r.createdAt)}
        </dd>
        <dt>Effective</dt>
        <dd>{r.effectiveAt ? formatDateTime(r.effectiveAt) : 'As soon as approved'}</dd>
        {r.decidedBy ? (
          <>
            <dt>Decided by</dt>
            <dd>
              {r.decidedBy}, {formatDateTime(r.decidedAt)}
              {r.decisionNote ? `: ${r.decisionNote}` : ''}
            </dd>
          </>
        ) : null}
        {r.outcome ? (
          <>
            <dt>Outcome</dt>
            <dd>{r.outcome}</dd>
          </>
        ) : null}
      </dl>
      <RequestActions request={r} options={options} onDone={onDone} />
    </li>
  );
}

/** Filter change control (FIL-7): requests, approvals and the change log governors review. */
export function ChangeRequestsPage() {
  const { can } = useSession();
  const [message, setMessage] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const list = useLoad(
    () => api.get<{ changeRequests: ChangeRequest[] }>('/api/change-requests'),
    `change-requests|${message ?? ''}`,
  );
  const options = useLoad(
    () =>
      can('change-requests.create')
        ? api.get<ChangeOptions>('/api/change-requests/options')
        : Promise.resolve(null),
    'change-options',
  );
  const done = (text: string) => {
    setAsking(false);
    setMessage(text);
  };
  const all = list.data?.changeRequests ?? [];
  const open = all.filter((r) => r.status === 'draft' || r.status === 'requested');
  const rest = all.filter((r) => !open.includes(r));
  const card = (r: ChangeRequest) => (
    <RequestCard key={r.id} request={r} options={options.data ?? null} onDone={done} />
  );
  return (
    <>
      <h1>Filter changes</h1>
      <p className="lede">
        Every permanent change to the lists or the User Actions table is a request with a reason,
        approved by the online safety lead, the DSL or the head (never by the person who asked), and
        logged for the online safety governor.
      </p>
      {message ? (
        <p className="sent-message" role="status">
          {message}
        </p>
      ) : null}
      {options.error ? <ProblemMessage error={options.error} /> : null}
      {options.data ? (
        asking ? (
          <ChangeForm options={options.data} draft={null} onDone={done} />
        ) : (
          <div className="actions">
            <button type="button" className="button" onClick={() => setAsking(true)}>
              Ask for a permanent change
            </button>
          </div>
        )
      ) : null}
      {list.error ? <ProblemMessage error={list.error} /> : null}
      {list.data ? (
        <>
          <section aria-labelledby="open-title" className="filter-section">
            <h2 id="open-title">Waiting</h2>
            {open.length === 0 ? (
              <p className="empty">Nothing is waiting.</p>
            ) : (
              <ul className="exemption-list">{open.map(card)}</ul>
            )}
          </section>
          <section aria-labelledby="done-title" className="filter-section">
            <h2 id="done-title">Decided</h2>
            {rest.length === 0 ? (
              <p className="empty">None yet.</p>
            ) : (
              <ul className="exemption-list">{rest.map(card)}</ul>
            )}
          </section>
        </>
      ) : null}
      {can('lists.read') ? <ChangeLog refreshKey={message ?? ''} /> : null}
    </>
  );
}
