import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import type { LegalHold, Retention } from './types.ts';

function RetentionForm({ retention, onSaved }: { retention: Retention; onSaved: () => void }) {
  const [activityDays, setActivityDays] = useState(String(retention.activityDays));
  const [searchTermsDays, setSearchTermsDays] = useState(String(retention.searchTermsDays));
  const [alertsDays, setAlertsDays] = useState(String(retention.alertsDays));
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const ok = await save.run(async () => {
      await api.put<Retention>('/api/activity/retention', {
        activityDays: Number(activityDays),
        searchTermsDays: Number(searchTermsDays),
        alertsDays: Number(alertsDays),
      });
    });
    if (ok) {
      setSaved(true);
      onSaved();
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <div className="field-row">
        <div>
          <label htmlFor="retention-activity">Keep activity for (days)</label>
          <input
            id="retention-activity"
            type="number"
            min={1}
            max={36500}
            required
            value={activityDays}
            onChange={(e) => setActivityDays(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="retention-search-terms">Keep search terms for (days)</label>
          <input
            id="retention-search-terms"
            type="number"
            min={1}
            max={36500}
            required
            aria-describedby="retention-search-terms-hint"
            value={searchTermsDays}
            onChange={(e) => setSearchTermsDays(e.target.value)}
          />
          <p id="retention-search-terms-hint" className="hint small">
            No longer than the activity itself.
          </p>
        </div>
        <div>
          <label htmlFor="retention-alerts">Keep resolved alerts for (days)</label>
          <input
            id="retention-alerts"
            type="number"
            min={1}
            max={36500}
            required
            aria-describedby="retention-alerts-hint"
            value={alertsDays}
            onChange={(e) => setAlertsDays(e.target.value)}
          />
          <p id="retention-alerts-hint" className="hint small">
            Dismissed and acknowledged alerts, counted from when they were last seen. Alerts
            escalated to an incident, and those of a person under a legal hold, are kept.
          </p>
        </div>
      </div>
      {save.error ? <ProblemMessage error={save.error} /> : null}
      <button type="submit" className="button" disabled={save.busy}>
        Save retention
      </button>{' '}
      {saved ? <span role="status">Saved.</span> : null}
    </form>
  );
}

function LegalHolds() {
  const holds = useLoad(
    () => api.get<{ holds: LegalHold[] }>('/api/activity/legal-holds'),
    'holds',
  );
  const [username, setUsername] = useState('');
  const [reason, setReason] = useState('');
  const place = useAction();
  const lift = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await place.run(async () => {
      await api.post('/api/activity/legal-holds', { username, reason });
    });
    if (ok) {
      setUsername('');
      setReason('');
      await holds.reload();
    }
  };
  const liftHold = async (hold: LegalHold) => {
    const why = window.prompt(`Why lift the hold on ${hold.displayName ?? hold.userId}?`);
    if (why === null) return;
    const ok = await lift.run(async () => {
      await api.delete(`/api/activity/legal-holds/${hold.id}?reason=${encodeURIComponent(why)}`);
    });
    if (ok) await holds.reload();
  };
  return (
    <>
      <h3>Legal holds</h3>
      <p className="hint">
        A legal hold keeps every event of a person, whatever the retention, until it is lifted.
      </p>
      {holds.error ? <ProblemMessage error={holds.error} /> : null}
      {lift.error ? <ProblemMessage error={lift.error} /> : null}
      {holds.data && holds.data.holds.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>Legal holds, active first</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Reason</th>
                <th scope="col">Placed</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {holds.data.holds.map((hold) => (
                <tr key={hold.id}>
                  <th scope="row">
                    {hold.displayName ?? 'Unknown person'}
                    {hold.username ? <span className="muted"> ({hold.username})</span> : null}
                  </th>
                  <td>{hold.reason}</td>
                  <td>{new Date(hold.placedAt).toLocaleDateString('en-GB')}</td>
                  <td>
                    {hold.liftedAt ? (
                      `Lifted ${new Date(hold.liftedAt).toLocaleDateString('en-GB')}`
                    ) : (
                      <button
                        type="button"
                        className="button small secondary"
                        disabled={lift.busy}
                        onClick={() => void liftHold(hold)}
                      >
                        Lift hold
                        <span className="visually-hidden"> on {hold.displayName}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : holds.data ? (
        <p className="empty">No legal holds.</p>
      ) : null}
      <form onSubmit={(e) => void submit(e)}>
        <div className="field-row">
          <div>
            <label htmlFor="hold-username">Username</label>
            <input
              id="hold-username"
              required
              autoComplete="off"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="hold-reason">Reason</label>
            <input
              id="hold-reason"
              required
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
        </div>
        {place.error ? <ProblemMessage error={place.error} /> : null}
        <button type="submit" className="button" disabled={place.busy}>
          Place legal hold
        </button>
      </form>
    </>
  );
}

/** How long activity is kept (MON-5), and legal holds: for the DSL and the head. */
export function RetentionSection() {
  const retention = useLoad(() => api.get<Retention>('/api/activity/retention'), 'retention');
  return (
    <section className="activity-section" aria-labelledby="retention-heading">
      <h2 id="retention-heading">Retention and legal holds</h2>
      {retention.error ? <ProblemMessage error={retention.error} /> : null}
      {retention.data ? (
        <>
          <p className="hint">
            {retention.data.custom
              ? 'The school’s own periods apply.'
              : 'Haven’s defaults apply until you set the school’s own periods.'}{' '}
            Older events and resolved alerts are removed each night.
          </p>
          <RetentionForm retention={retention.data} onSaved={() => void retention.reload()} />
        </>
      ) : null}
      <LegalHolds />
    </section>
  );
}
