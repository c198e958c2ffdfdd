import { useState } from 'react';
import { api, type AuditEntry } from '../api.ts';
import { ProblemMessage } from '../components/problem-message.tsx';
import { useLoad } from '../components/use-load.ts';

interface Verification {
  ok: boolean;
  entries: number;
  brokenSeq?: number;
  reason?: string;
}

export function AuditPage() {
  const [action, setAction] = useState('');
  const [before, setBefore] = useState<number | null>(null);
  const query = new URLSearchParams({
    limit: '50',
    ...(action ? { action } : {}),
    ...(before ? { before: String(before) } : {}),
  }).toString();
  const log = useLoad(
    () => api.get<{ entries: AuditEntry[]; nextBefore: number | null }>(`/api/audit?${query}`),
    query,
  );
  const verify = useLoad(() => api.get<Verification>('/api/audit/verify'), 'verify');

  return (
    <>
      <h1>Audit log</h1>
      <p className="lede">
        Every change in Haven, and every time someone opens a safeguarding record, is written here.
        Each entry carries a hash of the one before, so a change to any entry afterwards shows.
      </p>
      {verify.data ? (
        <p className={verify.data.ok ? 'status ok' : 'status bad'} role="status">
          {verify.data.ok
            ? `The chain is intact: ${verify.data.entries} entries checked.`
            : `The chain is broken at entry ${verify.data.brokenSeq ?? '?'}: ${verify.data.reason ?? ''}.`}{' '}
          <button
            type="button"
            className="button small secondary"
            onClick={() => void verify.reload()}
          >
            Check again
          </button>
        </p>
      ) : null}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="action-filter">Action starts with</label>
          <input
            id="action-filter"
            value={action}
            placeholder="e.g. user. or session."
            onChange={(e) => {
              setBefore(null);
              setAction(e.target.value);
            }}
          />
        </div>
      </form>
      {log.error ? <ProblemMessage error={log.error} /> : null}
      {log.data ? (
        <>
          <div className="table-wrap">
            <table>
              <caption>Newest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Record</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {log.data.entries.map((e) => (
                  <tr key={e.seq}>
                    <td>{e.seq}</td>
                    <td>{new Date(e.at).toLocaleString('en-GB')}</td>
                    <td>{e.actor}</td>
                    <th scope="row">{e.action}</th>
                    <td>{e.subjectType}</td>
                    <td>
                      <code className="detail">{JSON.stringify(e.detail)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {log.data.nextBefore ? (
            <button
              type="button"
              className="button secondary"
              onClick={() => setBefore(log.data?.nextBefore ?? null)}
            >
              Older entries
            </button>
          ) : null}
        </>
      ) : null}
    </>
  );
}
