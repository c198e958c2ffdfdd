import { useState } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { useSession } from '../../session.tsx';
import { StartDraftForm } from './start-draft-form.tsx';
import { PolicyStatusPanel } from './status-panel.tsx';
import type { PolicyVersion } from './types.ts';
import type { Outcome } from './version-actions.tsx';
import { VersionView } from './version-view.tsx';
import { VersionsTable } from './versions-table.tsx';

/** The version shown at first: the active one, else the newest draft, else the newest. */
function defaultVersion(versions: readonly PolicyVersion[]): string | null {
  return (
    versions.find((v) => v.status === 'active')?.id ??
    versions.find((v) => v.status === 'draft')?.id ??
    versions[0]?.id ??
    null
  );
}

export function PolicyPage() {
  const { can } = useSession();
  const [listKey, setListKey] = useState(0);
  const [detailKey, setDetailKey] = useState(0);
  const [diffKey, setDiffKey] = useState(0);
  const [chosen, setChosen] = useState<string | null>(null);
  const [picked, setPicked] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const versions = useLoad(
    () => api.get<{ versions: PolicyVersion[] }>('/api/policy/versions'),
    `versions|${listKey}`,
  );
  const list = versions.data?.versions ?? [];
  const selected = chosen ?? defaultVersion(list);

  const select = (id: string) => {
    setOutcome(null);
    setChosen(id);
    setPicked(true);
  };

  return (
    <>
      <h1>Online safety policy</h1>
      <p className="lede">
        The policy’s tables are the filter’s rules: what governors approve is what the filter
        enforces.
      </p>
      <PolicyStatusPanel statusKey={`status|${listKey}`} />

      <section aria-labelledby="versions-title" className="versions-section">
        <h2 id="versions-title">Versions</h2>
        {versions.error ? <ProblemMessage error={versions.error} /> : null}
        {versions.data ? (
          <VersionsTable versions={list} selectedId={selected} onSelect={select} />
        ) : null}
        {can('policy.edit') && versions.data ? (
          <StartDraftForm
            versions={list}
            onStarted={(draft) => {
              setOutcome({
                message: `Draft version ${draft.number} is started. Change the grid below, then save the draft.`,
              });
              setChosen(draft.id);
              setPicked(true);
              setListKey((k) => k + 1);
            }}
          />
        ) : null}
      </section>

      {selected ? (
        <VersionView
          versionId={selected}
          versions={list}
          refreshKey={String(detailKey)}
          diffKey={String(diffKey)}
          outcome={outcome}
          focusOnLoad={picked}
          onChanged={(o) => {
            setOutcome(o);
            setListKey((k) => k + 1);
            setDetailKey((k) => k + 1);
            setDiffKey((k) => k + 1);
          }}
          onSaved={() => {
            setOutcome(null);
            setListKey((k) => k + 1);
            setDiffKey((k) => k + 1);
          }}
        />
      ) : null}
    </>
  );
}
