import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.ts';
import { ProblemMessage } from '../components/problem-message.tsx';
import { roleLabel } from '../labels.ts';
import { useSession } from '../session.tsx';
import { MyAgreementsCard } from './aua/aua-home-cards.tsx';
import { MyTrainingCard } from './training/my-training-card.tsx';

export function AccountPage() {
  const { me } = useSession();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setDone(false);
    try {
      await api.put('/api/me/password', { currentPassword, newPassword });
      setCurrent('');
      setNew('');
      setDone(true);
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else throw e;
    }
  };

  return (
    <>
      <h1>My account</h1>
      <dl className="details card">
        <dt>Name</dt>
        <dd>{me.user.displayName}</dd>
        <dt>Username</dt>
        <dd>{me.user.username}</dd>
        <dt>Email</dt>
        <dd>{me.user.email ?? '—'}</dd>
        <dt>Roles</dt>
        <dd>{me.user.roles.map(roleLabel).join(', ')}</dd>
        <dt>Groups</dt>
        <dd>{me.user.groups.join(', ') || '—'}</dd>
        <dt>School</dt>
        <dd>{me.school?.name ?? 'All schools of the trust'}</dd>
      </dl>
      <form
        className="card narrow"
        onSubmit={(e) => void submit(e)}
        aria-labelledby="password-title"
      >
        <h2 id="password-title">Change your password</h2>
        <p className="hint">At least 10 characters. Your other sign-ins will be signed out.</p>
        {error ? <ProblemMessage error={error} /> : null}
        {done ? (
          <p className="status ok" role="status">
            Your password has been changed.
          </p>
        ) : null}
        <label htmlFor="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
        />
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
        />
        <button className="button" type="submit">
          Change password
        </button>
      </form>
      <MyAgreementsCard />
      <MyTrainingCard />
    </>
  );
}
