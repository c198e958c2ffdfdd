import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { formatDateTime, plural } from '../../format.ts';
import type { BlockList } from './types.ts';

/** The block lists in force: what each covers, how big it is and who last updated it. */
export function ListsTable({ categoryName }: { categoryName: (id: string) => string }) {
  const { data, error } = useLoad(
    () => api.get<{ lists: BlockList[] }>('/api/filter/lists'),
    'lists',
  );
  const lists = data?.lists ?? [];
  const total = lists.reduce((n, l) => n + l.hostEntries + l.urlEntries, 0);
  return (
    <section aria-labelledby="lists-title" className="filter-section">
      <h2 id="lists-title">Block lists</h2>
      {error ? <ProblemMessage error={error} /> : null}
      {data && lists.length === 0 ? (
        <div className="card empty">
          <p>
            <strong>No block lists are imported yet.</strong> Until they are, the filter decides
            from the school’s local entries and Haven’s host-name classifier.
          </p>
          <p className="hint">
            The IT provider imports lists on the server with <code>haven lists import</code>{' '}
            (squidGuard/UT1 folders, hosts files, plain lists and AdBlock lists).
          </p>
        </div>
      ) : null}
      {lists.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>
              {plural(lists.length, 'list', 'lists')} with {plural(total, 'entry', 'entries')} in
              all
            </caption>
            <thead>
              <tr>
                <th scope="col">List</th>
                <th scope="col">Category</th>
                <th scope="col" className="number">
                  Host entries
                </th>
                <th scope="col" className="number">
                  URL entries
                </th>
                <th scope="col">Last update</th>
                <th scope="col">By</th>
                <th scope="col">Licence</th>
              </tr>
            </thead>
            <tbody>
              {lists.map((l) => (
                <tr key={l.name}>
                  <th scope="row">
                    {l.name}
                    <span className="by">{l.source}</span>
                  </th>
                  <td>{categoryName(l.category)}</td>
                  <td className="number">{l.hostEntries.toLocaleString('en-GB')}</td>
                  <td className="number">{l.urlEntries.toLocaleString('en-GB')}</td>
                  <td>{formatDateTime(l.importedAt)}</td>
                  <td>{l.importedBy}</td>
                  <td>{l.licence ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
