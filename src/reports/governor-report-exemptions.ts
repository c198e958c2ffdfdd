import { summariseChangeRequests, summariseExemptions } from '../casework/exemption-summary.ts';
import type { SectionProvider } from './governor-report-types.ts';

/**
 * Filter exemptions (sites unblocked for a class for a time) and change requests (asks to change
 * what the filter enforces) made in the period, by status and by what they were for. Counts
 * only: who asked and who decided stay in the app. Anonymised like every table about pupils'
 * browsing.
 */
export const exemptionsSection: SectionProvider = {
  id: 'exemptions',
  title: 'Exemptions and change requests',
  async collect(db, schoolId, period) {
    const range = { from: period.from, to: period.to };
    const [exemptions, changes] = await Promise.all([
      summariseExemptions(db, schoolId, range),
      summariseChangeRequests(db, schoolId, range),
    ]);
    return {
      id: 'exemptions',
      title: 'Exemptions and change requests',
      summary:
        'Requests to unblock a site or category for a class for a while (exemptions), and requests to change what the filter enforces (change requests), made in the period.',
      figures: [
        { kind: 'count', label: 'Exemptions requested', count: exemptions.total },
        { kind: 'count', label: 'Change requests made', count: changes.total },
      ],
      tables: [
        {
          id: 'exemptions-by-status',
          title: 'Exemptions by decision',
          labelHeading: 'Decision',
          countHeading: 'Exemptions',
          rows: exemptions.byStatus,
          total: true,
        },
        {
          id: 'exemptions-by-target',
          title: 'Exemptions by site or category',
          labelHeading: 'Site or category',
          countHeading: 'Exemptions',
          rows: exemptions.byTarget,
          total: true,
          chart: true,
        },
        {
          id: 'change-requests-by-status',
          title: 'Change requests by decision',
          labelHeading: 'Decision',
          countHeading: 'Change requests',
          rows: changes.byStatus,
          total: true,
        },
        {
          id: 'change-requests-by-kind',
          title: 'Change requests by kind of change',
          labelHeading: 'Change',
          countHeading: 'Change requests',
          rows: changes.byTarget,
          total: true,
        },
      ],
    };
  },
};
