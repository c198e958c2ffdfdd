import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import './incidents.css';

interface Chronology {
  pupil: { id: string; name: string; username: string };
  entries: { at: string; kind: string; title: string; detail: string; link: string | null }[];
}

const kindLabels: Record<string, string> = {
  alert: 'Alert',
  incident: 'Incident',
  sanction: 'Sanction',
};

/** One pupil's chronology across alerts, incidents and sanctions (the read is audited). */
export function ChronologyPage({ userId }: { userId: string }) {
  const { can } = useSession();
  const data = useLoad(() => api.get<Chronology>(`/api/people/${userId}/chronology`), userId);
  const pupil = data.data?.pupil;
  return (
    <section className="incidents">
      <h1>Chronology{pupil ? `: ${pupil.name}` : ''}</h1>
      <p className="lede">
        Everything Haven holds about this pupil’s online safety, newest first. Only incidents you
        may see are listed; opening this page is recorded in the audit log.
      </p>
      {pupil && can('incidents.export') ? (
        <div className="incident-toolbar">
          <a
            className="button secondary"
            href={`/api/incidents/export?format=csv&pupil=${encodeURIComponent(pupil.username)}`}
          >
            Export this pupil’s record (CSV)
          </a>
          <a
            className="button secondary"
            href={`/api/incidents/export?format=json&pupil=${encodeURIComponent(pupil.username)}`}
          >
            Export (JSON)
          </a>
        </div>
      ) : null}
      {data.error ? <ProblemMessage error={data.error} /> : null}
      {data.data ? (
        data.data.entries.length === 0 ? (
          <p className="card">Nothing recorded.</p>
        ) : (
          <ol className="chronology plain">
            {data.data.entries.map((e, index) => (
              <li key={`${e.at}-${index}`} className={`chronology-entry kind-${e.kind}`}>
                <p className="incident-meta">
                  <span className="badge">{kindLabels[e.kind] ?? e.kind}</span>
                  <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                </p>
                <p>{e.link ? <Link to={e.link}>{e.title}</Link> : <strong>{e.title}</strong>}</p>
                <p className="hint">{e.detail}</p>
              </li>
            ))}
          </ol>
        )
      ) : (
        <p role="status">Loading…</p>
      )}
    </section>
  );
}
