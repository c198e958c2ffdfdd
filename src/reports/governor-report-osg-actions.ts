import { osgActionsRegister } from '../governance/registers/roles-registers.ts';
import { endOfDay } from '../governance/register-clocks.ts';
import { listRegisterRows } from '../store/register-repository.ts';
import type { SectionProvider } from './governor-report-types.ts';

/**
 * The Online Safety Group's actions still open at the end of the period, and how many of them
 * were past their due date then (GOV-1). About the school's work, not about pupils.
 */
export const osgActionsSection: SectionProvider = {
  id: 'osg-actions',
  title: 'Online Safety Group actions',
  async collect(db, schoolId, period) {
    const rows = await listRegisterRows(db, schoolId, osgActionsRegister.key);
    const open = rows.filter((row) => {
      const data = row.data as Record<string, unknown>;
      const status = typeof data.status === 'string' ? data.status : '';
      return status !== 'done' && status !== 'dropped';
    });
    const overdue = open.filter((row) => {
      const due = (row.data as Record<string, unknown>).due;
      return typeof due === 'string' && endOfDay(due).getTime() < period.to.getTime();
    });
    return {
      id: 'osg-actions',
      title: 'Online Safety Group actions',
      summary:
        'Actions agreed by the Online Safety Group (including 360 degree safe improvement actions) that are not done or dropped, from the actions register, and how many are past their due date.',
      figures: [
        { kind: 'number', label: 'Open actions', value: open.length },
        { kind: 'number', label: 'Open actions past their due date', value: overdue.length },
      ],
      tables: [],
    };
  },
};
