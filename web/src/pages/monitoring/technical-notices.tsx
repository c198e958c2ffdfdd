import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { formatDateTime } from '../../format.ts';

/** A technical notice (`GET /api/notices/technical`): for the technician, not a safeguarding alert. */
interface TechnicalNotice {
  id: string;
  level: 'warning' | 'error';
  title: string;
  detail: string;
  since: string;
}

const POLL_MS = 15_000;

/**
 * Technical notices on the technician's home page — today the activity spool nearing its cap
 * while the database is unreachable. They clear themselves when the problem goes away.
 */
export function TechnicalNoticesPanel() {
  const [notices, setNotices] = useState<TechnicalNotice[]>([]);
  useEffect(() => {
    let stopped = false;
    const ask = () =>
      void api
        .get<{ notices: TechnicalNotice[] }>('/api/notices/technical')
        .then((r) => {
          if (!stopped) setNotices(r.notices);
        })
        .catch(() => undefined);
    ask();
    const timer = setInterval(ask, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  if (notices.length === 0) return null;
  return (
    <section className="technical-notices" aria-labelledby="technical-notices-heading">
      <h2 id="technical-notices-heading">Technical notices</h2>
      <ul>
        {notices.map((n) => (
          <li key={n.id} className={`technical-notice ${n.level}`} role="status">
            <strong>{n.title}</strong>{' '}
            <span className="muted">since {formatDateTime(n.since)}</span>
            <p>{n.detail}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
