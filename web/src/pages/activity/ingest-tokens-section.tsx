import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { sourceKindLabels, type IngestToken, type SourceKind } from './types.ts';

const kinds = Object.keys(sourceKindLabels) as SourceKind[];

function when(iso: string | null): string {
  return iso === null ? 'Never' : new Date(iso).toLocaleString('en-GB');
}

/**
 * Tokens for the other systems that send activity to `POST /api/activity/ingest` (MON-6): for the
 * technician and the DSL. A new token is shown once, here, and never again.
 */
export function IngestTokensSection() {
  const tokens = useLoad(
    () => api.get<{ tokens: IngestToken[] }>('/api/activity/tokens'),
    'tokens',
  );
  const [name, setName] = useState('');
  const [sourceKind, setSourceKind] = useState<SourceKind>('extension');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const create = useAction();
  const revoke = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await create.run(async () => {
      const answer = await api.post<{ token: string; ingestToken: IngestToken }>(
        '/api/activity/tokens',
        { name, sourceKind },
      );
      setCreated({ name: answer.ingestToken.name, token: answer.token });
      setName('');
      await tokens.reload();
    });
  };
  const revokeToken = async (token: IngestToken) => {
    if (!window.confirm(`Revoke “${token.name}”? It will no longer be able to send activity.`))
      return;
    await revoke.run(async () => {
      await api.delete(`/api/activity/tokens/${token.id}`);
      await tokens.reload();
    });
  };
  return (
    <section className="activity-section" aria-labelledby="ingest-tokens-heading">
      <h2 id="ingest-tokens-heading">Other systems sending activity</h2>
      <p className="hint">
        A browser extension, another monitoring service or a Squid server can send its activity to{' '}
        <code>/api/activity/ingest</code> with a token of its own.
      </p>
      {created ? (
        <div className="status ok" role="status">
          <p>
            The token for <strong>{created.name}</strong> is shown only now: copy it into that
            system’s settings.
          </p>
          <p>
            <code className="detail activity-token">{created.token}</code>
          </p>
        </div>
      ) : null}
      {tokens.error ? <ProblemMessage error={tokens.error} /> : null}
      {revoke.error ? <ProblemMessage error={revoke.error} /> : null}
      {tokens.data && tokens.data.tokens.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>Tokens, in use first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Sends</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.tokens.map((token) => (
                <tr key={token.id}>
                  <th scope="row">{token.name}</th>
                  <td>{sourceKindLabels[token.sourceKind]}</td>
                  <td>{when(token.createdAt)}</td>
                  <td>{when(token.lastUsedAt)}</td>
                  <td>
                    {token.revokedAt ? (
                      `Revoked ${when(token.revokedAt)}`
                    ) : (
                      <button
                        type="button"
                        className="button small secondary"
                        disabled={revoke.busy}
                        onClick={() => void revokeToken(token)}
                      >
                        Revoke<span className="visually-hidden"> {token.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : tokens.data ? (
        <p className="empty">No tokens yet.</p>
      ) : null}
      <h3>New token</h3>
      <form onSubmit={(e) => void submit(e)}>
        <div className="field-row">
          <div>
            <label htmlFor="token-name">Name</label>
            <input
              id="token-name"
              required
              maxLength={100}
              value={name}
              placeholder="e.g. Chromebooks, Year 7"
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="token-kind">It sends</label>
            <select
              id="token-kind"
              value={sourceKind}
              onChange={(e) => setSourceKind(kinds.find((k) => k === e.target.value) ?? 'ingest')}
            >
              {kinds.map((kind) => (
                <option key={kind} value={kind}>
                  {sourceKindLabels[kind]}
                </option>
              ))}
            </select>
          </div>
        </div>
        {create.error ? <ProblemMessage error={create.error} /> : null}
        <button type="submit" className="button" disabled={create.busy}>
          Create token
        </button>
      </form>
    </section>
  );
}
