import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type ApiError } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { problemOf } from './public-params.ts';

/** POST /api/network/sign-in's answer. */
interface DeviceSignIn {
  address: string;
  username: string;
  displayName: string;
  expiresAt: string;
}

/** "16:38 today", "08:10 tomorrow" or "16:38 on 24 November". */
export function untilWords(iso: string, now: Date = new Date()): string {
  const until = new Date(iso);
  const time = until.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  const dayOf = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((dayOf(until) - dayOf(now)) / 86_400_000);
  if (days === 0) return `${time} today`;
  if (days === 1) return `${time} tomorrow`;
  return `${time} on ${until.toLocaleDateString('en-GB', { day: 'numeric', month: 'long' })}`;
}

/**
 * The captive sign-in for devices on the school network: signing in ties this device's address
 * to the person for some hours, so the filter applies their groups' rules.
 */
export function NetworkSignInPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [signedIn, setSignedIn] = useState<DeviceSignIn | null>(null);
  const [signedOut, setSignedOut] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const changed = useRef(false);

  // Signing in or out replaces the page's content: focus its new heading.
  useEffect(() => {
    if (changed.current) heading.current?.focus();
  }, [signedIn]);

  const signIn = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<DeviceSignIn>('/api/network/sign-in', { username, password });
      changed.current = true;
      setPassword('');
      setSignedOut(false);
      setSignedIn(answer);
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  const signOut = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.delete('/api/network/sign-in');
      changed.current = true;
      setSignedOut(true);
      setSignedIn(null);
    } catch (e) {
      setError(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (signedIn) {
    return (
      <article className="public-card public-narrow">
        <h1 ref={heading} tabIndex={-1}>
          You are signed in
        </h1>
        <p className="public-signed-in" role="status">
          This device is signed in as <strong>{signedIn.displayName}</strong> until{' '}
          <strong>{untilWords(signedIn.expiresAt)}</strong>.
        </p>
        <p className="public-hint">
          The school&apos;s web filter now uses {signedIn.displayName}&apos;s settings on this
          device (address <code>{signedIn.address}</code>). If this is a shared device, sign it out
          when you have finished.
        </p>
        {error ? <ProblemMessage error={error} /> : null}
        <div className="public-step-buttons">
          <button
            className="public-button secondary"
            type="button"
            disabled={busy}
            onClick={() => void signOut()}
          >
            {busy ? 'Signing out…' : 'Sign this device out'}
          </button>
        </div>
      </article>
    );
  }

  return (
    <article className="public-card public-narrow">
      <h1 ref={heading} tabIndex={-1}>
        Sign in to the school network
      </h1>
      <p className="public-lead">
        Sign in with your school username and password so that this device can use the internet.
      </p>
      {signedOut ? (
        <p className="status ok" role="status">
          This device is signed out.
        </p>
      ) : null}
      <form onSubmit={(e) => void signIn(e)} noValidate>
        {error ? <ProblemMessage error={error} /> : null}
        <label htmlFor="network-username">Username</label>
        <input
          id="network-username"
          className="public-input"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="network-password">Password</label>
        <input
          id="network-password"
          className="public-input"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="public-step-buttons">
          <button className="public-button primary" type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in this device'}
          </button>
        </div>
      </form>
      <p className="public-hint">
        Forgotten your password? Ask your teacher or the school&apos;s IT provider to reset it.
      </p>
    </article>
  );
}
