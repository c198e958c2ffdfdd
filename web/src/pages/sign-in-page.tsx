import { useState, type FormEvent } from 'react';
import { api, ApiError, type Me } from '../api.ts';
import { ProblemMessage } from '../components/problem-message.tsx';

export function SignInPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.post<Me>('/api/session', { username, password }));
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else throw e;
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-card">
        <div className="brand large">
          <svg aria-hidden="true" viewBox="0 0 32 32" width="40" height="40">
            <path
              d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z"
              fill="currentColor"
            />
          </svg>
          <span>Haven</span>
        </div>
        <h1>Sign in</h1>
        <p className="lede">Your school's online safety platform.</p>
        <form onSubmit={(e) => void submit(e)} noValidate>
          {error ? <ProblemMessage error={error} /> : null}
          <label htmlFor="username">Username</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button className="button" type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="hint">
          Forgotten your password? Ask your school's IT provider or online safety lead to reset it.
        </p>
      </div>
    </main>
  );
}
