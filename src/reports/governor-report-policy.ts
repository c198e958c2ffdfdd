import { reviewStatus } from '../filtering/policy-versions.ts';
import { findActivePolicyVersion, listPolicyVersions } from '../store/policy-version-repository.ts';
import type { CollectedFigure, SectionProvider } from './governor-report-types.ts';
import { formatDay, localDayOf } from './governor-report-terms.ts';

const within = (at: Date | null, from: Date, to: Date): boolean =>
  at !== null && new Date(at) >= from && new Date(at) < to;

/** The policy (POL-2): versions approved and made active in the period, and the review date. */
export const policySection: SectionProvider = {
  id: 'policy',
  title: 'Online Safety Policy',
  async collect(db, schoolId, period) {
    const [versions, active] = await Promise.all([
      listPolicyVersions(db, schoolId),
      findActivePolicyVersion(db, schoolId),
    ]);
    const approved = versions.filter((v) => within(v.approved_at, period.from, period.to));
    const activated = versions.filter((v) => within(v.activated_at, period.from, period.to));
    const status = reviewStatus(active, localDayOf(period.to, period.timeZone));
    const figures: CollectedFigure[] = [
      { kind: 'number', label: 'Versions approved by governors', value: approved.length },
      { kind: 'number', label: 'Versions made active', value: activated.length },
      {
        kind: 'text',
        label: 'Version enforced now',
        value: active ? `version ${active.number}` : 'none',
      },
      {
        kind: 'text',
        label: 'Next review of the policy',
        value: status.nextReview
          ? `${formatDay(status.nextReview)}${status.overdue ? ' (overdue)' : ''}`
          : 'not set',
      },
    ];
    return {
      id: 'policy',
      title: 'Online Safety Policy',
      summary:
        'Policy versions approved by a governor and made active in the period, and when the policy is next due for review.',
      figures,
      tables: [],
    };
  },
};
