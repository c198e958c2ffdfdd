import { listFilterChangesBetween } from '../store/governor-report-repository.ts';
import type { SectionProvider } from './governor-report-types.ts';
import { filterChangeLabel } from './governor-report-labels.ts';

/** Changes to what the filter enforces in the period (FIL-7), by kind, from the change log. */
export const filterChangesSection: SectionProvider = {
  id: 'filter-changes',
  title: 'Filter changes',
  async collect(db, schoolId, period) {
    const changes = await listFilterChangesBetween(db, schoolId, period.from, period.to);
    const byKind = new Map<string, number>();
    for (const c of changes) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
    return {
      id: 'filter-changes',
      title: 'Filter changes',
      summary:
        'Every change to what the filter enforces (policy versions, block lists, local allow and block entries), from the filter change log. The full log, with reasons, is in the annual review.',
      figures: [{ kind: 'number', label: 'Filter changes', value: changes.length }],
      tables: [
        {
          id: 'filter-changes-by-kind',
          title: 'Filter changes by kind',
          labelHeading: 'Change',
          countHeading: 'Changes',
          rows: [...byKind.entries()]
            .map(([kind, count]) => ({ label: filterChangeLabel(kind), count }))
            .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
          total: true,
          chart: true,
          notAboutPupils: true,
        },
      ],
    };
  },
};
