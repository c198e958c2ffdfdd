import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime } from '../../format.ts';
import type { FilterChange } from './types.ts';

const KINDS: Readonly<Record<string, string>> = {
  'policy.approved': 'Policy approved',
  'policy.activated': 'Policy made active',
  'local-block.added': 'Block added',
  'local-block.removed': 'Block removed',
  'local-allow.added': 'Allow added',
  'local-allow.removed': 'Allow removed',
  'list.added': 'List imported',
  'list.updated': 'List updated',
  // Temporary exemptions and filter change control
  'exemption.requested': 'Exemption asked',
  'exemption.approved': 'Exemption approved',
  'exemption.declined': 'Exemption declined',
  'exemption.revoked': 'Exemption revoked',
  'exemption.withdrawn': 'Exemption withdrawn',
  'exemption.ended': 'Exemption ended',
  'change-request.requested': 'Change asked',
  'change-request.approved': 'Change approved',
  'change-request.declined': 'Change declined',
  'change-request.applied': 'Change applied',
};

/** Every change to what the filter enforces, newest first. */
export function ChangeLog({ refreshKey }: { refreshKey: string }) {
  const { data, error } = useLoad(
    () => api.get<{ changes: FilterChange[] }>('/api/filter/changes?limit=100'),
    `changes|${refreshKey}`,
  );
  return (
    <section aria-labelledby="changes-title" className="filter-section">
      <h2 id="changes-title">Change log</h2>
      <p className="hint">
        Every change to what the filter enforces: policy versions, lists, local entries, exemptions
        and change requests.
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      {data ? (
        <div className="table-wrap">
          <table className="change-log">
            <caption>
              {data.changes.length === 100
                ? 'The 100 most recent changes, newest first'
                : 'Newest first'}
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {data.changes.map((c, i) => (
                <tr key={i}>
                  <td className="nowrap">{formatDateTime(c.at)}</td>
                  <td>{c.actor}</td>
                  <td>
                    <span className="kind">{KINDS[c.kind] ?? c.kind}</span>
                    {c.summary}
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
