import { formatShortDate } from '../../format.ts';
import { STATUS_LABELS } from './policy-labels.ts';
import type { PolicyVersion } from './types.ts';

export function StatusBadge({ status }: { status: PolicyVersion['status'] }) {
  return <span className={`badge status-${status}`}>{STATUS_LABELS[status]}</span>;
}

function Who({ at, by }: { at: string | null; by: string | null }) {
  if (!at) return <span className="muted">—</span>;
  return (
    <>
      <span className="nowrap">{formatShortDate(at)}</span>
      {by ? <span className="by">by {by}</span> : null}
    </>
  );
}

/** Every version of the school's policy, newest first; one is being viewed. */
export function VersionsTable({
  versions,
  selectedId,
  onSelect,
}: {
  versions: PolicyVersion[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="versions">
        <caption>
          {versions.length === 1 ? '1 version' : `${versions.length} versions`}, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Title and change note</th>
            <th scope="col">Created</th>
            <th scope="col">Approved</th>
            <th scope="col">Activated</th>
            <th scope="col">
              <span className="visually-hidden">View</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => {
            const selected = v.id === selectedId;
            return (
              <tr key={v.id} className={selected ? 'selected' : undefined}>
                <th scope="row">{v.number}</th>
                <td>
                  <StatusBadge status={v.status} />
                </td>
                <td>
                  {v.title}
                  {v.changeNote ? <span className="by">{v.changeNote}</span> : null}
                </td>
                <td>
                  <Who at={v.createdAt} by={v.createdBy} />
                </td>
                <td>
                  <Who at={v.approvedAt} by={v.approvedBy} />
                </td>
                <td>
                  <Who at={v.activatedAt} by={null} />
                </td>
                <td>
                  {selected ? (
                    <span className="viewing" aria-current="true">
                      Viewing
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="button small secondary"
                      onClick={() => onSelect(v.id)}
                    >
                      View<span className="visually-hidden"> version {v.number}</span>
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
