import { useEffect, useRef } from 'react';
import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { formatDate } from '../../format.ts';
import { useSession } from '../../session.tsx';
import { DiffSection } from './diff-section.tsx';
import { DraftEditor } from './draft-editor.tsx';
import { OtherTables } from './other-tables.tsx';
import { DocumentLinks } from './status-panel.tsx';
import type { PolicyVersion, PolicyVersionDetail } from './types.ts';
import { LevelLegend, UserActionsGrid } from './user-actions-grid.tsx';
import { VersionActions, type Outcome } from './version-actions.tsx';
import { StatusBadge } from './versions-table.tsx';

const noProblems = new Map<string, string[]>();

/** Each answer gets its own number, so the draft editor starts afresh from every new load. */
let loads = 0;

function VersionFacts({ version, basedOn }: { version: PolicyVersion; basedOn?: PolicyVersion }) {
  return (
    <dl className="details version-facts">
      <dt>Created</dt>
      <dd>
        {formatDate(version.createdAt)}
        {version.createdBy ? ` by ${version.createdBy}` : ''}
        {basedOn ? `, from version ${basedOn.number}` : ''}
      </dd>
      {version.changeNote ? (
        <>
          <dt>Change note</dt>
          <dd>{version.changeNote}</dd>
        </>
      ) : null}
      <dt>Approval</dt>
      <dd>
        {version.approvedBy ? (
          <>
            Approved by <strong>{version.approvedBy}</strong> on {formatDate(version.approvedAt)}
            {version.approvalNote ? (
              <blockquote className="approval-note">{version.approvalNote}</blockquote>
            ) : null}
          </>
        ) : version.status === 'draft' ? (
          'Waiting for a governor’s approval'
        ) : version.status === 'withdrawn' ? (
          'Not approved'
        ) : (
          <span className="warning-text">Not approved by governors</span>
        )}
      </dd>
      {version.activatedAt ? (
        <>
          <dt>Made active</dt>
          <dd>{formatDate(version.activatedAt)}</dd>
        </>
      ) : null}
      <dt>Next review</dt>
      <dd>{formatDate(version.nextReview)}</dd>
    </dl>
  );
}

/** One version: its facts, what may be done with it, its grid, its changes and other tables. */
export function VersionView({
  versionId,
  versions,
  refreshKey,
  diffKey,
  outcome,
  focusOnLoad,
  onChanged,
  onSaved,
}: {
  versionId: string;
  versions: readonly PolicyVersion[];
  refreshKey: string;
  diffKey: string;
  outcome: Outcome | null;
  focusOnLoad: boolean;
  onChanged: (outcome: Outcome) => void;
  onSaved: () => void;
}) {
  const { can } = useSession();
  const detail = useLoad(async () => {
    const loaded = await api.get<PolicyVersionDetail>(
      `/api/policy/versions/${encodeURIComponent(versionId)}`,
    );
    loads += 1;
    return { version: loaded, load: loads };
  }, `${versionId}|${refreshKey}`);
  const heading = useRef<HTMLHeadingElement>(null);
  const focused = useRef<string | null>(null);
  const version = detail.data?.version.id === versionId ? detail.data.version : undefined;
  useEffect(() => {
    // When someone picks a version, take them to it (once, not after every reload).
    if (focusOnLoad && version && focused.current !== version.id) {
      focused.current = version.id;
      heading.current?.focus();
    }
  }, [focusOnLoad, version]);

  if (detail.error) return <ProblemMessage error={detail.error} />;
  if (!version) {
    return (
      <p className="loading-inline" role="status">
        Loading the version…
      </p>
    );
  }
  const editable = version.status === 'draft' && can('policy.edit');
  const basedOn = versions.find((v) => v.id === version.basedOn);
  return (
    <section className="version-view" aria-labelledby="version-title">
      <div className="version-head">
        <h2 id="version-title" ref={heading} tabIndex={-1}>
          Version {version.number}: {version.title}
        </h2>
        <StatusBadge status={version.status} />
      </div>
      {outcome ? (
        <div className="status ok" role="status">
          <p>{outcome.message}</p>
          {outcome.changes ? (
            outcome.changes.length > 0 ? (
              <>
                <p>What the filter now does differently:</p>
                <ul>
                  {outcome.changes.map((c, i) => (
                    <li key={i}>{c}</li>
                  ))}
                </ul>
              </>
            ) : (
              <p>It makes no difference to the tables.</p>
            )
          ) : null}
        </div>
      ) : null}
      <VersionFacts version={version} basedOn={basedOn} />
      <DocumentLinks versionId={version.id} number={version.number} />
      <VersionActions version={version} onDone={onChanged} />

      <section aria-labelledby="grid-title" className="grid-section">
        <h3 id="grid-title">User actions</h3>
        <p className="hint">
          {editable
            ? 'Choose a level in any cell, then save the draft. Cells that are illegal for everyone are locked.'
            : version.status === 'draft'
              ? 'This draft can be changed by the DSL, the online safety lead or the head.'
              : 'Only a draft can be changed: start a new draft to change the policy.'}{' '}
          Rows marked “Not a website filter rule” describe behaviour the filter cannot see; they are
          part of the published policy.
        </p>
        <LevelLegend />
        {editable ? (
          <DraftEditor key={detail.data?.load} version={version} onSaved={onSaved} />
        ) : (
          <UserActionsGrid
            document={version.document}
            saved={version.document}
            editable={false}
            problems={noProblems}
            onCellChange={() => undefined}
          />
        )}
      </section>

      <DiffSection
        version={version}
        versions={versions}
        document={version.document}
        refreshKey={diffKey}
      />
      <OtherTables document={version.document} />
    </section>
  );
}
