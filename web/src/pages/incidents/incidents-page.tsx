import { useState } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import {
  concernAboutLabels,
  sourceLabels,
  type IncidentListItem,
  type IncidentOptions,
} from './incidents-api.ts';
import './incidents.css';

/** The incidents this person may see, with the flowchart's next step for each (every read is audited). */
export function IncidentsPage() {
  const { can } = useSession();
  const [status, setStatus] = useState('open');
  const [category, setCategory] = useState('');
  const options = useLoad(() => api.get<IncidentOptions>('/api/incidents/options'), 'options');
  const query = new URLSearchParams();
  if (status) query.set('status', status);
  if (category) query.set('category', category);
  const list = useLoad(
    () => api.get<{ incidents: IncidentListItem[] }>(`/api/incidents?${query.toString()}`),
    query.toString(),
  );
  return (
    <section className="incidents">
      <h1>Incidents</h1>
      <p className="lede">
        Online safety incidents from reports, worries sent from the block page and escalated alerts,
        each with the next step of the policy’s flowchart. Opening one is recorded in the audit log.
      </p>
      <div className="incident-toolbar">
        <Link to="/report-concern" className="button secondary">
          Report a concern
        </Link>
        {can('incidents.export') ? (
          <>
            <a className="button secondary" href="/api/incidents/export?format=csv">
              Export all (CSV)
            </a>
            <a className="button secondary" href="/api/incidents/export?format=json">
              Export all (JSON)
            </a>
          </>
        ) : null}
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="incident-status">Status</label>
          <select id="incident-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">Open</option>
            <option value="closed">Closed</option>
            <option value="">All</option>
          </select>
        </div>
        <div>
          <label htmlFor="incident-category">Category</label>
          <select
            id="incident-category"
            value={category}
            onChange={(e) => setCategory(e.target.value)}
          >
            <option value="">All categories</option>
            {options.data?.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {can('incidents.settings.manage') ? <StaffConcernSetting /> : null}
      {list.error ? <ProblemMessage error={list.error} /> : null}
      {list.data ? (
        list.data.incidents.length === 0 ? (
          <p className="card">No incidents match.</p>
        ) : (
          <ul className="incident-list plain">
            {list.data.incidents.map((i) => (
              <li
                key={i.id}
                className={`card incident-card${i.next.illegalRoute ? ' illegal' : ''}`}
              >
                <h2>
                  <Link to={`/incidents/${i.id}`}>
                    {i.categoryLabel ?? 'Not yet classified'}
                    <span className="visually-hidden">
                      , reported {formatDateTime(i.createdAt)}
                    </span>
                  </Link>
                </h2>
                <p className="incident-meta">
                  <span>{formatDateTime(i.createdAt)}</span>
                  <span>{sourceLabels[i.source] ?? i.source}</span>
                  <span>About: {concernAboutLabels[i.concernAbout]}</span>
                  <span className="badge">{i.status === 'open' ? 'Open' : 'Closed'}</span>
                </p>
                <p className="incident-summary">{i.summary}</p>
                {i.people.length > 0 ? (
                  <p className="hint">{i.people.map((p) => `${p.name} (${p.role})`).join(', ')}</p>
                ) : null}
                <p className="incident-next">
                  <strong>Next step:</strong> {i.next.title}
                </p>
              </li>
            ))}
          </ul>
        )
      ) : (
        <p role="status">Loading…</p>
      )}
      {can('incidents.learning.read') ? <OpenLearning /> : null}
    </section>
  );
}

/** The head decides whether the DSL and deputies see concerns about staff (INC-4). */
function StaffConcernSetting() {
  const setting = useLoad(
    () => api.get<{ dslSeesStaffConcerns: boolean }>('/api/incidents/settings'),
    'setting',
  );
  const { run, error, busy } = useAction();
  if (!setting.data) return setting.error ? <ProblemMessage error={setting.error} /> : null;
  const on = setting.data.dslSeesStaffConcerns;
  return (
    <section className="card" aria-labelledby="staff-concerns-h">
      <h2 id="staff-concerns-h">Concerns about staff</h2>
      <p>
        Concerns about a member of staff come to you as head
        {on ? ', and the DSL and deputy DSLs see them too.' : '; the DSL does not see them.'}{' '}
        Concerns about the head go to the chair of governors only.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      <button
        type="button"
        className="button secondary"
        disabled={busy}
        onClick={() =>
          void run(async () => {
            await api.put('/api/incidents/settings', { dslSeesStaffConcerns: !on });
            await setting.reload();
          })
        }
      >
        {on ? 'Stop sharing staff concerns with the DSL' : 'Share staff concerns with the DSL'}
      </button>
    </section>
  );
}

/** Learning points waiting for the Online Safety Group. */
function OpenLearning() {
  const learning = useLoad(
    () =>
      api.get<{ learning: { id: string; incidentId: string; text: string; recordedAt: string }[] }>(
        '/api/incidents/learning',
      ),
    'learning',
  );
  if (learning.error) return <ProblemMessage error={learning.error} />;
  if (!learning.data || learning.data.learning.length === 0) return null;
  return (
    <section className="card learning-list" aria-labelledby="learning-h">
      <h2 id="learning-h">Learning for the Online Safety Group</h2>
      <ul>
        {learning.data.learning.map((l) => (
          <li key={l.id}>
            {l.text}{' '}
            <Link to={`/incidents/${l.incidentId}`}>
              (incident, {formatDateTime(l.recordedAt)})
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
