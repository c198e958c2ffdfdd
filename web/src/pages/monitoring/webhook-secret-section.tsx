import { useState } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';

interface SecretStatus {
  configured: boolean;
  exists: boolean;
  createdAt: string | null;
  shown: boolean;
}

interface Secret {
  secret: string;
  createdAt: string;
  header: string;
}

/**
 * The alert webhook's signing secret, for the DSL: shown once, rotatable. The receiving system
 * checks `X-Haven-Signature` with it (docs/alerts.md "Checking a webhook's signature").
 */
export function WebhookSecretSection() {
  const status = useLoad(() => api.get<SecretStatus>('/api/alerts/webhook-secret'), 'secret');
  const action = useAction();
  const [shown, setShown] = useState<Secret | null>(null);
  const ask = (path: 'reveal' | 'rotate') =>
    void action
      .run(async () => {
        setShown(await api.post<Secret>(`/api/alerts/webhook-secret/${path}`));
      })
      .then(() => status.reload());
  const s = status.data;
  return (
    <section className="webhook-secret" aria-labelledby="webhook-secret-heading">
      <h2 id="webhook-secret-heading">Webhook signing secret</h2>
      <p className="hint">
        {s && !s.configured
          ? 'No alert webhook is configured (alerts.webhookUrl); the secret is ready for when one is. '
          : ''}
        Every alert webhook is signed with this secret (header X-Haven-Signature), so the system
        receiving it can check it came from Haven. It is shown once: keep it in that system.
      </p>
      {status.error ? <ProblemMessage error={status.error} /> : null}
      {s ? (
        <p>
          {s.exists
            ? `Made ${formatDateTime(s.createdAt)}; ${s.shown ? 'already shown.' : 'not shown yet.'}`
            : 'Not made yet: it is made the first time it is needed.'}
        </p>
      ) : null}
      {shown ? (
        <div role="status">
          <p>
            The secret (copy it now, it will not be shown again):{' '}
            <code className="activity-token">{shown.secret}</code>
          </p>
        </div>
      ) : null}
      {action.error ? <ProblemMessage error={action.error} /> : null}
      {s && !s.shown ? (
        <button
          type="button"
          className="button"
          disabled={action.busy}
          onClick={() => ask('reveal')}
        >
          Show the secret once
        </button>
      ) : null}{' '}
      {s && s.exists ? (
        <button
          type="button"
          className="button secondary"
          disabled={action.busy}
          onClick={() => {
            if (
              window.confirm('Make a new secret? The receiving system must then use the new one.')
            )
              ask('rotate');
          }}
        >
          Rotate the secret
        </button>
      ) : null}
    </section>
  );
}
