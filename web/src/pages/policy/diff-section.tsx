import { useState } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { TABLE_LABELS } from './policy-labels.ts';
import type { PolicyChange, PolicyDiff, PolicyDocument, PolicyVersion } from './types.ts';

function ChangeCell({ change }: { change: PolicyChange }) {
  if (change.kind === 'changed') {
    return (
      <>
        <span className="before">{change.before ?? '(blank)'}</span>
        <span aria-hidden="true"> → </span>
        <span className="visually-hidden"> changed to </span>
        <span className="after">{change.after ?? '(blank)'}</span>
      </>
    );
  }
  const detail = change.kind === 'added' ? change.after : change.before;
  return (
    <>
      <span className={`badge diff-${change.kind}`}>
        {change.kind === 'added' ? 'Added' : 'Removed'}
      </span>
      {detail ? <span className="by">{detail}</span> : null}
    </>
  );
}

/**
 * What changed in a version: by default against the version it was based on (or the active
 * one), or against any other version chosen here.
 */
export function DiffSection({
  version,
  versions,
  document,
  refreshKey,
}: {
  version: PolicyVersion;
  versions: readonly PolicyVersion[];
  document: PolicyDocument;
  refreshKey: string;
}) {
  const [against, setAgainst] = useState('');
  const query = against ? `?against=${encodeURIComponent(against)}` : '';
  const diff = useLoad(
    () =>
      api.get<PolicyDiff>(`/api/policy/versions/${encodeURIComponent(version.id)}/diff${query}`),
    `${version.id}|${against}|${refreshKey}`,
  );
  const others = versions.filter((v) => v.id !== version.id);
  const basedOn = versions.find((v) => v.id === version.basedOn);
  const sanctionActions = [
    ...(document.sanctions?.pupils?.actions ?? []),
    ...(document.sanctions?.staff?.actions ?? []),
  ];
  const columnLabel = (change: PolicyChange) => {
    if (!change.column) return '—';
    const group = document.groups.find((g) => g.id === change.column)?.label;
    if (group) return change.summary.includes(`› ${group} note:`) ? `${group} (note)` : group;
    return sanctionActions.find((a) => a.id === change.column)?.label ?? change.column;
  };
  const data = diff.data;
  return (
    <section aria-labelledby="diff-title" className="diff">
      <h3 id="diff-title">Changes in version {version.number}</h3>
      {others.length > 0 ? (
        <div className="filters">
          <div>
            <label htmlFor="diff-against">Compare with</label>
            <select id="diff-against" value={against} onChange={(e) => setAgainst(e.target.value)}>
              <option value="">
                {basedOn
                  ? `Version ${basedOn.number}, which it was based on`
                  : 'The active version (default)'}
              </option>
              {others.map((v) => (
                <option key={v.id} value={v.id}>
                  Version {v.number} ({v.status})
                </option>
              ))}
            </select>
          </div>
        </div>
      ) : null}
      {diff.error ? <ProblemMessage error={diff.error} /> : null}
      {data && data.from === null ? (
        <p className="muted">There is no earlier version to compare this one with.</p>
      ) : null}
      {data && data.from !== null && data.changes.length === 0 ? (
        <p className="status ok">
          No differences between version {data.from} and version {data.to}.
        </p>
      ) : null}
      {data && data.from !== null && data.changes.length > 0 ? (
        <div className="table-wrap">
          <table className="diff-table">
            <caption>
              {data.changes.length === 1 ? '1 change' : `${data.changes.length} changes`} from
              version {data.from} to version {data.to}
            </caption>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Item</th>
                <th scope="col">Column</th>
                <th scope="col">Before → after</th>
              </tr>
            </thead>
            <tbody>
              {data.changes.map((c, i) => (
                <tr key={i}>
                  <td>{TABLE_LABELS[c.table] ?? c.table}</td>
                  <th scope="row">{c.label ?? c.item ?? '—'}</th>
                  <td>{columnLabel(c)}</td>
                  <td>
                    <ChangeCell change={c} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
