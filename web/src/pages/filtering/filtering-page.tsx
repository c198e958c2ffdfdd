import { useState } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { useSession } from '../../session.tsx';
import { ChangeLog } from './change-log.tsx';
import { ListsTable } from './lists-table.tsx';
import { LocalEntries } from './local-entries.tsx';
import { TestUrlForm } from './test-url-form.tsx';
import type { Category } from './types.ts';
import { useActivePolicy } from './use-active-policy.ts';

export function FilteringPage() {
  const { can, me } = useSession();
  const policy = useActivePolicy();
  const [changes, setChanges] = useState(0);
  const readLists = can('lists.read');
  const categories = useLoad(
    () =>
      readLists
        ? api.get<{ categories: Category[] }>('/api/filter/categories')
        : Promise.resolve({ categories: [] }),
    `categories|${readLists}`,
  );
  const document = policy.data?.document ?? null;
  const timeZone = document?.timeBands.timeZone ?? me.school?.timeZone ?? 'Europe/London';
  const categoryName = (id: string) =>
    document?.categories.find((c) => c.id === id)?.label ??
    categories.data?.categories.find((c) => c.id === id)?.label ??
    id;

  return (
    <>
      <h1>Filtering</h1>
      <p className="lede">
        {readLists
          ? 'How the web filter decides, from the active policy, the block lists and the school’s own entries.'
          : 'Check how the web filter treats a site for a group of pupils or staff, and why.'}
      </p>
      {policy.error ? <ProblemMessage error={policy.error} /> : null}
      {policy.data === null ? (
        <p className="status bad">No policy version is active, so there is nothing to test.</p>
      ) : null}
      {can('decisions.test') && policy.data ? (
        <TestUrlForm document={document} timeZone={timeZone} />
      ) : null}
      {readLists ? (
        <>
          <ListsTable categoryName={categoryName} />
          <LocalEntries
            document={document}
            categoryName={categoryName}
            onChanged={() => setChanges((n) => n + 1)}
          />
          <ChangeLog refreshKey={String(changes)} />
        </>
      ) : null}
    </>
  );
}
