import { api } from '../../api.ts';
import { ProblemMessage } from '../../components/problem-message.tsx';
import { useLoad } from '../../components/use-load.ts';
import { formatDate, plural } from '../../format.ts';
import { Link } from '../../router.tsx';
import { documentLinks } from './policy-labels.ts';
import type { PolicyStatus } from './types.ts';

export function usePolicyStatus(key: string) {
  return useLoad(() => api.get<PolicyStatus>('/api/policy/status'), key);
}

/** The prominent warning when the active policy's review date has passed. */
export function OverdueWarning({ status }: { status: PolicyStatus }) {
  const { review } = status;
  if (!review.overdue) return null;
  const days = review.daysLeft === null ? null : -review.daysLeft;
  return (
    <div className="warning-banner">
      <p className="warning-title">
        <span aria-hidden="true">⚠ </span>The policy review is overdue
      </p>
      <p>
        The review was due on <strong>{formatDate(review.nextReview)}</strong>
        {days !== null ? ` (${plural(days, 'day', 'days')} ago)` : ''}. Governors should review the
        policy and approve a new version.
      </p>
    </div>
  );
}

function ReviewLine({ status }: { status: PolicyStatus }) {
  const { review } = status;
  if (!review.nextReview) return <>No review date is set.</>;
  if (review.overdue) return <>Was due on {formatDate(review.nextReview)}.</>;
  const left = review.daysLeft ?? 0;
  return (
    <>
      {formatDate(review.nextReview)}{' '}
      <span className="muted">({left === 0 ? 'today' : `in ${plural(left, 'day', 'days')}`})</span>
    </>
  );
}

function ApprovalLine({ status }: { status: PolicyStatus }) {
  const active = status.active;
  if (!active) return null;
  if (!active.approvedBy) {
    return (
      <p className="status bad">
        <strong>Not approved by governors.</strong> The filter enforces this version, but no
        governor has approved it yet.
      </p>
    );
  }
  return (
    <>
      Approved by <strong>{active.approvedBy}</strong> on {formatDate(active.approvedAt)}
      {active.approvalNote ? (
        <blockquote className="approval-note">{active.approvalNote}</blockquote>
      ) : null}
    </>
  );
}

function Pending({ status }: { status: PolicyStatus }) {
  const parts = [];
  if (status.drafts > 0)
    parts.push(plural(status.drafts, 'draft in progress', 'drafts in progress'));
  if (status.awaitingActivation > 0)
    parts.push(
      `${plural(status.awaitingActivation, 'approved version', 'approved versions')} waiting to be made active`,
    );
  if (parts.length === 0) return null;
  return <p className="muted">{parts.join(' · ')}</p>;
}

/** The status panel at the top of the Policy page. */
export function PolicyStatusPanel({ statusKey }: { statusKey: string }) {
  const { data, error } = usePolicyStatus(statusKey);
  return (
    <section className="card status-panel" aria-labelledby="policy-status-title">
      <h2 id="policy-status-title">Policy in force</h2>
      {error ? <ProblemMessage error={error} /> : null}
      {data && !data.active ? (
        <p className="status bad">
          <strong>No policy version is active.</strong> The filter has no school rules: start a
          version from a template and have it approved and made active.
        </p>
      ) : null}
      {data?.active ? (
        <>
          <OverdueWarning status={data} />
          <dl className="details">
            <dt>Version</dt>
            <dd>
              <strong>Version {data.active.number}</strong> — {data.active.title}
            </dd>
            <dt>Active since</dt>
            <dd>{formatDate(data.active.activatedAt)}</dd>
            <dt>Approval</dt>
            <dd>
              <ApprovalLine status={data} />
            </dd>
            <dt>Next review</dt>
            <dd>
              <ReviewLine status={data} />
            </dd>
          </dl>
          <Pending status={data} />
          <DocumentLinks versionId={data.active.id} />
        </>
      ) : null}
    </section>
  );
}

export function DocumentLinks({ versionId, number }: { versionId: string; number?: number }) {
  const links = documentLinks(versionId);
  const which = number === undefined ? '' : ` of version ${number}`;
  return (
    <p className="document-links">
      <a href={links.html} target="_blank" rel="noopener">
        Published tables{which} (web page)
        <span className="visually-hidden"> (opens in a new tab)</span>
      </a>
      <a href={links.pdf} download>
        Download{which} as PDF
      </a>
    </p>
  );
}

/** The card on the home page: the version in force and whether its review is overdue. */
export function PolicyStatusCard() {
  const { data, error } = usePolicyStatus('home');
  return (
    <section className="card" aria-labelledby="policy-summary">
      <h2 id="policy-summary">Online safety policy</h2>
      {error ? <ProblemMessage error={error} /> : null}
      {data && !data.active ? <p className="status bad">No policy version is active.</p> : null}
      {data?.active ? (
        <>
          <OverdueWarning status={data} />
          <p>
            <strong>Version {data.active.number}</strong> is active
            {data.active.approvedBy ? (
              <>
                , approved by {data.active.approvedBy} on {formatDate(data.active.approvedAt)}.
              </>
            ) : (
              '.'
            )}
          </p>
          {!data.active.approvedBy ? (
            <p className="status bad">Not approved by governors.</p>
          ) : null}
          {!data.review.overdue ? (
            <p>
              Next review: <ReviewLine status={data} />
            </p>
          ) : null}
          <Pending status={data} />
        </>
      ) : null}
      <p>
        <Link to="/policy">Open the policy</Link>
      </p>
    </section>
  );
}
