import { sumDailyActivityBy } from '../store/governor-report-repository.ts';
import { listGroups } from '../store/school-repository.ts';
import type { SectionProvider } from './governor-report-types.ts';
import { categoryLabel } from './governor-report-labels.ts';

/** What the filter blocked in the period, by category and by group (from the daily rollup). */
export const blocksSection: SectionProvider = {
  id: 'blocks',
  title: 'Filtering: blocked requests',
  async collect(db, schoolId, period) {
    const range = { schoolId, fromDay: period.fromDay, toDay: period.toDay };
    const [byAction, byCategory, byGroup, groups] = await Promise.all([
      sumDailyActivityBy(db, { ...range, by: 'action' }),
      sumDailyActivityBy(db, { ...range, by: 'category', action: 'block' }),
      sumDailyActivityBy(db, { ...range, by: 'group', action: 'block' }),
      listGroups(db, schoolId),
    ]);
    const groupName = new Map(groups.map((g) => [g.slug, g.name]));
    const requests = byAction.reduce((sum, r) => sum + r.events, 0);
    const blocked = byAction.find((r) => r.key === 'block')?.events ?? 0;
    return {
      id: 'blocks',
      title: 'Filtering: blocked requests',
      summary:
        'Web requests the filter blocked, counted from the daily activity totals. A request is one page or resource a device asked for, not one person.',
      figures: [
        { kind: 'count', label: 'Web requests decided', count: requests },
        { kind: 'count', label: 'Requests blocked', count: blocked },
      ],
      tables: [
        {
          id: 'blocks-by-category',
          title: 'Blocked requests by category',
          labelHeading: 'Category',
          countHeading: 'Requests blocked',
          rows: byCategory.map((r) => ({ label: categoryLabel(r.key), count: r.events })),
          total: true,
          chart: true,
        },
        {
          id: 'blocks-by-group',
          title: 'Blocked requests by group',
          labelHeading: 'Group',
          countHeading: 'Requests blocked',
          rows: byGroup.map((r) => ({
            label: r.key === null ? 'Not signed in' : (groupName.get(r.key) ?? r.key),
            count: r.events,
          })),
          total: true,
          chart: true,
        },
      ],
    };
  },
};
