import { useEffect, useRef, useState } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime, plural } from '../../format.ts';
import { Link, useRouter } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import {
  categoryLabels,
  groupLabels,
  severityLabels,
  statusLabels,
  type AlertSeverity,
  type AlertStatus,
  type AlertSummary,
  type AlertView,
} from './alerts-api.ts';
import './alerts.css';
import { IsolationPanel } from '../monitoring/isolation-panel.tsx';
import { WebhookSecretSection } from '../monitoring/webhook-secret-section.tsx';

/** How often the page asks whether anything changed (the answer holds no alert contents). */
const POLL_MS = 2000;

function who(alert: AlertView): string {
  if (alert.pupil.name) return `${alert.pupil.name} (${alert.pupil.username ?? 'no username'})`;
  if (alert.pupil.username) return alert.pupil.username;
  return `Not signed in — device ${alert.clientIp}`;
}

function AlertActions({ alert, onDone }: { alert: AlertView; onDone: () => void }) {
  const { run, error, busy } = useAction();
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const open = alert.status === 'new' || alert.status === 'acknowledged';
  if (!open) return null;
  const { navigate } = useRouter();
  const act = (path: string, body?: unknown) =>
    void run(async () => {
      const answer = await api.post<{ incidentId?: string }>(
        `/api/alerts/${alert.id}/${path}`,
        body,
      );
      // Escalating creates the incident: go straight to it.
      if (answer.incidentId) navigate(`/incidents/${answer.incidentId}`);
    }).then((ok) => {
      if (ok) onDone();
    });
  return (
    <div className="alert-actions">
      {alert.status === 'new' ? (
        <button type="button" className="button" disabled={busy} onClick={() => act('acknowledge')}>
          Acknowledge
        </button>
      ) : null}
      <button
        type="button"
        className="button secondary"
        disabled={busy}
        onClick={() => act('escalate', {})}
      >
        Escalate to an incident
      </button>
      <button
        type="button"
        className="button secondary"
        disabled={busy}
        aria-expanded={dismissing}
        onClick={() => setDismissing(!dismissing)}
      >
        Dismiss…
      </button>
      {dismissing ? (
        <form
          className="alert-actions"
          onSubmit={(e) => {
            e.preventDefault();
            act('dismiss', { reason });
          }}
        >
          <label htmlFor={`reason-${alert.id}`}>Why is it dismissed? (kept with the alert)</label>
          <textarea
            id={`reason-${alert.id}`}
            value={reason}
            required
            minLength={3}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="button danger" disabled={busy}>
            Dismiss with this reason
          </button>
        </form>
      ) : null}
      {error ? <ProblemMessage error={error} /> : null}
    </div>
  );
}

function AlertCard({
  alert,
  canTriage,
  canLift = false,
  focused,
  onChange,
}: {
  alert: AlertView;
  canTriage: boolean;
  canLift?: boolean;
  focused: boolean;
  onChange: () => void;
}) {
  const item = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (focused) item.current?.scrollIntoView({ block: 'start' });
  }, [focused]);
  return (
    <li
      ref={item}
      id={`alert-${alert.id}`}
      className={`alert-card severity-${alert.severity}${focused ? ' focused' : ''}`}
      data-severity={alert.severity}
      aria-current={focused ? 'true' : undefined}
    >
      <p>
        <span className={`severity-tag severity-${alert.severity}`}>
          {severityLabels[alert.severity]}
        </span>
        <span className="badge">{statusLabels[alert.status]}</span>
      </p>
      <h2>{alert.summary}</h2>
      <dl className="alert-facts">
        <dt>Pupil</dt>
        <dd>{who(alert)}</dd>
        <dt>Group</dt>
        <dd>{alert.group ? (groupLabels[alert.group] ?? alert.group) : 'Not known'}</dd>
        <dt>Category</dt>
        <dd>{categoryLabels[alert.category] ?? alert.category}</dd>
        {alert.matchedPhrases.length > 0 ? (
          <>
            <dt>Matched phrases</dt>
            <dd>{alert.matchedPhrases.map((p) => `“${p}”`).join(', ')}</dd>
          </>
        ) : null}
        <dt>When</dt>
        <dd>
          {formatDateTime(alert.createdAt)}
          {alert.repeats > 1
            ? ` — ${plural(alert.repeats, 'time', 'times')} in all, last ${formatDateTime(alert.lastSeenAt)}`
            : ''}
        </dd>
        {alert.escalationLevel > 0 ? (
          <>
            <dt>Not acknowledged</dt>
            <dd>
              Sent on to{' '}
              {alert.escalationLevel === 1 ? 'the deputy DSLs' : 'the deputy DSLs and the head'} (
              {formatDateTime(alert.lastEscalatedAt)})
            </dd>
          </>
        ) : null}
        {alert.dismissedReason ? (
          <>
            <dt>Dismissed because</dt>
            <dd>{alert.dismissedReason}</dd>
          </>
        ) : null}
      </dl>
      {alert.guidance ? (
        <div className="alert-guidance" role="note">
          <strong>What to do now:</strong> {alert.guidance}
          {alert.isolateDevice ? (
            <p>
              This device ({alert.clientIp}
              {alert.deviceClass ? `, ${alert.deviceClass}` : ''}) is marked for isolation.
            </p>
          ) : null}
        </div>
      ) : null}
      {alert.isolateDevice ? <IsolationPanel alertId={alert.id} canLift={canLift} /> : null}
      {alert.status === 'escalated-to-incident' ? (
        <p className="hint">
          This alert became an incident: it is on the <Link to="/incidents">Incidents</Link> page,
          linked to this alert.
        </p>
      ) : null}
      {canTriage ? <AlertActions alert={alert} onDone={onChange} /> : null}
    </li>
  );
}

