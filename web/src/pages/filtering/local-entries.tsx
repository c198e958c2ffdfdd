import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useAction } from '../../components/use-action.ts';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { columnGroups, type PolicyDocument } from '../policy/types.ts';
import type { LocalEntry } from './types.ts';

function AddEntryForm({
  document,
  onAdded,
}: {
  document: PolicyDocument | null;
  onAdded: (entry: LocalEntry) => void;
}) {
  const groups = document ? columnGroups(document) : [];
  const categories = document?.categories.filter((c) => c.legal !== 'illegal') ?? [];
  const [action, setAction] = useState<'block' | 'allow'>('block');
  const [target, setTarget] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [category, setCategory] = useState('');
  const [reason, setReason] = useState('');
  const { run, error, busy } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      const entry = await api.post<LocalEntry>('/api/filter/local-entries', {
        action,
        target,
        groups: chosen,
        category: category || null,
        reason,
      });
      setTarget('');
      setChosen([]);
      setCategory('');
      setReason('');
      onAdded(entry);
    });
  };
  return (
    <form
      className="card add-entry"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="add-entry-title"
    >
      <h3 id="add-entry-title">Add a local entry</h3>
      {error ? <ProblemMessage error={error} /> : null}
      <fieldset className="inline-choices">
        <legend>Action</legend>
        {(['block', 'allow'] as const).map((a) => (
          <div className="check" key={a}>
            <input
              type="radio"
              id={`entry-action-${a}`}
              name="entry-action"
              value={a}
              checked={action === a}
              onChange={() => setAction(a)}
            />
            <label htmlFor={`entry-action-${a}`}>{a === 'block' ? 'Block' : 'Allow'}</label>
          </div>
        ))}
      </fieldset>
      <div className="field-row">
        <div>
          <label htmlFor="entry-target">Site or URL</label>
          <input
            id="entry-target"
            required
            autoComplete="off"
            spellCheck={false}
            aria-describedby="entry-target-hint"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
          <p className="hint small" id="entry-target-hint">
            A host (example.org, with its subdomains) or a URL prefix (example.org/some/path).
          </p>
        </div>
        <div>
          <label htmlFor="entry-category">Category (optional)</label>
          <select
            id="entry-category"
            value={category}
            onChange={(e) => setCategory(e.target.value)}
          >
            <option value="">None</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset className="inline-choices">
        <legend>For which groups?</legend>
        <p className="hint small">Tick none for everyone.</p>
        {groups.map((g) => (
          <div className="check" key={g.id}>
            <input
              type="checkbox"
              id={`entry-group-${g.id}`}
              checked={chosen.includes(g.id)}
              onChange={(e) =>
                setChosen((list) =>
                  e.target.checked ? [...list, g.id] : list.filter((x) => x !== g.id),
                )
              }
            />
            <label htmlFor={`entry-group-${g.id}`}>{g.label}</label>
          </div>
        ))}
      </fieldset>
      <label htmlFor="entry-reason">Reason</label>
      <input
        id="entry-reason"
        required
        minLength={3}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button className="button" type="submit" disabled={busy}>
        Add entry
      </button>
    </form>
  );
}

function RemoveEntry({ entry, onRemoved }: { entry: LocalEntry; onRemoved: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { run, error, busy } = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await run(() =>
      api.delete<undefined>(
        `/api/filter/local-entries/${encodeURIComponent(entry.id)}?reason=${encodeURIComponent(reason)}`,
      ),
    );
    if (ok) onRemoved();
  };
  if (!open) {
    return (
      <button type="button" className="button small secondary" onClick={() => setOpen(true)}>
        Remove<span className="visually-hidden"> {entry.target}</span>
      </button>
    );
  }
  const id = `remove-${entry.id}`;
  return (
    <form className="remove-form" onSubmit={(e) => void submit(e)}>
      {error ? <ProblemMessage error={error} /> : null}
      <label htmlFor={id}>Why remove {entry.target}?</label>
      <input
        id={id}
        required
        minLength={3}
        autoFocus
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <div className="actions">
        <button type="submit" className="button small danger" disabled={busy}>
          Remove entry
        </button>
        <button type="button" className="button small secondary" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The school's own allow and block entries; who may manage them adds and removes them here. */
export function LocalEntries({
  document,
  categoryName,
  onChanged,
}: {
  document: PolicyDocument | null;
  categoryName: (id: string) => string;
  onChanged: () => void;
}) {
  const { can } = useSession();
  const [message, setMessage] = useState<string | null>(null);
  const entries = useLoad(
    () => api.get<{ entries: LocalEntry[] }>('/api/filter/local-entries'),
    'local-entries',
  );
  const manage = can('lists.manage');
  const groupName = (id: string) => document?.groups.find((g) => g.id === id)?.label ?? id;
  const changed = async (text: string) => {
    setMessage(text);
    await entries.reload();
    onChanged();
  };
  const list = entries.data?.entries ?? [];
  return (
    <section aria-labelledby="local-title" className="filter-section">
      <h2 id="local-title">Local entries</h2>
      <p className="hint">
        The school’s own decisions: they come before the block lists. Illegal content stays blocked
        whatever they say.
      </p>
      {message ? (
        <p className="status ok" role="status">
          {message}
        </p>
      ) : null}
      {entries.error ? <ProblemMessage error={entries.error} /> : null}
      {entries.data && list.length === 0 ? (
        <p className="card empty">The school has no local entries.</p>
      ) : null}
      {list.length > 0 ? (
        <div className="table-wrap">
          <table className="local-entries">
            <caption>{list.length === 1 ? '1 entry' : `${list.length} entries`}</caption>
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Site or URL</th>
                <th scope="col">Groups</th>
                <th scope="col">Reason</th>
                <th scope="col">Added</th>
                {manage ? (
                  <th scope="col">
                    <span className="visually-hidden">Remove</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {list.map((e) => (
                <tr key={e.id}>
                  <td>
                    <span className={`badge entry-${e.action}`}>
                      {e.action === 'block' ? 'Block' : 'Allow'}
                    </span>
                  </td>
                  <th scope="row">
                    <code className="target">{e.target}</code>
                    {e.category ? <span className="by">{categoryName(e.category)}</span> : null}
                  </th>
                  <td>{e.groups.length > 0 ? e.groups.map(groupName).join(', ') : 'Everyone'}</td>
                  <td>{e.reason}</td>
                  <td className="nowrap">{formatDateTime(e.createdAt)}</td>
                  {manage ? (
                    <td>
                      <RemoveEntry
                        entry={e}
                        onRemoved={() => void changed(`${e.target} is no longer a local entry.`)}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {manage ? (
        <AddEntryForm
          document={document}
          onAdded={(entry) =>
            void changed(
              `${entry.action === 'block' ? 'Blocked' : 'Allowed'} ${entry.target}${
                entry.groups.length
                  ? ` for ${entry.groups.map(groupName).join(', ')}`
                  : ' for everyone'
              }.`,
            )
          }
        />
      ) : null}
    </section>
  );
}
