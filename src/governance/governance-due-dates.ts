import type { Kysely } from 'kysely';
import type { Ability } from '../access/abilities.ts';
import { listRegisterRows, listSchoolPeople } from '../store/register-repository.ts';
import type { Database } from '../store/schema.ts';
import { registerContext, toView } from './register-workflow.ts';
import { registers } from './registers/index.ts';

export interface GovernanceDueDate {
  /** What falls due: `osg-action`, `dpia-review`, `breach-ico`, `sar`, `foi`, `licence-renewal`, `guest-expiry`, `device-loan`. */
  readonly kind: string;
  readonly title: string;
  readonly due: Date;
  /** Where the record is in the web app. */
  readonly href: string;
  readonly overdue: boolean;
  /** The ability needed to read the record (callers show each item only to those who hold it). */
  readonly ability: Ability;
}

/**
 * Every due date the governance registers hold for a school (GOV-1, GOV-6, GOV-8): open Online
 * Safety Group actions, DPIA reviews, the ICO clock of undecided breaches, subject access and
 * FOI requests not yet answered, licence renewals, devices due back and guest account expiries.
 * Archived rows are left out. Sorted by due date; the compliance calendar calls this.
 */
export async function governanceDueDates(
  db: Kysely<Database>,
  schoolId: string,
  now: Date,
): Promise<GovernanceDueDate[]> {
  const withDates = registers.filter((r) => r.dueDates);
  const people = await listSchoolPeople(db, schoolId);
  const ctx = await registerContext(db, schoolId, withDates, now, people);
  const items: GovernanceDueDate[] = [];
  for (const definition of withDates) {
    for (const row of await listRegisterRows(db, schoolId, definition.key)) {
      for (const item of definition.dueDates?.(toView(row), ctx) ?? []) {
        items.push({
          kind: item.kind,
          title: item.title,
          due: item.due,
          href: `/registers/${definition.key}?row=${row.id}`,
          overdue: item.due.getTime() < now.getTime(),
          ability: definition.readAbility,
        });
      }
    }
  }
  return items.sort((a, b) => a.due.getTime() - b.due.getTime() || a.title.localeCompare(b.title));
}
