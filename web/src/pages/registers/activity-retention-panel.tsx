import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';

interface ActivityRetention {
  activityDays: number;
  searchTermsDays: number;
  alertsDays: number;
  custom: boolean;
  legalHolds: {
    id: string;
    person: string;
    reason: string;
    placedAt: string;
    liftedAt: string | null;
  }[];
}

function RetentionForm({
  retention,
  onSaved,
}: {
  retention: ActivityRetention;
  onSaved: () => void;
}) {
  const [activityDays, setActivityDays] = useState(String(retention.activityDays));
  const [searchTermsDays, setSearchTermsDays] = useState(String(retention.searchTermsDays));
  const [alertsDays, setAlertsDays] = useState(String(retention.alertsDays));
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const ok = await save.run(async () => {
      await api.put('/api/registers/retention-schedule/activity', {
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
          <label htmlFor="dp-activity-days">Web activity (days)</label>
          <input
            id="dp-activity-days"
            type="number"
            min={1}
            max={36500}
            required
            value={activityDays}
            onChange={(e) => setActivityDays(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="dp-search-days">Search terms (days)</label>
          <input
            id="dp-search-days"
            type="number"
            min={1}
            max={36500}
            required
            value={searchTermsDays}
            onChange={(e) => setSearchTermsDays(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="dp-alerts-days">Resolved alerts (days)</label>
          <input
            id="dp-alerts-days"
            type="number"
            min={1}
            max={36500}
            required
            value={alertsDays}
            onChange={(e) => setAlertsDays(e.target.value)}
          />
        </div>
      </div>
      {save.error ? <ProblemMessage error={save.error} /> : null}
      <button type="submit" className="button" disabled={save.busy}>
        Save retention
      </button>{' '}
      {saved ? <span role="status">Saved: the next nightly purge applies it.</span> : null}
    </form>
  );
}

/** Haven's own retention (what the nightly purge applies) and the legal holds that stop it. */
export function ActivityRetentionPanel({ canEdit }: { canEdit: boolean }) {
  const retention = useLoad(
    () => api.get<ActivityRetention>('/api/registers/retention-schedule/activity'),
    'activity-retention',
  );
  const data = retention.data;
  return (
    <section className="card" aria-labelledby="haven-retention-heading">
      <h2 id="haven-retention-heading">Haven’s own records</h2>
      {retention.error ? <ProblemMessage error={retention.error} /> : null}
      {data ? (
        <>
          <p>
            Web activity is kept for <strong>{data.activityDays} days</strong>, search terms for{' '}
            <strong>{data.searchTermsDays} days</strong> and dismissed or acknowledged alerts for{' '}
            <strong>{data.alertsDays} days</strong>
            {data.custom ? ' (the school’s setting)' : ' (Haven’s defaults)'}; older records are
            purged each night, except for people under a legal hold.
          </p>
          {canEdit ? (
            <RetentionForm retention={data} onSaved={() => void retention.reload()} />
          ) : null}
          <h3>Legal holds</h3>
          {data.legalHolds.length === 0 ? (
            <p className="empty">No legal holds.</p>
          ) : (
            <ul>
              {data.legalHolds.map((h) => (
                <li key={h.id}>
                  <strong>{h.person}</strong>: {h.reason} — placed{' '}
                  {new Date(h.placedAt).toLocaleDateString('en-GB')}
                  {h.liftedAt
                    ? `, lifted ${new Date(h.liftedAt).toLocaleDateString('en-GB')}`
                    : ' (active)'}
                </li>
              ))}
            </ul>
          )}
          <p className="hint small">Legal holds are placed and lifted on the Activity page.</p>
        </>
      ) : null}
    </section>
  );
}
