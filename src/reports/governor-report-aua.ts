import { auaAudienceLabels } from '../filtering/aua-safe-list.ts';
import { summariseAuaCompletion } from '../governance/aua-summary.ts';
import type { SectionProvider } from './governor-report-types.ts';

/**
 * Acceptable use agreements as at the end of the period: per audience, how many have signed the
 * version in force and how many have still to sign. Audiences include pupils, so the tables are
 * anonymised.
 */
export const auaSection: SectionProvider = {
  id: 'aua-completion',
  title: 'Acceptable use agreements',
  async collect(db, schoolId, period) {
    // The end of the period: the instant after its last day (`period.to` is exclusive).
    const at = new Date(period.to.getTime() - 1);
    const rows = await summariseAuaCompletion(db, schoolId, at);
    return {
      id: 'aua-completion',
      title: 'Acceptable use agreements',
      summary: `Who has signed the acceptable use agreement (AUA) in force for them, as at ${period.toDay}, by audience. Audiences with no published agreement are left out.`,
      figures: [],
      tables: [
        {
          id: 'aua-signed',
          title: 'Signed the agreement in force',
          labelHeading: 'Audience',
          countHeading: 'Signed',
          rows: rows.map((r) => ({ label: auaAudienceLabels[r.audience], count: r.signed })),
          total: true,
        },
        {
          id: 'aua-to-sign',
          title: 'Still to sign',
          labelHeading: 'Audience',
          countHeading: 'Still to sign',
          rows: rows.map((r) => ({
            label: auaAudienceLabels[r.audience],
            count: Math.max(0, r.due - r.signed),
          })),
          total: true,
        },
      ],
    };
  },
};
