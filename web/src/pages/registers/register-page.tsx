import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { ActivityRetentionPanel } from './activity-retention-panel.tsx';
import { FlagList } from './flag-list.tsx';
import { LearningAgendaPanel } from './learning-agenda-panel.tsx';
import { PublishingCheck } from './publishing-check.tsx';
import { RegisterForm } from './register-form.tsx';
import type { FieldValue, RegisterListing, RegisterRow, RegisterSummary } from './types.ts';

function cellText(type: string, value: string): string {
  if (value === '') return '—';
  if (type === 'date') {
    const d = new Date(`${value}T12:00:00Z`);
    return Number.isNaN(d.getTime())
      ? value
      : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
  }
  if (type === 'datetime') {
    const d = new Date(value);
    return Number.isNaN(d.getTime())
      ? value
      : d.toLocaleString('en-GB', {
          day: 'numeric',
          month: 'short',
          year: 'numeric',
          hour: '2-digit',
          minute: '2-digit',
        });
  }
  return value;
}

type Editing = { mode: 'add' } | { mode: 'edit'; row: RegisterRow } | null;

function RegisterTable({
  register,
  listing,
  highlight,
  onEdit,
  onArchive,
  busy,
}: {
  register: RegisterSummary;
  listing: RegisterListing;
  highlight: string | null;
  onEdit: (row: RegisterRow) => void;
  onArchive: (row: RegisterRow) => void;
  busy: boolean;
}) {
  const [first, ...rest] = register.columns;
  if (listing.rows.length === 0) return <p className="empty">Nothing recorded yet.</p>;
  return (
    <div className="table-wrap">
      <table className="register-table">
        <caption>
          {register.title}: {listing.rows.length} {listing.rows.length === 1 ? 'entry' : 'entries'}
        </caption>
        <thead>
          <tr>
            {register.columns.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
            <th scope="col">Flags</th>
            {listing.canEdit ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {listing.rows.map((row) => (
            <tr
              key={row.id}
              className={[row.id === highlight ? 'highlight' : '', row.archived ? 'archived' : '']
                .filter(Boolean)
                .join(' ')}
            >
              {first ? (
                <th scope="row" data-label={first.label}>
                  {cellText(first.type, row.display[first.key] ?? '')}
                  {row.archived ? <span className="badge"> archived</span> : null}
                </th>
              ) : null}
              {rest.map((c) => (
                <td key={c.key} data-label={c.label} className={`col-${c.key}`}>
                  {cellText(c.type, row.display[c.key] ?? '')}
                </td>
              ))}
              <td data-label="Flags">
                {row.flags.length > 0 ? (
                  <FlagList flags={row.flags} />
                ) : (
                  <span className="muted">None</span>
                )}
              </td>
              {listing.canEdit ? (
                <td className="row-actions">
                  {row.archived ? null : (
                    <div className="actions">
                      <button
                        type="button"
                        className="button small secondary"
                        onClick={() => onEdit(row)}
                      >
                        Change<span className="visually-hidden"> {row.title}</span>
                      </button>
                      <button
                        type="button"
                        className="button small secondary"
                        disabled={busy}
                        onClick={() => onArchive(row)}
                      >
                        Archive<span className="visually-hidden"> {row.title}</span>
                      </button>
                    </div>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One register: its flags, a filterable table, the add/change form and the CSV download. */
export function RegisterPage({ registerKey }: { registerKey: string }) {
  const registers = useLoad(
    () => api.get<{ registers: RegisterSummary[] }>('/api/registers'),
    'registers',
  );
  const register = registers.data?.registers.find((r) => r.key === registerKey);
  const session = useSession();
  const [q, setQ] = useState('');
  const [flagged, setFlagged] = useState(false);
  const [archived, setArchived] = useState(false);
  const query = new URLSearchParams({
    ...(q.trim() ? { q: q.trim() } : {}),
    ...(flagged ? { flagged: 'true' } : {}),
    ...(archived ? { archived: 'true' } : {}),
  }).toString();
  const listing = useLoad(
    () => api.get<RegisterListing>(`/api/registers/${registerKey}${query ? `?${query}` : ''}`),
    `${registerKey}?${query}`,
  );
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const save = useAction();
  const archive = useAction();
  const highlight = new URLSearchParams(window.location.search).get('row');
  const formRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (editing) formRef.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, [editing]);

  if (registers.error) return <ProblemMessage error={registers.error} />;
  if (!registers.data) return <p className="loading-inline">Loading…</p>;
  if (!register) {
    return (
      <>
        <h1>Register not found</h1>
        <p>
          There is no such register, or you may not read it.{' '}
          <Link to="/registers">All registers</Link>
        </p>
      </>
    );
  }

  const submit = async (body: Record<string, FieldValue>) => {
    let message: string | null = null;
    const ok = await save.run(async () => {
      const result =
        editing?.mode === 'edit'
          ? await api.patch<{ notice: string | null }>(
              `/api/registers/${register.key}/${editing.row.id}`,
              body,
            )
          : await api.post<{ notice: string | null }>(`/api/registers/${register.key}`, body);
      message = result.notice;
    });
    if (ok) {
      setNotice(
        message ?? (editing?.mode === 'edit' ? 'Saved.' : `The ${register.noun} was added.`),
      );
      setEditing(null);
      await Promise.all([listing.reload(), registers.reload()]);
    }
  };
  const archiveRow = async (row: RegisterRow) => {
    if (!window.confirm(`Archive ${row.title}? It leaves the register but is kept.`)) return;
    const ok = await archive.run(async () => {
      await api.delete(`/api/registers/${register.key}/${row.id}`);
    });
    if (ok) {
      setNotice(`${row.title} was archived.`);
      await listing.reload();
    }
  };
  const onFilter = (event: FormEvent) => event.preventDefault();

  return (
    <>
      <p className="breadcrumb">
        <Link to="/registers">Registers</Link> › {register.area}
      </p>
      <h1>{register.title}</h1>
      <p className="lede">{register.description}</p>
      <p className="hint small">From: {register.source}</p>
      <FlagList flags={listing.data?.registerFlags ?? register.registerFlags} />
      {register.key === 'retention-schedule' ? (
        <ActivityRetentionPanel canEdit={register.canEdit} />
      ) : null}
      {register.key === 'osg-meetings' && session.can('incidents.learning.read') ? (
        <LearningAgendaPanel canEdit={register.canEdit} />
      ) : null}
      {register.key === 'photo-consent' && listing.data ? (
        <PublishingCheck pupils={listing.data.choices.pupil ?? []} />
      ) : null}
      {notice ? (
        <p className="status ok" role="status">
          {notice}
        </p>
      ) : null}
      <div className="register-toolbar">
        {register.canEdit && !editing ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setNotice(null);
              save.clearError();
              setEditing({ mode: 'add' });
            }}
          >
            Add a {register.noun}
          </button>
        ) : null}
        <a
          className="button secondary"
          href={`/api/registers/${register.key}/export.csv${query ? `?${query}` : ''}`}
          download
        >
          Download CSV
        </a>
      </div>
      {editing && listing.data ? (
        <div ref={formRef}>
          <RegisterForm
            key={editing.mode === 'edit' ? editing.row.id : 'new'}
            register={register}
            row={editing.mode === 'edit' ? editing.row : null}
            choices={listing.data.choices}
            busy={save.busy}
            error={save.error}
            onSubmit={(body) => void submit(body)}
            onCancel={() => {
              save.clearError();
              setEditing(null);
            }}
          />
        </div>
      ) : null}
      <form
        className="filters"
        role="search"
        aria-label={`Filter ${register.title}`}
        onSubmit={onFilter}
      >
        <div>
          <label htmlFor="register-q">Contains</label>
          <input id="register-q" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <div className="check">
          <input
            id="register-flagged"
            type="checkbox"
            checked={flagged}
            onChange={(e) => setFlagged(e.target.checked)}
          />
          <label htmlFor="register-flagged">Flagged only</label>
        </div>
        <div className="check">
          <input
            id="register-archived"
            type="checkbox"
            checked={archived}
            onChange={(e) => setArchived(e.target.checked)}
          />
          <label htmlFor="register-archived">Show archived</label>
        </div>
      </form>
      {listing.error ? <ProblemMessage error={listing.error} /> : null}
      {archive.error ? <ProblemMessage error={archive.error} /> : null}
      {listing.data ? (
        <RegisterTable
          register={register}
          listing={listing.data}
          highlight={highlight}
          busy={archive.busy}
          onEdit={(row) => {
            setNotice(null);
            save.clearError();
            setEditing({ mode: 'edit', row });
          }}
          onArchive={(row) => void archiveRow(row)}
        />
      ) : null}
    </>
  );
}
