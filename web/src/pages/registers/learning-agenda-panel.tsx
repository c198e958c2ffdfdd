import { useState } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { Link } from '../../router.tsx';
import type { RegisterListing } from './types.ts';

interface LearningPoint {
  id: string;
  incidentId: string;
  text: string;
  recordedAt: string;
}

function TakeToMeeting({
  point,
  meetings,
  onTaken,
}: {
  point: LearningPoint;
  meetings: { id: string; label: string }[];
  onTaken: (meeting: string) => void;
}) {
  const [meetingId, setMeetingId] = useState(meetings[0]?.id ?? '');
  const take = useAction();
  const selectId = `learning-meeting-${point.id}`;
  if (meetings.length === 0)
    return <p className="hint small">Record the meeting in this register to mark it as taken.</p>;
  const submit = async () => {
    const ok = await take.run(async () => {
      await api.post(`/api/incidents/learning/${point.id}/meeting`, { meetingId });
    });
    if (ok) onTaken(meetings.find((m) => m.id === meetingId)?.label ?? 'the meeting');
  };
  return (
    <form
      aria-label={`Mark as taken to a meeting: ${point.text.slice(0, 60)}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label htmlFor={selectId}>Taken to meeting</label>
      <select id={selectId} value={meetingId} onChange={(e) => setMeetingId(e.target.value)}>
        {meetings.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
          </option>
        ))}
      </select>
      <p>
        <button type="submit" className="button small" disabled={take.busy}>
          Mark as taken
        </button>
      </p>
      {take.error ? <ProblemMessage error={take.error} /> : null}
    </form>
  );
}

/**
 * Learning from incidents for the Online Safety Group: the open learning points are the agenda
 * of its next meeting; once discussed, each is marked as taken to a meeting of this register.
 */
export function LearningAgendaPanel({ canEdit }: { canEdit: boolean }) {
  const learning = useLoad(
    () => api.get<{ learning: LearningPoint[] }>('/api/incidents/learning'),
    'incident-learning',
  );
  const meetings = useLoad(
    () => api.get<RegisterListing>('/api/registers/osg-meetings'),
    'osg-meetings-for-learning',
  );
  const [notice, setNotice] = useState<string | null>(null);
  const choices = (meetings.data?.rows ?? [])
    .filter((row) => !row.archived)
    .map((row) => ({
      id: row.id,
      date: typeof row.data.date === 'string' ? row.data.date : '',
      label: [
        typeof row.data.date === 'string'
          ? new Date(`${row.data.date}T12:00:00Z`).toLocaleDateString('en-GB', {
              day: 'numeric',
              month: 'short',
              year: 'numeric',
            })
          : '',
        row.title,
      ]
        .filter(Boolean)
        .join(' — '),
    }))
    .sort((a, b) => b.date.localeCompare(a.date));
  const points = learning.data?.learning ?? [];
  return (
    <section className="card" aria-labelledby="learning-agenda-heading">
      <h2 id="learning-agenda-heading">For the next meeting’s agenda: learning from incidents</h2>
      {learning.error ? <ProblemMessage error={learning.error} /> : null}
      {notice ? (
        <p className="status ok" role="status">
          {notice}
        </p>
      ) : null}
      {learning.data && points.length === 0 ? (
        <p className="empty">No open learning points from incidents.</p>
      ) : null}
      {points.length > 0 ? (
        <ul>
          {points.map((point) => (
            <li key={point.id}>
              <p>
                {point.text}{' '}
                <span className="hint small">
                  (recorded {new Date(point.recordedAt).toLocaleDateString('en-GB')},{' '}
                  <Link to={`/incidents/${point.incidentId}`}>see the incident</Link>)
                </span>
              </p>
              {canEdit ? (
                <TakeToMeeting
                  point={point}
                  meetings={choices}
                  onTaken={(meeting) => {
                    setNotice(`Marked as taken to ${meeting}.`);
                    void learning.reload();
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
