import { api, type Group } from '../api.ts';
import { ProblemMessage } from '../components/problem-message.tsx';
import { useLoad } from '../components/use-load.ts';

const kindLabels: Record<string, string> = {
  'key-stage': 'Key stage',
  staff: 'Staff',
  visitors: 'Visitors',
  guests: 'Guests',
  nominated: 'Nominated users',
  custom: 'Other',
};

export function GroupsPage() {
  const { data, error } = useLoad(() => api.get<{ groups: Group[] }>('/api/groups'), 'groups');
  return (
    <>
      <h1>Groups</h1>
      <p className="lede">
        The filter treats people by group: each key stage, staff, visitors and guests, and nominated
        users who may open blocked sites to check them (every such visit is logged).
      </p>
      {error ? <ProblemMessage error={error} /> : null}
      {data ? (
        <div className="table-wrap">
          <table>
            <caption>{data.groups.length} groups</caption>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Id</th>
                <th scope="col">Kind</th>
                <th scope="col" className="number">
                  Members
                </th>
              </tr>
            </thead>
            <tbody>
              {data.groups.map((g) => (
                <tr key={g.slug}>
                  <th scope="row">{g.name}</th>
                  <td>
                    <code>{g.slug}</code>
                  </td>
                  <td>{kindLabels[g.kind] ?? g.kind}</td>
                  <td className="number">{g.members}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
