import { summariseTraining } from '../governance/training-summary.ts';
import type { SectionProvider } from './governor-report-types.ts';

/**
 * Staff training as at the end of the period: per course, over the people whose roles require
 * it, how many are current, how many have run out and how many have none recorded. About staff
 * and governors, never pupils, so the counts are shown as they are.
 */
export const trainingSection: SectionProvider = {
  id: 'training',
  title: 'Training',
  async collect(db, schoolId, period) {
    const at = new Date(period.to.getTime() - 1);
    const rows = (await summariseTraining(db, schoolId, at)).sort((a, b) =>
      a.course.localeCompare(b.course),
    );
    const table = (
      id: string,
      title: string,
      countHeading: string,
      pick: (r: (typeof rows)[number]) => number,
    ) => ({
      id,
      title,
      labelHeading: 'Course',
      countHeading,
      rows: rows.map((r) => ({ label: r.course, count: pick(r) })),
      rowsOverlap: true,
      notAboutPupils: true as const,
    });
    return {
      id: 'training',
      title: 'Training',
      summary: `Online safety training of the staff and governors whose roles require it, as at ${period.toDay}, from the training records.`,
      figures: [],
      tables: [
        table('training-current', 'Training current', 'People current', (r) => r.current),
        table(
          'training-expired',
          'Training run out',
          'People whose training ran out',
          (r) => r.expired,
        ),
        table(
          'training-missing',
          'Training not recorded',
          'People with none recorded',
          (r) => r.missing,
        ),
      ],
    };
  },
};