function summaryMark(s: AlertSummary): string {
  return `${s.latestId ?? ''}|${s.latestSeenAt ?? ''}|${s.openCritical}`;
}

export function AlertsPage() {
  const { can } = useSession();
  const [status, setStatus] = useState<AlertStatus | ''>('');
  const [severity, setSeverity] = useState<AlertSeverity | ''>('');
  const query = new URLSearchParams({
    limit: '100',
    ...(status ? { status } : {}),
    ...(severity ? { severity } : {}),
  }).toString();
  // The alert an email linked to (`/alerts?id=…`): shown outlined and scrolled to.
  const [opened] = useState(() => new URLSearchParams(window.location.search).get('id'));
  const seen = useRef<string | null>(null);
  // The summary is asked first, so that any change after it shows at the next poll.
  const list = useLoad(async () => {
    seen.current = summaryMark(await api.get<AlertSummary>('/api/alerts/summary'));
    return api.get<{ alerts: AlertView[] }>(`/api/alerts?${query}`);
  }, query);
  const reload = list.reload;

  // Ask every 2 s whether anything changed; load the (audited) list only when it has.
  useEffect(() => {
    const timer = setInterval(() => {
      void api
        .get<AlertSummary>('/api/alerts/summary')
        .then((s) => {
          if (seen.current !== null && seen.current !== summaryMark(s)) void reload();
        })
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const alerts = list.data?.alerts ?? [];
  const openCritical = alerts.filter((a) => a.severity === 'critical' && a.status === 'new');

  return (
    <>
      <h1>Alerts</h1>
      <p className="lede">
        What the filter’s monitoring raised for the safeguarding team, newest first. Critical alerts
        are emailed to the DSL at once and go to the deputies, then the head, if nobody acknowledges
        them. Every time this page lists alerts, the audit log records it.
      </p>
      {openCritical.length > 0 ? (
        <p className="critical-banner" role="alert">
          {plural(openCritical.length, 'critical alert', 'critical alerts')} waiting for
          acknowledgement.
        </p>
      ) : null}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="alert-status">Status</label>
          <select
            id="alert-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as AlertStatus | '')}
          >
            <option value="">Any</option>
            {Object.entries(statusLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="alert-severity">Severity</label>
          <select
            id="alert-severity"
            value={severity}
            onChange={(e) => setSeverity(e.target.value as AlertSeverity | '')}
          >
            <option value="">Any</option>
            {Object.entries(severityLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {list.error ? <ProblemMessage error={list.error} /> : null}
      {list.data && alerts.length === 0 ? <p className="empty">No alerts.</p> : null}
      <ul className="alert-list" aria-live="polite">
        {alerts.map((a) => (
          <AlertCard
            key={a.id}
            alert={a}
            canTriage={can('alerts.triage')}
            canLift={can('alerts.isolation.lift')}
            focused={a.id === opened}
            onChange={() => void reload()}
          />
        ))}
      </ul>
      {can('alerts.webhook.manage') ? <WebhookSecretSection /> : null}
    </>
  );
}

/** The red banner on the home page of those who read alerts: critical alerts not yet acknowledged. */
export function CriticalAlertsBanner() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let stopped = false;
    const ask = () =>
      void api
        .get<AlertSummary>('/api/alerts/summary')
        .then((s) => {
          if (!stopped) setCount(s.openCritical);
        })
        .catch(() => undefined);
    ask();
    const timer = setInterval(ask, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  if (count === 0) return null;
  return (
    <p className="critical-banner" role="alert">
      {plural(count, 'critical safeguarding alert', 'critical safeguarding alerts')} not yet
      acknowledged. <Link to="/alerts">Open the alerts</Link>
    </p>
  );
}
