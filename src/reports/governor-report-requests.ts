import { countBlockPageRequests } from '../store/governor-report-repository.ts';
import type { SectionProvider } from './governor-report-types.ts';

/** What people asked from the block page: reviews of blocked sites, and worries reported. */
export const requestsSection: SectionProvider = {
  id: 'block-page-requests',
  title: 'Review requests and worries',
  async collect(db, schoolId, period) {
    const rows = await countBlockPageRequests(db, schoolId, period.from, period.to);
    const count = (kind: string) =>
      rows.filter((r) => r.kind === kind).reduce((sum, r) => sum + r.count, 0);
    return {
      id: 'block-page-requests',
      title: 'Review requests and worries',
      summary:
        'Requests to review a blocked site and worries reported from the block page (a worry may be anonymous).',
      figures: [],
      tables: [
        {
          id: 'block-page-requests-by-kind',
          title: 'Sent from the block page',
          labelHeading: 'Kind',
          countHeading: 'Requests',
          rows: [
            { label: 'Requests to review a blocked site', count: count('review') },
            { label: 'Worries reported', count: count('worry') },
          ],
          total: true,
          chart: true,
        },
      ],
    };
  },
};
