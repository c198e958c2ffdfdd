import { useState } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { PhraseEditor } from './phrase-editor.tsx';
import { PhraseTable } from './phrase-table.tsx';
import { categoryLabels, type ActivePhraseLists, type PhraseListVersion } from './types.ts';
import './phrases.css';

/** The Phrase lists page: what the alerts score with, who changed it and why. */
export function PhrasesPage() {
  const { can } = useSession();
  const [refreshKey, setRefreshKey] = useState(0);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const active = useLoad(
    () => api.get<ActivePhraseLists>('/api/phrase-lists'),
    `active|${refreshKey}`,
  );
  const versions = useLoad(
    () => api.get<{ versions: PhraseListVersion[] }>('/api/phrase-lists/versions'),
    `versions|${refreshKey}`,
  );
  const data = active.data;

  return (
    <>
      <h1>Phrase lists</h1>
      <p className="hint">
        The weighted safeguarding phrases that searches and web addresses are scored with. A
        category reaching 100 raises an alert for the DSL.
      </p>
      {active.error ? <ProblemMessage error={active.error} /> : null}
      {saved ? (
        <p className="status ok" role="status">
          Saved. The alerts use the new version within a few seconds.
        </p>
      ) : null}
      {data ? (
        <>
          <section aria-labelledby="active-title" className="phrase-summary">
            <h2 id="active-title">
              {data.starter ? "Haven's starter lists" : `Version ${data.number}`}
            </h2>
            {data.starter ? (
              <p>
                Your school has not changed the lists yet: the alerts use Haven’s starter lists.
              </p>
            ) : (
              <p>
                Saved {formatDateTime(data.createdAt)} by{' '}
                {data.createdBy ?? 'someone no longer here'}: “{data.changeNote}”
              </p>
            )}
            <ul className="phrase-counts">
              {data.document.lists.map((l) => (
                <li key={l.category}>
                  {categoryLabels[l.category] ?? l.category}:{' '}
                  <strong>{data.counts[l.category] ?? 0}</strong>
                </li>
              ))}
            </ul>
            <div className="actions">
              {can('phrases.edit') && !editing ? (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setSaved(false);
                    setEditing(true);
                  }}
                >
                  Change the lists
                </button>
              ) : null}
              <a className="button secondary" href="/api/phrase-lists/export.yaml" download>
                Download as YAML
              </a>
            </div>
          </section>
          {editing ? (
            <PhraseEditor
              active={data}
              onCancel={() => setEditing(false)}
              onSaved={() => {
                setEditing(false);
                setSaved(true);
                setRefreshKey((k) => k + 1);
              }}
            />
          ) : (
            <section aria-labelledby="entries-title">
              <h2 id="entries-title">Entries by category</h2>
              {data.document.lists.map((list) => (
                <details key={list.category} className="phrase-category">
                  <summary>
                    {categoryLabels[list.category] ?? list.category} ({list.entries.length})
                  </summary>
                  <p className="hint">{list.note}</p>
                  <PhraseTable list={list} />
                </details>
              ))}
            </section>
          )}
        </>
      ) : null}
      <section aria-labelledby="history-title">
        <h2 id="history-title">Version history</h2>
        {versions.error ? <ProblemMessage error={versions.error} /> : null}
        {versions.data && versions.data.versions.length === 0 ? (
          <p>No versions saved yet.</p>
        ) : null}
        {versions.data && versions.data.versions.length > 0 ? (
          <div className="table-wrap">
            <table>
              <caption>Newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Saved</th>
                  <th scope="col">By</th>
                  <th scope="col">Change note</th>
                </tr>
              </thead>
              <tbody>
                {versions.data.versions.map((v) => (
                  <tr key={v.id}>
                    <td>
                      {v.number}
                      {v.active ? ' (in use)' : ''}
                    </td>
                    <td className="nowrap">{formatDateTime(v.createdAt)}</td>
                    <td>{v.createdBy ?? '—'}</td>
                    <td>{v.changeNote}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
