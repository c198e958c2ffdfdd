import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { Link } from '../../router.tsx';
import { FlagList } from './flag-list.tsx';
import type { DueDate, RegisterSummary } from './types.ts';

function formatDue(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The Registers area: every register the user may read, by area, and what falls due. */
export function RegistersPage() {
  const registers = useLoad(
    () => api.get<{ registers: RegisterSummary[] }>('/api/registers'),
    'registers',
  );
  const due = useLoad(() => api.get<{ dueDates: DueDate[] }>('/api/registers/due-dates'), 'due');
  const areas = [...new Set((registers.data?.registers ?? []).map((r) => r.area))];
  return (
    <>
      <h1>Registers</h1>
      <p className="lede">
        The records the policy asks the school to keep — who is responsible for what, devices, photo
        consent, data protection and social media — with what needs attention flagged.
      </p>
      {registers.error ? <ProblemMessage error={registers.error} /> : null}
      {areas.map((area) => (
        <section key={area} className="register-area" aria-labelledby={`area-${area}`}>
          <h2 id={`area-${area}`}>{area}</h2>
          <ul className="register-cards">
            {(registers.data?.registers ?? [])
              .filter((r) => r.area === area)
              .map((r) => (
                <li key={r.key} className="card">
                  <h3>
                    <Link to={`/registers/${r.key}`}>{r.title}</Link>
                  </h3>
                  <p className="hint">
                    {r.rows} {r.rows === 1 ? 'entry' : 'entries'}
                    {r.flagged > 0 ? `, ${r.flagged} flagged` : ''}
                    {r.canEdit ? '' : ' · read only'}
                  </p>
                  <FlagList flags={r.registerFlags} />
                </li>
              ))}
          </ul>
        </section>
      ))}
      <section aria-labelledby="due-heading">
        <h2 id="due-heading">Coming up and overdue</h2>
        {due.error ? <ProblemMessage error={due.error} /> : null}
        {due.data && due.data.dueDates.length === 0 ? (
          <p className="empty">Nothing falls due.</p>
        ) : null}
        {due.data && due.data.dueDates.length > 0 ? (
          <ul className="due-list">
            {due.data.dueDates.map((d) => (
              <li key={`${d.href}-${d.kind}`} className={d.overdue ? 'due-overdue' : undefined}>
                <span className="due-when">
                  {d.overdue ? <strong>Overdue · </strong> : null}
                  {formatDue(d.due)}
                </span>{' '}
                <Link to={d.href}>{d.title}</Link>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </>
  );
}
