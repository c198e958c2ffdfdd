import { useEffect, useState, type FormEvent, type MouseEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { useRouter } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import './activity.css';
import { ActivityDashboard } from './activity-dashboard.tsx';
import { IngestTokensSection } from './ingest-tokens-section.tsx';
import { RetentionSection } from './retention-section.tsx';
import {
  decisionLabels,
  emptyFilters,
  filtersFromSearch,
  filtersToApiQuery,
  filtersToSearch,
  type ActivityEvent,
  type ActivityFilters,
  type ActivityPage as Page,
} from './types.ts';

const PAGE_SIZE = 50;

function DrillLink({
  filters,
  onPick,
  label,
  children,
}: {
  filters: ActivityFilters;
  onPick: (filters: ActivityFilters) => void;
  label: string;
  children: string;
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    onPick(filters);
  };
  return (
    <a href={`/activity${filtersToSearch(filters)}`} onClick={onClick} aria-label={label}>
      {children}
    </a>
  );
}

/** One event's detail, opened in place: the full address, the title and what scoring found. */
function EventDetail({ event: e }: { event: ActivityEvent }) {
  return (
    <details className="event-detail">
      <summary>
        Details<span className="visually-hidden"> of this request to {e.host}</span>
      </summary>
      <dl>
        <dt>Address</dt>
        <dd className="host">{e.url ?? `${e.host} (the address is not kept)`}</dd>
        {e.title ? (
          <>
            <dt>Page title</dt>
            <dd>{e.title}</dd>
          </>
        ) : null}
        {e.riskScore !== null ? (
          <>
            <dt>Content score</dt>
            <dd>
              {e.riskScore}
              {e.riskCategories.length > 0 ? ` — ${e.riskCategories.join(', ')}` : ''}
            </dd>
            <dt>Matched phrases</dt>
            <dd>{e.riskPhrases.length > 0 ? e.riskPhrases.join(', ') : '—'}</dd>
          </>
        ) : null}
        <dt>Device</dt>
        <dd>
          {e.clientIp}
          {e.deviceClass ? ` (${e.deviceClass})` : ''}
        </dd>
        <dt>Request</dt>
        <dd>
          {e.method}
          {e.status === null ? '' : `, answered ${e.status}`} (from {e.source})
        </dd>
      </dl>
    </details>
  );
}

function FiltersForm({
  filters,
  onApply,
}: {
  filters: ActivityFilters;
  onApply: (filters: ActivityFilters) => void;
}) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const field = (key: Exclude<keyof ActivityFilters, 'action'>, label: string, hint?: string) => (
    <div>
      <label htmlFor={`activity-${key}`}>{label}</label>
      <input
        id={`activity-${key}`}
        type={key === 'fromDay' || key === 'toDay' ? 'date' : 'text'}
        value={draft[key]}
        autoComplete="off"
        {...(hint ? { placeholder: hint } : {})}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
    </div>
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form
      className="filters activity-filters"
      role="search"
      aria-label="Activity"
      onSubmit={submit}
    >
      {field('user', 'Person (username)')}
      {field('host', 'Site', 'e.g. youtube.com (and its sub-sites)')}
      {field('category', 'Category')}
      <div>
        <label htmlFor="activity-action">Decision</label>
        <select
          id="activity-action"
          value={draft.action}
          onChange={(e) =>
            setDraft({ ...draft, action: filtersFromSearch(`?action=${e.target.value}`).action })
          }
        >
          <option value="">Any</option>
          <option value="block">{decisionLabels.block}</option>
          <option value="allow">{decisionLabels.allow}</option>
          <option value="allow-with-alert">{decisionLabels['allow-with-alert']}</option>
        </select>
      </div>
      {field('group', 'Group')}
      {field('deviceClass', 'Device class')}
      {field('clientIp', 'Device address')}
      {field('fromDay', 'From')}
      {field('toDay', 'To')}
      <div className="actions">
        <button type="submit" className="button">
          Search
        </button>{' '}
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            setDraft(emptyFilters);
            onApply(emptyFilters);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

function Results({
  filters,
  onPick,
}: {
  filters: ActivityFilters;
  onPick: (filters: ActivityFilters) => void;
}) {
  const query = filtersToApiQuery(filters);
  query.set('limit', String(PAGE_SIZE));
  const key = query.toString();
  const first = useLoad(() => api.get<Page>(`/api/activity?${key}`), key);
  const [older, setOlder] = useState<{
    key: string;
    events: ActivityEvent[];
    cursor: string | null;
  }>({ key, events: [], cursor: null });
  const more = useAction();
  if (older.key !== key) setOlder({ key, events: [], cursor: null });
  if (first.error) return <ProblemMessage error={first.error} />;
  if (!first.data) return <p className="loading-inline">Loading activity…</p>;
  const events = [...first.data.events, ...(older.key === key ? older.events : [])];
  const cursor =
    older.key === key && older.events.length > 0 ? older.cursor : first.data.nextCursor;
  const loadOlder = async () => {
    if (cursor === null) return;
    await more.run(async () => {
      const page = await api.get<Page>(`/api/activity?${key}&cursor=${encodeURIComponent(cursor)}`);
      setOlder({ key, events: [...older.events, ...page.events], cursor: page.nextCursor });
    });
  };
  const exportQuery = filtersToApiQuery(filters).toString();
  return (
    <>
      <p className="activity-export">
        <a className="button secondary" href={`/api/activity/export.csv?${exportQuery}`} download>
          Download these results as CSV
        </a>{' '}
        <span className="hint">Downloads are recorded in the audit log.</span>
      </p>
      {events.length === 0 ? (
        <p className="empty">No activity matches these filters.</p>
      ) : (
        <div className="table-wrap">
          <table className="activity-results">
            <caption>
              Activity from {new Date(first.data.from).toLocaleString('en-GB')} to{' '}
              {new Date(first.data.to).toLocaleString('en-GB')}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Person</th>
                <th scope="col">Group</th>
                <th scope="col">Site</th>
                <th scope="col">Category</th>
                <th scope="col">Decision</th>
                <th scope="col">Rule</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td data-label="Time" className="nowrap">
                    <time dateTime={e.at}>{new Date(e.at).toLocaleString('en-GB')}</time>
                  </td>
                  <td data-label="Person">
                    {e.username ? (
                      <DrillLink
                        filters={{ ...filters, user: e.username }}
                        onPick={onPick}
                        label={`Show activity of ${e.displayName ?? e.username}`}
                      >
                        {e.displayName ?? e.username}
                      </DrillLink>
                    ) : (
                      <span className="muted">Not signed in ({e.clientIp})</span>
                    )}
                  </td>
                  <td data-label="Group">{e.group ?? '—'}</td>
                  <td data-label="Site" className="host">
                    <div>
                      <DrillLink
                        filters={{ ...filters, host: e.host }}
                        onPick={onPick}
                        label={`Show activity on ${e.host}`}
                      >
                        {e.host}
                      </DrillLink>
                      {e.searchTerms ? (
                        <span className="hint small"> searched “{e.searchTerms}”</span>
                      ) : null}
                      {e.title ? <span className="event-title small">“{e.title}”</span> : null}
                      {e.riskScore !== null ? (
                        <span className="badge risk-score">
                          Content score {e.riskScore}
                          {e.riskCategories.length > 0 ? ` (${e.riskCategories.join(', ')})` : ''}
                        </span>
                      ) : null}
                      <EventDetail event={e} />
                    </div>
                  </td>
                  <td data-label="Category">{e.category ?? '—'}</td>
                  <td data-label="Decision">
                    <span
                      className={`badge ${e.action === 'block' ? 'entry-block' : e.action === 'allow' ? 'entry-allow' : 'status-approved'}`}
                    >
                      {decisionLabels[e.action]}
                    </span>
                  </td>
                  <td data-label="Rule">
                    <code>{e.ruleId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more.error ? <ProblemMessage error={more.error} /> : null}
      {cursor !== null ? (
        <button
          type="button"
          className="button secondary"
          disabled={more.busy}
          onClick={() => void loadOlder()}
        >
          Older activity
        </button>
      ) : null}
    </>
  );
}

/**
 * The Activity page (MON-1): what the filter allowed and blocked, searched and drilled into by
 * person and site, exported as CSV; a 7-day dashboard; and, for the DSL and the head, retention
 * periods and legal holds (MON-5). Searches that name a person are recorded in the audit log.
 */
export function ActivityPage() {
  const { can } = useSession();
  const { navigate } = useRouter();
  const [filters, setFilters] = useState(() => filtersFromSearch(window.location.search));
  useEffect(() => {
    const onPop = () => setFilters(filtersFromSearch(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const apply = (next: ActivityFilters) => {
    setFilters(next);
    navigate(`/activity${filtersToSearch(next)}`);
  };
  return (
    <>
      <h1>Activity</h1>
      <p className="lede">
        Every web request the filter decided, allowed or blocked. Choose a person or a site in the
        results to see only theirs. Looking at a named person’s activity is recorded in the audit
        log.
      </p>
      <ActivityDashboard
        onCategory={(category) => apply({ ...emptyFilters, category, action: 'block' })}
        onHost={(host) => apply({ ...emptyFilters, host, action: 'block' })}
      />
      <section className="activity-section" aria-labelledby="activity-search-heading">
        <h2 id="activity-search-heading">Search activity</h2>
        <p className="hint">The last 7 days unless you choose the days.</p>
        <FiltersForm filters={filters} onApply={apply} />
        <Results filters={filters} onPick={apply} />
      </section>
      {can('activity.retention.manage') ? <RetentionSection /> : null}
      {can('activity.tokens.manage') ? <IngestTokensSection /> : null}
    </>
  );
}
