import { formatDate } from '../../format.ts';
import { levelLabel } from '../policy/policy-labels.ts';
import type { PolicyDocument } from '../policy/types.ts';
import { formatSchoolTime } from './school-time.ts';
import type { Decision } from './types.ts';

export const VERDICTS: Readonly<Record<Decision['action'], { title: string; icon: string }>> = {
  allow: { title: 'Allowed', icon: '✓' },
  block: { title: 'Blocked', icon: '✕' },
  'allow-with-alert': { title: 'Allowed, with an alert to the DSL', icon: '!' },
};

function matchedBy(list: NonNullable<Decision['list']>): string {
  switch (list.kind) {
    case 'local':
      return `the school’s local entry ${list.entry}`;
    case 'classifier':
      return `Haven’s host-name classifier (it read “${list.entry}”)`;
    case 'help':
      return `the list of help sites that are never blocked (${list.entry})`;
    case 'exemption':
      return `an exemption (${list.entry})`;
    case 'url':
      return `the URL entry ${list.entry} in the list ${list.name}`;
    default:
      return `the entry ${list.entry} in the list ${list.name}`;
  }
}

/** The filter's answer for one destination, group and time, with the reason in full. */
export function DecisionResult({
  decision,
  document,
  groupId,
  timeZone,
}: {
  decision: Decision;
  document: PolicyDocument | null;
  groupId: string;
  timeZone: string;
}) {
  const verdict = VERDICTS[decision.action];
  const groupName = (id: string | null) =>
    id ? (document?.groups.find((g) => g.id === id)?.label ?? id) : null;
  const categoryName = (id: string) => document?.categories.find((c) => c.id === id)?.label ?? id;
  const band = decision.band;
  return (
    <section
      className={`card decision decision-${decision.action}`}
      aria-labelledby="decision-title"
    >
      <p className="decision-for">
        <strong>{decision.host}</strong> for {groupName(groupId)} ·{' '}
        {formatSchoolTime(decision.decidedAt, timeZone)}
      </p>
      <h3 id="decision-title" className="verdict">
        <span className="verdict-icon" aria-hidden="true">
          {verdict.icon}
        </span>
        {verdict.title}
      </h3>
      <p className="decision-reason">{decision.reason}</p>
      <dl className="details decision-facts">
        <dt>Rule</dt>
        <dd>
          <code>{decision.ruleId}</code>
        </dd>
        <dt>Category</dt>
        <dd>
          {decision.category ? categoryName(decision.category) : 'None (not in any category)'}
          {decision.categories.length > 1 ? (
            <span className="muted">
              {' '}
              · also in{' '}
              {decision.categories
                .filter((c) => c !== decision.category)
                .map(categoryName)
                .join(', ')}
            </span>
          ) : null}
        </dd>
        <dt>Matched by</dt>
        <dd>{decision.list ? matchedBy(decision.list) : 'No list entry matched'}</dd>
        {decision.level ? (
          <>
            <dt>Policy level</dt>
            <dd>
              {levelLabel(decision.level)}
              {decision.group ? ` for ${groupName(decision.group)}` : ''}
            </dd>
          </>
        ) : null}
        {band ? (
          <>
            <dt>Time band</dt>
            <dd>
              {band.label} ({band.hours}):{' '}
              {band.active ? 'allowed at this time' : 'not at this time'}
              {band.next ? (
                <span className="next-allowed">
                  Next allowed: {band.next.weekday} {formatDate(band.next.date)} at {band.next.time}
                </span>
              ) : null}
            </dd>
          </>
        ) : null}
        {decision.confidence < 1 ? (
          <>
            <dt>Confidence</dt>
            <dd>
              {Math.round(decision.confidence * 100)}%{' '}
              <span className="muted">(a judgement, not a list entry)</span>
            </dd>
          </>
        ) : null}
        <dt>Policy</dt>
        <dd>Version {decision.policyVersion}</dd>
      </dl>
    </section>
  );
}
