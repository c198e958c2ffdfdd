import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDate, formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import type { EvidenceBlock, Review, ReviewsAnswer, Slot } from './types.ts';
import './reports.css';

function Evidence({ block }: { block: EvidenceBlock }) {
  return (
    <div className="evidence-block" data-evidence={block.id}>
      <h3>{block.title}</h3>
      <p className="hint small">{block.source}</p>
      {block.facts.length > 0 ? (
        <dl className="evidence-facts">
          {block.facts.map((f) => (
            <div key={f.label}>
              <dt className={f.warning ? 'warning' : undefined}>{f.label}</dt>
              <dd className={f.warning ? 'warning' : undefined}>{f.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {block.tables.map((t) => (
        <div className="table-wrap" key={t.id}>
          <table>
            <caption>{t.caption}</caption>
            <thead>
              <tr>
                {t.columns.map((c) => (
                  <th scope="col" key={c}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {t.rows.length === 0 ? (
                <tr>
                  <td colSpan={t.columns.length}>{t.empty}</td>
                </tr>
              ) : (
                t.rows.map((row, i) => (
                  <tr key={i}>
                    {row.map((cell, j) => (
                      <td key={j}>{cell}</td>
                    ))}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

function NotesForm({
  review,
  standard,
  canEdit,
  onSaved,
}: {
  review: Review;
  standard: { id: string; number: number };
  canEdit: boolean;
  onSaved: () => void;
}) {
  const [text, setText] = useState(review.notes[standard.id] ?? '');
  const [saved, setSaved] = useState(false);
  const save = useAction();
  useEffect(() => setText(review.notes[standard.id] ?? ''), [review, standard.id]);
  const id = `notes-${standard.id}`;
  if (review.status === 'complete' || !canEdit) {
    return (
      <div className="review-notes">
        <h3>Reviewers’ notes</h3>
        <p>{review.notes[standard.id] || 'No notes.'}</p>
      </div>
    );
  }
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const ok = await save.run(async () => {
      await api.patch(`/api/reviews/filtering/${review.id}`, { notes: { [standard.id]: text } });
    });
    if (ok) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form className="review-notes" onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor={id}>Reviewers’ notes on standard {standard.number}</label>
      <textarea id={id} value={text} onChange={(e) => setText(e.target.value)} />
      {save.error ? <ProblemMessage error={save.error} /> : null}
      <div className="actions">
        <button type="submit" className="button secondary" disabled={save.busy}>
          Save notes
        </button>
        {saved ? (
          <span className="status ok" role="status">
            Saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}

function ChecksPanel({ onDone }: { onDone: () => void }) {
  const run = useAction();
  const record = useAction();
  const [result, setResult] = useState<string | null>(null);
  const [form, setForm] = useState({
    device: '',
    group: '',
    tested: '',
    purpose: '',
    expected: 'block',
    result: 'block',
  });
  const onRun = async () => {
    setResult(null);
    let message = '';
    const ok = await run.run(async () => {
      const answer = await api.post<{ checks: { passed: boolean }[] }>('/api/filtering-checks/run');
      const failed = answer.checks.filter((c) => !c.passed).length;
      message = `${answer.checks.length} checks run by the filter engine; ${failed} not as expected.`;
    });
    if (ok) {
      setResult(message);
      onDone();
    }
  };
  const onRecord = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    const ok = await record.run(async () => {
      await api.post('/api/filtering-checks', { checks: [form] });
    });
    if (ok) {
      setResult('The check is recorded.');
      setForm({ ...form, tested: '', purpose: '' });
      onDone();
    }
  };
  const field = (name: keyof typeof form, label: string) => (
    <div>
      <label htmlFor={`check-${name}`}>{label}</label>
      <input
        id={`check-${name}`}
        value={form[name]}
        required
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
    </div>
  );
  const choice = (name: 'expected' | 'result', label: string) => (
    <div>
      <label htmlFor={`check-${name}`}>{label}</label>
      <select
        id={`check-${name}`}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      >
        <option value="block">blocked</option>
        <option value="allow">allowed</option>
      </select>
    </div>
  );
  return (
    <section aria-labelledby="checks-title" className="card">
      <h2 id="checks-title">Filtering checks</h2>
      <p>
        Run Haven’s standard checks (an adult site, a gambling site, a web proxy and a help service,
        for every group of the policy), or record a check you carried out on a device.
      </p>
      <div className="actions">
        <button type="button" className="button" disabled={run.busy} onClick={() => void onRun()}>
          Run the standard checks now
        </button>
      </div>
      {run.error ? <ProblemMessage error={run.error} /> : null}
      {result ? (
        <p className="status ok" role="status">
          {result}
        </p>
      ) : null}
      <form onSubmit={(e) => void onRecord(e)}>
        <h3>Record a check made on a device</h3>
        <div className="field-row">
          {field('device', 'Device')}
          {field('group', 'Group (e.g. ks2)')}
          {field('tested', 'Site or URL tested')}
          {field('purpose', 'What it checks')}
          {choice('expected', 'Expected')}
          {choice('result', 'Result')}
        </div>
        {record.error ? <ProblemMessage error={record.error} /> : null}
        <div className="actions">
          <button type="submit" className="button secondary" disabled={record.busy}>
            Record the check
          </button>
        </div>
      </form>
    </section>
  );
}

function SignOffs({
  review,
  slots,
  onSigned,
}: {
  review: Review;
  slots: ReviewsAnswer['slots'];
  onSigned: () => void;
}) {
  const { me, can } = useSession();
  const sign = useAction();
  const [roleTitle, setRoleTitle] = useState('');
  const [comment, setComment] = useState('');
  const mine = slots.filter(
    (s) =>
      can('reviews.sign') &&
      s.roles.some((r) => me.user.roles.includes(r)) &&
      !review.signoffs.some((o) => o.slot === s.slot),
  );
  const onSign = async (slot: Slot) => {
    const ok = await sign.run(async () => {
      await api.post(`/api/reviews/filtering/${review.id}/sign-offs`, {
        slot,
        ...(roleTitle ? { roleTitle } : {}),
        ...(comment ? { comment } : {}),
      });
    });
    if (ok) onSigned();
  };
  return (
    <section aria-labelledby="signoffs-title" className="card">
      <h2 id="signoffs-title">Sign-off</h2>
      <p>
        The review is complete when SLT, the DSL, the IT provider and a governor have signed it.
      </p>
      <ul className="signoffs">
        {slots.map((s) => {
          const done = review.signoffs.find((o) => o.slot === s.slot);
          return (
            <li key={s.slot}>
              <strong>{s.label}:</strong>{' '}
              {done
                ? `signed by ${done.name} (${done.roleTitle}), ${formatDateTime(done.signedAt)}${done.comment ? ` — “${done.comment}”` : ''}`
                : 'not yet signed'}
            </li>
          );
        })}
      </ul>
      {review.status === 'open' && mine.length > 0 ? (
        <div className="sign-form">
          <div className="field-row">
            <div>
              <label htmlFor="signoff-role">Your role as it should read (optional)</label>
              <input
                id="signoff-role"
                value={roleTitle}
                onChange={(e) => setRoleTitle(e.target.value)}
              />
            </div>
          </div>
          <label htmlFor="signoff-comment">Comment (optional)</label>
          <textarea
            id="signoff-comment"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
          />
          {sign.error ? <ProblemMessage error={sign.error} /> : null}
          <div className="actions">
            {mine.map((s) => (
              <button
                key={s.slot}
                type="button"
                className="button"
                disabled={sign.busy}
                onClick={() => void onSign(s.slot)}
              >
                Sign as {s.label}
              </button>
            ))}
          </div>
        </div>
      ) : null}
    </section>
  );
}

/**
 * The annual filtering and monitoring review (GOV-3): the four DfE standards, each with the
 * evidence Haven already holds, the reviewers' notes, the checks and the four sign-offs.
 */
export function AnnualReviewPage() {
  const { can } = useSession();
  const [refresh, setRefresh] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const list = useLoad(() => api.get<ReviewsAnswer>('/api/reviews/filtering'), `list|${refresh}`);
  const reviews = list.data?.reviews ?? [];
  const current =
    selected ?? reviews.find((r) => r.status === 'open')?.id ?? reviews[0]?.id ?? null;
  const detail = useLoad(
    () =>
      current ? api.get<Review>(`/api/reviews/filtering/${current}`) : Promise.resolve(undefined),
    `detail|${current ?? ''}|${refresh}`,
  );
  const start = useAction();
  const [nextReview, setNextReview] = useState('');
  const saveDate = useAction();
  const review = detail.data;
  const reload = () => setRefresh((n) => n + 1);
  const canEdit = can('reviews.edit');
  const hasOpen = reviews.some((r) => r.status === 'open');

  return (
    <>
      <h1>Filtering and monitoring review</h1>
      <p className="hint">
        The annual review against the DfE filtering and monitoring standards, carried out by SLT,
        the DSL and the IT provider with a governor. The evidence below comes from Haven’s own
        records: nothing needs typing in again.
      </p>
      {list.error ? <ProblemMessage error={list.error} /> : null}
      <div className="actions">
        {canEdit && !hasOpen ? (
          <button
            type="button"
            className="button"
            disabled={start.busy}
            onClick={() =>
              void start
                .run(async () => {
                  const created = await api.post<Review>('/api/reviews/filtering');
                  setSelected(created.id);
                })
                .then((ok) => ok && reload())
            }
          >
            Start this year’s review
          </button>
        ) : null}
        {reviews.length > 1 ? (
          <div>
            <label htmlFor="review-pick">Review</label>{' '}
            <select
              id="review-pick"
              value={current ?? ''}
              onChange={(e) => setSelected(e.target.value)}
            >
              {reviews.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.title} ({r.status === 'open' ? 'in progress' : 'complete'})
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      {start.error ? <ProblemMessage error={start.error} /> : null}
      {list.data && reviews.length === 0 ? <p>No review has been started in Haven yet.</p> : null}
      {detail.error ? <ProblemMessage error={detail.error} /> : null}
      {review && list.data ? (
        <>
          <section aria-labelledby="review-title">
            <h2 id="review-title">{review.title}</h2>
            <p>
              {review.status === 'open'
                ? `In progress since ${formatDate(review.startedAt)}. Evidence gathered ${formatDateTime(review.evidenceCollectedAt)}.`
                : `Completed ${formatDateTime(review.completedAt)}; the evidence is kept as it was then.`}{' '}
              Next review due <strong>{formatDate(review.nextReview)}</strong>.
            </p>
            {review.status === 'open' && canEdit ? (
              <form
                className="field-row"
                onSubmit={(e) => {
                  e.preventDefault();
                  void saveDate
                    .run(async () => {
                      await api.patch(`/api/reviews/filtering/${review.id}`, { nextReview });
                    })
                    .then((ok) => ok && reload());
                }}
              >
                <div>
                  <label htmlFor="next-review">Next review date</label>
                  <input
                    id="next-review"
                    type="date"
                    value={nextReview || review.nextReview}
                    onChange={(e) => setNextReview(e.target.value)}
                  />
                </div>
                <button type="submit" className="button secondary" disabled={saveDate.busy}>
                  Save date
                </button>
              </form>
            ) : null}
            {saveDate.error ? <ProblemMessage error={saveDate.error} /> : null}
          </section>
          {list.data.standards.map((standard) => (
            <section
              key={standard.id}
              className="standard"
              aria-labelledby={`standard-${standard.id}`}
            >
              <h2 id={`standard-${standard.id}`}>
                Standard {standard.number}: {standard.title}
              </h2>
              {review.evidence
                .filter((e) => e.standard === standard.id)
                .map((block) => (
                  <Evidence key={block.id} block={block} />
                ))}
              <NotesForm review={review} standard={standard} canEdit={canEdit} onSaved={reload} />
            </section>
          ))}
          {review.status === 'open' && canEdit ? <ChecksPanel onDone={reload} /> : null}
          <SignOffs review={review} slots={list.data.slots} onSigned={reload} />
        </>
      ) : null}
    </>
  );
}
