import { categoryLabels, entryLabel, type PhraseList } from './types.ts';

/** One category's entries, read-only. */
export function PhraseTable({ list }: { list: PhraseList }) {
  const label = categoryLabels[list.category] ?? list.category;
  return (
    <div className="table-wrap">
      <table className="phrase-table">
        <caption>
          {label}: {list.entries.length} {list.entries.length === 1 ? 'entry' : 'entries'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Phrase</th>
            <th scope="col">Weight</th>
            <th scope="col">Language</th>
            <th scope="col">Intent</th>
          </tr>
        </thead>
        <tbody>
          {list.entries.map((entry, i) => (
            <tr key={i}>
              <td>{entryLabel(entry)}</td>
              <td className="numeric">{entry.weight}</td>
              <td>{entry.language}</td>
              <td>{entry.intent ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
