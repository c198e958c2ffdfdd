import { useState, type FormEvent } from 'react';
import { api, ApiError, type Group, type User } from '../api.ts';
import { ProblemMessage } from '../components/problem-message.tsx';
import { useLoad } from '../components/use-load.ts';
import { allRoles, roleLabel } from '../labels.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

function ImportForm({ onDone }: { onDone: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    try {
      const r = await api.postCsv<{ created: number; updated: number; unchanged: number }>(
        '/api/users/import',
        await file.text(),
      );
      setResult(`Imported: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged.`);
      onDone();
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else throw e;
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="import-title">
      <h2 id="import-title">Import from your MIS</h2>
      <p className="hint">
        A CSV file with the columns name (or forename and surname), username, email, and year group
        (pupils) or staff role (adults). Importing the same file again updates people; if any row is
        wrong, nothing is imported.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      {result ? (
        <p className="status ok" role="status">
          {result}
        </p>
      ) : null}
      <label htmlFor="import-file">CSV file</label>
      <input
        id="import-file"
        type="file"
        accept=".csv,text/csv"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
      <button className="button" type="submit" disabled={!file}>
        Import
      </button>
    </form>
  );
}

function AddPersonForm({ groups, onDone }: { groups: Group[]; onDone: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    email: '',
    role: 'pupil',
    group: '',
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.post('/api/users', {
        username: form.username,
        displayName: form.displayName,
        email: form.email || null,
        roles: [form.role],
        groups: form.group ? [form.group] : [],
      });
      setForm({ username: '', displayName: '', email: '', role: 'pupil', group: '' });
      onDone();
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else throw e;
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="add-title">
      <h2 id="add-title">Add a person</h2>
      {error ? <ProblemMessage error={error} /> : null}
      <div className="field-row">
        <div>
          <label htmlFor="add-name">Full name</label>
          <input
            id="add-name"
            required
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="add-username">Username</label>
          <input
            id="add-username"
            required
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="add-email">Email (optional)</label>
          <input
            id="add-email"
            type="email"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </div>
        <div>
          <label htmlFor="add-role">Role</label>
          <select
            id="add-role"
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value })}
          >
            {allRoles
              .filter((r) => r !== 'trust-admin')
              .map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
          </select>
        </div>
        <div>
          <label htmlFor="add-group">Group</label>
          <select
            id="add-group"
            value={form.group}
            onChange={(e) => setForm({ ...form, group: e.target.value })}
          >
            <option value="">None</option>
            {groups.map((g) => (
              <option key={g.slug} value={g.slug}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <button className="button" type="submit">
        Add person
      </button>
    </form>
  );
}

export function PeoplePage() {
  const { can, me } = useSession();
  const [search, setSearch] = useState('');
  const [group, setGroup] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const query = new URLSearchParams({
    limit: '200',
    ...(search ? { search } : {}),
    ...(group ? { group } : {}),
  }).toString();
  const people = useLoad(
    () => api.get<{ users: User[]; total: number }>(`/api/users?${query}`),
    query,
  );
  const groups = useLoad(() => api.get<{ groups: Group[] }>('/api/groups'), 'groups');

  const change = async (user: User, body: Record<string, unknown>, done: string) => {
    setActionError(null);
    try {
      await api.patch(`/api/users/${user.id}`, body);
      setMessage(done);
      await people.reload();
    } catch (e) {
      if (e instanceof ApiError) setActionError(e);
      else throw e;
    }
  };

  return (
    <>
      <h1>People</h1>
      <p className="lede">Everyone with an account at {me.school?.name ?? 'this school'}.</p>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="search">Search by name, username or email</label>
          <input
            id="search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor="group-filter">Group</label>
          <select id="group-filter" value={group} onChange={(e) => setGroup(e.target.value)}>
            <option value="">All groups</option>
            {groups.data?.groups.map((g) => (
              <option key={g.slug} value={g.slug}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
      </form>
      {message ? (
        <p className="status ok" role="status">
          {message}
        </p>
      ) : null}
      {actionError ? <ProblemMessage error={actionError} /> : null}
      {people.error ? <ProblemMessage error={people.error} /> : null}
      {people.data ? (
        <div className="table-wrap">
          <table>
            <caption>
              {people.data.total} {people.data.total === 1 ? 'person' : 'people'}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Username</th>
                <th scope="col">Roles</th>
                <th scope="col">Groups</th>
                <th scope="col">Status</th>
                {can('users.update') ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {people.data.users.map((u) => {
                const locked = u.lockedUntil !== null && new Date(u.lockedUntil) > new Date();
                return (
                  <tr key={u.id}>
                    <th scope="row">
                      {u.displayName}
                      {can('chronology.read') && u.roles.includes('pupil') ? (
                        <>
                          {' '}
                          <Link to={`/people/${u.id}/chronology`} className="small-link">
                            Chronology<span className="visually-hidden"> of {u.displayName}</span>
                          </Link>
                        </>
                      ) : null}
                    </th>
                    <td>{u.username}</td>
                    <td>{u.roles.map(roleLabel).join(', ')}</td>
                    <td>{u.groups.join(', ') || '—'}</td>
                    <td>
                      {u.disabled
                        ? 'Switched off'
                        : locked
                          ? 'Locked'
                          : u.hasPassword
                            ? 'Active'
                            : 'No password yet'}
                    </td>
                    {can('users.update') ? (
                      <td className="actions">
                        {locked ? (
                          <button
                            type="button"
                            className="button small"
                            onClick={() =>
                              void change(
                                u,
                                { unlock: true },
                                `${u.displayName} can sign in again.`,
                              )
                            }
                          >
                            Unlock<span className="visually-hidden"> {u.displayName}</span>
                          </button>
                        ) : null}
                        {u.id !== me.user.id ? (
                          <button
                            type="button"
                            className="button small secondary"
                            onClick={() =>
                              void change(
                                u,
                                { disabled: !u.disabled },
                                `${u.displayName} is ${u.disabled ? 'switched on' : 'switched off'}.`,
                              )
                            }
                          >
                            {u.disabled ? 'Switch on' : 'Switch off'}
                            <span className="visually-hidden"> {u.displayName}</span>
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="cards">
        {can('users.create') && groups.data ? (
          <AddPersonForm groups={groups.data.groups} onDone={() => void people.reload()} />
        ) : null}
        {can('users.import') ? <ImportForm onDone={() => void people.reload()} /> : null}
      </div>
    </>
  );
}
