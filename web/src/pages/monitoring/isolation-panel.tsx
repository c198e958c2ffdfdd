import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';

/** An isolation a suspected-CSAM alert placed (`GET /api/alerts/:id/isolations`). */
interface Isolation {
  id: string;
  clientIp: string;
  userId: string | null;
  deviceClass: string | null;
  createdAt: string;
  liftedAt: string | null;
  liftReason: string | null;
  inForce: boolean;
}

/**
 * MON-4 on an alert card: whether capture is halted for the person and device, and — for the
 * DSL — lifting the isolation with a reason (audited; capture resumes within seconds).
 */
export function IsolationPanel({ alertId, canLift }: { alertId: string; canLift: boolean }) {
  const list = useLoad(
    () => api.get<{ isolations: Isolation[] }>(`/api/alerts/${alertId}/isolations`),
    alertId,
  );
  const lift = useAction();
  const [reason, setReason] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await lift.run(async () => {
      await api.post(`/api/alerts/${alertId}/isolations/lift`, { reason });
    });
    if (ok) {
      setReason('');
      await list.reload();
    }
  };
  if (list.error) return <ProblemMessage error={list.error} />;
  const isolations = list.data?.isolations ?? [];
  if (isolations.length === 0) return null;
  const inForce = isolations.some((i) => i.inForce);
  return (
    <div className="isolation-panel">
      {isolations.map((i) => (
        <p key={i.id}>
          {i.inForce ? (
            <>
              <strong>Capture halted</strong> for this person and device ({i.clientIp}
              {i.deviceClass ? `, ${i.deviceClass}` : ''}) since {formatDateTime(i.createdAt)}:
              their activity keeps only the time, site, decision and category.
            </>
          ) : (
            <>
              Isolation lifted {formatDateTime(i.liftedAt)}
              {i.liftReason ? ` — “${i.liftReason}”` : ''}. Capture has resumed.
            </>
          )}
        </p>
      ))}
      {inForce && canLift ? (
        <form onSubmit={(e) => void submit(e)}>
          <label htmlFor={`lift-${alertId}`}>Why lift the isolation? (kept in the audit log)</label>
          <textarea
            id={`lift-${alertId}`}
            value={reason}
            required
            minLength={3}
            onChange={(e) => setReason(e.target.value)}
          />
          <button type="submit" className="button secondary" disabled={lift.busy}>
            Lift the isolation
          </button>
          {lift.error ? <ProblemMessage error={lift.error} /> : null}
        </form>
      ) : null}
    </div>
  );
}
