import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import { useRouter } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { GovernorReportAnswer } from './types.ts';
import './reports.css';

function periodFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get('period');
}

/**
 * The termly governor report (GOV-2): the anonymised report as the server renders it — the same
 * markup the PDF is printed from — with the period picker, the downloads and the sign-off.
 */
export function GovernorReportPage() {
  const { me } = useSession();
  const { navigate } = useRouter();
  const [period, setPeriod] = useState<string | null>(periodFromUrl());
  // Back and forward between periods: the address bar says which one.
  useEffect(() => {
    const onPop = () => setPeriod(periodFromUrl());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [comment, setComment] = useState('');
  const [signed, setSigned] = useState(false);
  const query = period ? `?period=${encodeURIComponent(period)}` : '';
  const load = useLoad(
    () => api.get<GovernorReportAnswer>(`/api/reports/governor${query}`),
    `${query}|${signed ? 'signed' : ''}`,
  );
  const sign = useAction();
  const data = load.data;
  const key = data?.report.period.key ?? period ?? '';

  const choose = (next: string) => {
    setPeriod(next);
    setSigned(false);
    navigate(`/reports/governor?period=${encodeURIComponent(next)}`);
  };
  const onRange = (event: FormEvent) => {
    event.preventDefault();
    if (from && to) choose(`${from}..${to}`);
  };
  const onSign = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await sign.run(async () => {
      await api.post('/api/reports/governor/sign', { period: key, comment });
    });
    if (ok) {
      setSigned(true);
      setComment('');
    }
  };

  return (
    <>
      <h1>Governor report</h1>
      <p className="hint">
        The termly online safety report for governors, anonymised: no names, and any count from 1 to
        4 reads “fewer than 5”. Once the online safety governor signs it off, it is kept as signed.
      </p>
      <div className="report-controls">
        <div>
          <label htmlFor="report-term">Term</label>
          <select
            id="report-term"
            value={data?.terms.some((t) => t.key === key) ? key : ''}
            onChange={(e) => {
              if (e.target.value) choose(e.target.value);
            }}
          >
            <option value="">Choose a term…</option>
            {data?.terms.map((t) => (
              <option key={t.key} value={t.key}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
        <form onSubmit={onRange}>
          <fieldset>
            <legend>Or a range of dates</legend>
            <div>
              <label htmlFor="report-from">From</label>
              <input
                id="report-from"
                type="date"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                required
              />
            </div>
            <div>
              <label htmlFor="report-to">To</label>
              <input
                id="report-to"
                type="date"
                value={to}
                onChange={(e) => setTo(e.target.value)}
                required
              />
            </div>
            <button type="submit" className="button secondary">
              Show this range
            </button>
          </fieldset>
        </form>
        {data ? (
          <div className="actions">
            <a
              className="button"
              href={`/api/reports/governor/document.pdf?period=${encodeURIComponent(key)}`}
              download
            >
              Download PDF
            </a>
            <a
              className="button secondary"
              href={`/api/reports/governor/document.html?period=${encodeURIComponent(key)}`}
              target="_blank"
              rel="noreferrer"
            >
              Open as a web page
            </a>
          </div>
        ) : null}
      </div>
      {load.error ? <ProblemMessage error={load.error} /> : null}
      {signed ? (
        <p className="status ok" role="status">
          Signed off. The report is kept as it is now.
        </p>
      ) : null}
      {data ? (
        <>
          <div className="report-frame" dangerouslySetInnerHTML={{ __html: data.bodyHtml }} />
          {data.canSign ? (
            <section aria-labelledby="sign-title" className="card sign-form">
              <h2 id="sign-title">Sign off this report</h2>
              <p>
                You sign as <strong>{me.user.displayName}</strong>, online safety governor, today.
                The figures are kept exactly as shown above.
              </p>
              <form onSubmit={(e) => void onSign(e)}>
                <label htmlFor="sign-comment">Comment (optional)</label>
                <textarea
                  id="sign-comment"
                  value={comment}
                  maxLength={4000}
                  onChange={(e) => setComment(e.target.value)}
                />
                {sign.error ? <ProblemMessage error={sign.error} /> : null}
                <div className="actions">
                  <button type="submit" className="button" disabled={sign.busy}>
                    Sign off the report for {data.report.period.label}
                  </button>
                </div>
              </form>
            </section>
          ) : null}
          <section aria-labelledby="signed-title">
            <h2 id="signed-title">Signed reports</h2>
            {data.signed.length === 0 ? (
              <p>No report has been signed off yet.</p>
            ) : (
              <ul>
                {data.signed.map((s) => (
                  <li key={s.id}>
                    <a
                      href={`/reports/governor?period=${encodeURIComponent(s.periodKey)}`}
                      onClick={(e) => {
                        e.preventDefault();
                        choose(s.periodKey);
                      }}
                    >
                      {s.periodLabel}
                    </a>{' '}
                    — signed off by {s.signedByName} ({s.signedRole}), {formatDateTime(s.signedAt)}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
