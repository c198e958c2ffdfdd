import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDate, formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import type { AuaVersion, MyAgreements } from './aua-api.ts';
import { AuaText } from './aua-text.tsx';
import './aua.css';

function SignForm({ version, onSigned }: { version: AuaVersion; onSigned: () => void }) {
  const { me } = useSession();
  const [typedName, setTypedName] = useState('');
  const [agree, setAgree] = useState(false);
  const { run, error, busy } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post(`/api/aua/versions/${version.id}/sign`, { typedName, agree });
    }).then((ok) => {
      if (ok) onSigned();
    });
  };
  const id = `sign-${version.id}`;
  return (
    <form className="aua-sign" onSubmit={submit} aria-label={`Sign ${version.title}`}>
      {error ? <ProblemMessage error={error} /> : null}
      <div className="check">
        <input
          id={`${id}-agree`}
          type="checkbox"
          checked={agree}
          onChange={(e) => setAgree(e.target.checked)}
        />
        <label htmlFor={`${id}-agree`}>I have read this agreement and I agree to follow it.</label>
      </div>
      <label htmlFor={`${id}-name`}>Type your full name to sign</label>
      <p className="hint" id={`${id}-hint`}>
        As it appears on your account: {me.user.displayName}
      </p>
      <input
        id={`${id}-name`}
        aria-describedby={`${id}-hint`}
        autoComplete="name"
        value={typedName}
        onChange={(e) => setTypedName(e.target.value)}
      />
      <div className="actions">
        <button className="button" type="submit" disabled={busy}>
          Sign the agreement
        </button>
      </div>
    </form>
  );
}

/** The agreements waiting for the signed-in person (pupils, staff, parents, visitors alike). */
export function AuaSignPage() {
  const { data, error, reload } = useLoad(() => api.get<MyAgreements>('/api/aua/mine'), 'aua-mine');
  const [justSigned, setJustSigned] = useState<string | null>(null);
  return (
    <>
      <h1>Acceptable use agreements</h1>
      <p className="lede">
        Read each agreement, tick to say you agree, and type your name to sign it.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      {justSigned ? (
        <p className="status ok" role="status">
          Thank you: you have signed “{justSigned}”.
        </p>
      ) : null}
      {data && data.agreements.length === 0 ? (
        <p className="card">There is no agreement for you to sign.</p>
      ) : null}
      {data?.agreements.map(({ version, signedAt }) => (
        <article
          key={version.id}
          className="card aua-agreement"
          aria-labelledby={`t-${version.id}`}
        >
          <h2 id={`t-${version.id}`}>{version.title}</h2>
          <p className="muted">
            {version.audienceLabel} · version {version.number} ·{' '}
            {version.inForce
              ? `in force since ${formatDate(version.effectiveFrom)}`
              : `takes effect on ${formatDate(version.effectiveFrom)}`}
          </p>
          <AuaText body={version.body} title={version.title} />
          {signedAt ? (
            <p className="status ok">You signed this on {formatDateTime(signedAt)}.</p>
          ) : (
            <SignForm
              version={version}
              onSigned={() => {
                setJustSigned(version.title);
                void reload();
              }}
            />
          )}
        </article>
      ))}
    </>
  );
}
