import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import './incidents.css';

interface Mine {
  mayReportAnonymously: boolean;
  reports: { id: string; createdAt: string; summary: string; status: string }[];
}

const statusLabels: Record<string, string> = {
  received: 'Received',
  'being-dealt-with': 'Being dealt with',
  closed: 'Closed',
};

/**
 * Report a concern (INC-1): anyone signed in. Pupils and parents may stay anonymous: then
 * nothing that identifies them is kept. Below, the reporter follows the status of their reports.
 */
export function ReportConcernPage() {
  const mine = useLoad(() => api.get<Mine>('/api/incidents/mine'), 'mine');
  const { run, error, busy } = useAction();
  const [summary, setSummary] = useState('');
  const [about, setAbout] = useState('pupils');
  const [anonymous, setAnonymous] = useState(false);
  const [sent, setSent] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post('/api/incidents/report', { summary, concernAbout: about, anonymous });
    }).then((ok) => {
      if (ok) {
        setSent(true);
        setSummary('');
        void mine.reload();
      }
    });
  };

  return (
    <section className="incidents">
      <h1>Report a concern</h1>
      <p className="lede">
        Tell the school about something online that worries you: something you saw, something sent
        to you or to someone else, or how someone is behaving. The Designated Safeguarding Lead
        reads every report.
      </p>
      <form className="card report-form" onSubmit={submit} aria-labelledby="report-title">
        <h2 id="report-title">Your concern</h2>
        {sent ? (
          <p className="status ok" role="status">
            Thank you: your concern was sent. {anonymous ? 'It does not say who you are.' : ''}
          </p>
        ) : null}
        {error ? <ProblemMessage error={error} /> : null}
        <label htmlFor="concern-summary">What happened?</label>
        <textarea
          id="concern-summary"
          rows={6}
          required
          maxLength={4000}
          value={summary}
          onChange={(e) => {
            setSummary(e.target.value);
            setSent(false);
          }}
        />
        <fieldset>
          <legend>Who is it about?</legend>
          {[
            ['pupils', 'A pupil or pupils (or I don’t know)'],
            ['staff', 'A member of staff: it goes to the headteacher'],
            ['head', 'The headteacher: it goes to the chair of governors'],
          ].map(([value, label]) => (
            <div className="choice" key={value}>
              <input
                type="radio"
                id={`about-${value}`}
                name="about"
                value={value}
                checked={about === value}
                onChange={() => setAbout(value ?? 'pupils')}
              />
              <label htmlFor={`about-${value}`}>{label}</label>
            </div>
          ))}
        </fieldset>
        {mine.data?.mayReportAnonymously ? (
          <div className="choice">
            <input
              type="checkbox"
              id="concern-anonymous"
              checked={anonymous}
              onChange={(e) => setAnonymous(e.target.checked)}
            />
            <label htmlFor="concern-anonymous">
              Send it without my name (nobody will know who sent it, so nobody can ask you more)
            </label>
          </div>
        ) : null}
        <button className="button" type="submit" disabled={busy || summary.trim() === ''}>
          {busy ? 'Sending…' : 'Send the concern'}
        </button>
      </form>
      <section className="card" aria-labelledby="mine-title">
        <h2 id="mine-title">Concerns you reported</h2>
        {mine.error ? <ProblemMessage error={mine.error} /> : null}
        {mine.data && mine.data.reports.length === 0 ? (
          <p className="hint">None yet (reports sent without your name are not listed).</p>
        ) : null}
        <ul className="plain">
          {mine.data?.reports.map((r) => (
            <li key={r.id} className="own-report">
              <span className="badge">{statusLabels[r.status] ?? r.status}</span>{' '}
              <span className="hint">{formatDateTime(r.createdAt)}</span>
              <p>{r.summary}</p>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
