import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { Link } from '../../router.tsx';
import type { CalendarAnswer } from './types.ts';
import './reports.css';

function dueDay(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
  });
}

/** The compliance calendar: every due date, overdue first, then month by month. */
export function CalendarPage() {
  const load = useLoad(() => api.get<CalendarAnswer>('/api/calendar'), 'calendar');
  const data = load.data;
  return (
    <>
      <h1>Compliance calendar</h1>
      <p className="hint">
        Every date the school has to meet: policy review, the annual filtering and monitoring
        review, governor reports. The people responsible get an email when a date is 14 days away or
        overdue.
      </p>
      {load.error ? <ProblemMessage error={load.error} /> : null}
      {data && data.groups.length === 0 ? <p>Nothing is due.</p> : null}
      {data?.groups.map((group) => (
        <section key={group.id} className="calendar-group" aria-labelledby={`month-${group.id}`}>
          <h2 id={`month-${group.id}`}>{group.label}</h2>
          <ul>
            {group.items.map((item) => (
              <li key={`${item.kind}-${item.due}-${item.title}`}>
                <span className="due">{dueDay(item.due, data.timeZone)}</span>
                <span>
                  {item.overdue ? <span className="badge overdue">Overdue</span> : null}{' '}
                  <Link to={item.href}>{item.title}</Link>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
