import { roles } from '../access/roles.ts';
import { countPeopleByRole } from '../store/governor-report-repository.ts';
import type { SectionProvider } from './governor-report-types.ts';
import { roleLabel } from './governor-report-labels.ts';

/** How many people hold each role in Haven now (accounts that are not switched off). */
export const peopleSection: SectionProvider = {
  id: 'people',
  title: 'People using Haven',
  async collect(db, schoolId) {
    const counts = await countPeopleByRole(db, schoolId);
    const byRole = new Map(counts.map((c) => [c.role, c.count]));
    return {
      id: 'people',
      title: 'People using Haven',
      summary:
        'Accounts by role when the report was collected (a person may hold several roles, so the rows do not add up to a head count).',
      figures: [],
      tables: [
        {
          id: 'people-by-role',
          title: 'Accounts by role',
          labelHeading: 'Role',
          countHeading: 'Accounts',
          rows: roles
            .filter((role) => role !== 'trust-admin')
            .map((role) => ({ label: roleLabel(role), count: byRole.get(role) ?? 0 })),
          chart: false,
          rowsOverlap: true,
        },
      ],
    };
  },
};
