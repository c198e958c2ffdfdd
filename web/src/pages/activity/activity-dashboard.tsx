import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import type { ActivitySummary, BlockedHosts } from './types.ts';

function Bars({
  items,
  label,
  onPick,
  pickLabel,
}: {
  items: { key: string; label: string; events: number }[];
  label: string;
  onPick: (key: string) => void;
  pickLabel: (key: string) => string;
}) {
  const max = Math.max(1, ...items.map((i) => i.events));
  if (items.length === 0) return <p className="empty">No blocks in these 7 days.</p>;
  return (
    <ul className="activity-bars" aria-label={label}>
      {items.map((item) => (
        <li key={item.key}>
          <button
            type="button"
            className="link-button label"
            aria-label={pickLabel(item.key)}
            onClick={() => onPick(item.key)}
          >
            {item.label}
          </button>
          <span
            className="bar"
            aria-hidden="true"
            style={{ width: `${(100 * item.events) / max}%` }}
          />
          <span>{item.events.toLocaleString('en-GB')}</span>
        </li>
      ))}
    </ul>
  );
}

/** Blocks by category (from the daily rollup) and the most blocked hosts, over 7 days. */
export function ActivityDashboard({
  onCategory,
  onHost,
}: {
  onCategory: (category: string) => void;
  onHost: (host: string) => void;
}) {
  const summary = useLoad(() => api.get<ActivitySummary>('/api/activity/summary?days=7'), 's');
  const hosts = useLoad(
    () => api.get<BlockedHosts>('/api/activity/blocked-hosts?days=7&limit=8'),
    'h',
  );
  return (
    <section className="activity-section" aria-labelledby="activity-dashboard-heading">
      <h2 id="activity-dashboard-heading">The last 7 days</h2>
      {summary.error ? <ProblemMessage error={summary.error} /> : null}
      {hosts.error ? <ProblemMessage error={hosts.error} /> : null}
      <div className="cards">
        <div className="card">
          <h3>Decisions</h3>
          {summary.data ? (
            <dl className="figures">
              <div>
                <dt>Blocked</dt>
                <dd>{summary.data.totals.block.toLocaleString('en-GB')}</dd>
              </div>
              <div>
                <dt>Allowed</dt>
                <dd>{summary.data.totals.allow.toLocaleString('en-GB')}</dd>
              </div>
              <div>
                <dt>With alert</dt>
                <dd>{summary.data.totals.allowWithAlert.toLocaleString('en-GB')}</dd>
              </div>
            </dl>
          ) : (
            <p className="loading-inline">Loading…</p>
          )}
        </div>
        <div className="card">
          <h3>Blocks by category</h3>
          {summary.data ? (
            <Bars
              label="Blocks by category"
              items={summary.data.blocksByCategory.map((c) => ({
                key: c.category ?? '',
                label: c.category ?? 'No category',
                events: c.events,
              }))}
              onPick={onCategory}
              pickLabel={(key) => `Show blocks in ${key || 'no category'}`}
            />
          ) : (
            <p className="loading-inline">Loading…</p>
          )}
        </div>
        <div className="card">
          <h3>Most blocked sites</h3>
          {hosts.data ? (
            <Bars
              label="Most blocked sites"
              items={hosts.data.hosts.map((h) => ({
                key: h.host,
                label: h.host,
                events: h.events,
              }))}
              onPick={onHost}
              pickLabel={(key) => `Show blocks of ${key}`}
            />
          ) : (
            <p className="loading-inline">Loading…</p>
          )}
        </div>
      </div>
    </section>
  );
}
