import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import {
  fromLocalInput,
  stateLabels,
  toLocalInput,
  type Exemption,
  type ExemptionOptions,
} from './types.ts';
import './exemptions.css';

const OTHER = 'other';

/** "Unblock for a lesson": what, for whom, when, and why. */
function RequestForm({ data, onSent }: { data: ExemptionOptions; onSent: (e: Exemption) => void }) {
  const [kind, setKind] = useState<'site' | 'category'>('site');
  const [site, setSite] = useState('');
  const [category, setCategory] = useState('');
  const [groups, setGroups] = useState<string[]>([]);
  const [period, setPeriod] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [reason, setReason] = useState('');
  const { run, error, busy } = useAction();
  const lessons = data.lessons;
  const chosenPeriod = period || (lessons.find((l) => l.current) ?? lessons[0])?.startsAt || OTHER;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const lesson = lessons.find((l) => l.startsAt === chosenPeriod);
    await run(async () => {
      const created = await api.post<Exemption>('/api/exemptions', {
        target: kind === 'site' ? { site } : { category },
        groups,
        startsAt: lesson ? lesson.startsAt : fromLocalInput(startsAt || toLocalInput(data.now)),
        endsAt: lesson ? lesson.endsAt : endsAt ? fromLocalInput(endsAt) : '',
        reason,
      });
      setSite('');
      setReason('');
      onSent(created);
    });
  };
  return (
    <form
      className="card exemption-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="ask-title"
    >
      <h2 id="ask-title">Unblock for a lesson</h2>
      <p className="hint">
        Ask for a site or a category to be unblocked for your class, for a lesson or a period of
        study. The DSL or the online safety lead approves it; it ends by itself. Illegal content and
        ways round the filter can never be unblocked.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      <fieldset className="inline-choices">
        <legend>What should be unblocked?</legend>
        {(['site', 'category'] as const).map((k) => (
          <div className="check" key={k}>
            <input
              type="radio"
              id={`ask-kind-${k}`}
              name="ask-kind"
              checked={kind === k}
              onChange={() => setKind(k)}
            />
            <label htmlFor={`ask-kind-${k}`}>
              {k === 'site' ? 'A site or page' : 'A category'}
            </label>
          </div>
        ))}
      </fieldset>
      {kind === 'site' ? (
        <div>
          <label htmlFor="ask-site">Site or page</label>
          <input
            id="ask-site"
            required
            autoComplete="off"
            spellCheck={false}
            aria-describedby="ask-site-hint"
            value={site}
            onChange={(e) => setSite(e.target.value)}
          />
          <p className="hint small" id="ask-site-hint">
            A site (example.org, with its subdomains) or the start of a page address
            (example.org/topic).
          </p>
        </div>
      ) : (
        <div>
          <label htmlFor="ask-category">Category</label>
          <select
            id="ask-category"
            required
            value={category}
            onChange={(e) => setCategory(e.target.value)}
          >
            <option value="">Choose a category</option>
            {data.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <fieldset className="inline-choices">
        <legend>For which group?</legend>
        {data.groups.map((g) => (
          <div className="check" key={g.id}>
            <input
              type="checkbox"
              id={`ask-group-${g.id}`}
              checked={groups.includes(g.id)}
              onChange={(e) =>
                setGroups((list) =>
                  e.target.checked ? [...list, g.id] : list.filter((x) => x !== g.id),
                )
              }
            />
            <label htmlFor={`ask-group-${g.id}`}>{g.label}</label>
          </div>
        ))}
      </fieldset>
      <div>
        <label htmlFor="ask-period">When?</label>
        <select id="ask-period" value={chosenPeriod} onChange={(e) => setPeriod(e.target.value)}>
          {lessons.map((l) => (
            <option key={l.startsAt} value={l.startsAt}>
              {l.label}
            </option>
          ))}
          <option value={OTHER}>Another time or a longer period…</option>
        </select>
        <p className="hint small">Lesson times are the school&apos;s own ({data.timeZone}).</p>
      </div>
      {chosenPeriod === OTHER ? (
        <div className="period-times">
          <div>
            <label htmlFor="ask-starts">From</label>
            <input
              id="ask-starts"
              type="datetime-local"
              step={1}
              required
              value={startsAt || toLocalInput(data.now)}
              onChange={(e) => setStartsAt(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="ask-ends">Until</label>
            <input
              id="ask-ends"
              type="datetime-local"
              step={1}
              required
              value={endsAt}
              onChange={(e) => setEndsAt(e.target.value)}
            />
          </div>
        </div>
      ) : null}
      <div>
        <label htmlFor="ask-reason">Why does the class need it?</label>
        <textarea
          id="ask-reason"
          required
          minLength={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <div className="actions">
        <button className="button" type="submit" disabled={busy}>
          Ask for approval
        </button>
      </div>
    </form>
  );
}

function what(e: Exemption): string {
  return e.targetKind === 'category' ? `Category: ${e.target}` : e.target;
}

function Decide({ exemption, onDone }: { exemption: Exemption; onDone: () => void }) {
  const [note, setNote] = useState('');
  const { run, error, busy } = useAction();
  const send = (path: string, body: unknown) =>
    void run(async () => {
      await api.post(`/api/exemptions/${exemption.id}/${path}`, body);
    }).then((ok) => {
      if (ok) onDone();
    });
  const noteId = `note-${exemption.id}`;
  if (exemption.canDecide) {
    return (
      <form className="decision-form" onSubmit={(e) => e.preventDefault()}>
        {error ? <ProblemMessage error={error} /> : null}
        <label htmlFor={noteId}>Note (needed to decline; the requester reads it)</label>
        <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => send('decision', { decision: 'approve', note })}
          >
            Approve<span className="visually-hidden"> {what(exemption)}</span>
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => send('decision', { decision: 'decline', note })}
          >
            Decline<span className="visually-hidden"> {what(exemption)}</span>
          </button>
        </div>
      </form>
    );
  }
  if (exemption.canRevoke) {
    return (
      <form
        className="decision-form"
        onSubmit={(e) => {
          e.preventDefault();
          send('revoke', { note });
        }}
      >
        {error ? <ProblemMessage error={error} /> : null}
        <label htmlFor={noteId}>Why end it early?</label>
        <input
          id={noteId}
          required
          minLength={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
        <div className="actions">
          <button type="submit" className="button small danger" disabled={busy}>
            Revoke now<span className="visually-hidden"> {what(exemption)}</span>
          </button>
        </div>
      </form>
    );
  }
  if (exemption.mine && exemption.state === 'requested') {
    return (
      <div className="actions">
        {error ? <ProblemMessage error={error} /> : null}
        <button
          type="button"
          className="button small secondary"
          disabled={busy}
          onClick={() => send('withdraw', {})}
        >
          Withdraw my request
        </button>
      </div>
    );
  }
  return null;
}

function ExemptionCard({
  exemption,
  groupName,
  onDone,
}: {
  exemption: Exemption;
  groupName: (id: string) => string;
  onDone: () => void;
}) {
  const e = exemption;
  return (
    <li className={`exemption-card state-${e.state}`}>
      <span className={`state-tag state-${e.state}`}>{stateLabels[e.state]}</span>
      <h3>
        {what(e)} for {e.groups.map(groupName).join(', ')}
      </h3>
      <dl>
        <dt>When</dt>
        <dd>
          {formatDateTime(e.startsAt)} to {formatDateTime(e.endsAt)}
        </dd>
        <dt>Why</dt>
        <dd>{e.reason}</dd>
        <dt>Asked by</dt>
        <dd>
          {e.requestedBy}, {formatDateTime(e.requestedAt)}
        </dd>
        {e.decidedBy ? (
          <>
            <dt>{e.status === 'declined' ? 'Declined by' : 'Approved by'}</dt>
            <dd>
              {e.decidedBy}, {formatDateTime(e.decidedAt)}
              {e.decisionNote ? `: ${e.decisionNote}` : ''}
            </dd>
          </>
        ) : null}
        {e.revokedBy ? (
          <>
            <dt>Revoked by</dt>
            <dd>
              {e.revokedBy}, {formatDateTime(e.revokedAt)}: {e.revokeNote}
            </dd>
          </>
        ) : null}
      </dl>
      <Decide exemption={e} onDone={onDone} />
    </li>
  );
}

/** Temporary exemptions (FIL-6): ask, decide, see what is unblocked now and what was. */
export function ExemptionsPage() {
  const { can } = useSession();
  const [sent, setSent] = useState<Exemption | null>(null);
  const list = useLoad(
    () => api.get<{ exemptions: Exemption[] }>('/api/exemptions'),
    `exemptions|${sent?.id ?? ''}`,
  );
  const options = useLoad(
    () =>
      can('exemptions.request')
        ? api.get<ExemptionOptions>('/api/exemptions/options')
        : Promise.resolve(null),
    'names',
  );
  const groupName = (id: string) => options.data?.groups.find((g) => g.id === id)?.label ?? id;
  const all = list.data?.exemptions ?? [];
  const waiting = all.filter((e) => e.state === 'requested');
  const current = all.filter((e) => e.state === 'active' || e.state === 'scheduled');
  const past = all.filter((e) => !waiting.includes(e) && !current.includes(e));
  const reload = () => void list.reload();
  const decider = can('exemptions.decide');
  const section = (id: string, title: string, items: Exemption[], empty: string) => (
    <section aria-labelledby={id} className="filter-section">
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <ul className="exemption-list">
          {items.map((e) => (
            <ExemptionCard key={e.id} exemption={e} groupName={groupName} onDone={reload} />
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <>
      <h1>Exemptions</h1>
      <p className="lede">
        Temporary removal of sites from the filtered list for a lesson or a period of study: asked
        for by staff with a reason, approved by the DSL or the online safety lead, ending by itself.
      </p>
      {sent ? (
        <p className="sent-message" role="status">
          Your request to unblock {what(sent)} was sent. The DSL or the online safety lead will
          decide it; it appears below.
        </p>
      ) : null}
      {list.error ? <ProblemMessage error={list.error} /> : null}
      {/* Those who decide see their queue first; everyone else starts with the form. */}
      {decider && list.data
        ? section(
            'waiting-title',
            'Waiting for your decision',
            waiting,
            'Nothing is waiting for a decision.',
          )
        : null}
      {options.error ? <ProblemMessage error={options.error} /> : null}
      {options.data ? <RequestForm data={options.data} onSent={setSent} /> : null}
      {list.data ? (
        <>
          {decider
            ? null
            : section(
                'waiting-title',
                'Waiting for a decision',
                waiting,
                'Nothing is waiting for a decision.',
              )}
          {section(
            'current-title',
            'Active now and coming up',
            current,
            'No site or category is unblocked by an exemption now.',
          )}
          {section('past-title', 'Ended, declined or withdrawn', past, 'None yet.')}
        </>
      ) : null}
    </>
  );
}
