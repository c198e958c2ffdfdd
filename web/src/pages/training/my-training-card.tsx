import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDate } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { stateLabels, type AuditPerson, type TrainingRecordView } from './training-api.ts';
import '../aua/aua.css';

/** A member of staff's or governor's own training, for the account page. */
export function MyTrainingCard() {
  const { can } = useSession();
  return can('training.mine') ? <MyTraining /> : null;
}

function MyTraining() {
  const { data, error, reload } = useLoad(
    () =>
      api.get<{ person: AuditPerson | null; records: TrainingRecordView[] }>('/api/training/mine'),
    'my-training',
  );
  const [need, setNeed] = useState('');
  const [sent, setSent] = useState(false);
  const report = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSent(false);
    void report
      .run(async () => {
        await api.post('/api/training/needs', { need });
        setNeed('');
      })
      .then(async (ok) => {
        setSent(ok);
        await reload();
      });
  };
  return (
    <section className="card" aria-labelledby="my-training">
      <h2 id="my-training">My training</h2>
      {error ? <ProblemMessage error={error} /> : null}
      {data?.person ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Course</th>
                <th scope="col">State</th>
                <th scope="col">Completed</th>
                <th scope="col">Renew by</th>
              </tr>
            </thead>
            <tbody>
              {data.person.courses.map((c) => (
                <tr key={c.courseId}>
                  <th scope="row">
                    {c.course}
                    {c.required ? null : <span className="muted"> (optional)</span>}
                  </th>
                  <td className={`state-${c.state}`}>{stateLabels[c.state]}</td>
                  <td>{formatDate(c.completedOn)}</td>
                  <td>{c.expiresOn ? formatDate(c.expiresOn) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data?.person && data.person.needs.length > 0 ? (
        <>
          <h3>Needs you have reported</h3>
          <ul>
            {data.person.needs.map((n) => (
              <li key={n.id}>
                {n.need} <span className="muted">({formatDate(n.createdAt)})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <form onSubmit={submit}>
        <label htmlFor="training-need">Tell the school about a training need</label>
        {report.error ? <ProblemMessage error={report.error} /> : null}
        {sent ? (
          <p className="status ok" role="status">
            Thank you: it is in the training-needs audit.
          </p>
        ) : null}
        <textarea
          id="training-need"
          rows={2}
          value={need}
          onChange={(e) => setNeed(e.target.value)}
        />
        <div className="actions">
          <button className="button secondary" type="submit" disabled={report.busy}>
            Send
          </button>
        </div>
      </form>
    </section>
  );
}
