import type { Kysely } from 'kysely';
import { systemActor } from '../access/actor.ts';
import { demoPassword } from '../access/passwords.ts';
import type { Role } from '../access/roles.ts';
import { createPerson } from '../school/people.ts';
import { createSchool } from '../school/schools.ts';
import { adoptFirstPolicy } from '../filtering/policy-versions.ts';
// Governance registers
import { addDemoRegisters } from '../governance/register-demo-data.ts';
import { addDemoIncidents } from '../casework/incident-demo.ts';
import { demoSchoolPolicy } from '../policy/templates/index.ts';
import { findSchoolBySlug } from '../store/school-repository.ts';
import type { Database, School } from '../store/schema.ts';
// Temporary exemptions and filter change control
import { addDemoExemptions } from './demo-exemptions.ts';
// Acceptable use agreements, training records and surveys
import { setupDemoAuaTrainingSurveys } from './demo-aua-training-surveys.ts';

export const demoSchoolSlug = 'roundwood-demo';
export const demoSchoolName = 'Roundwood Demo School';

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: Role[];
  groups: string[];
  yearGroup?: string;
  staffRole?: string;
  /** What this account is for, printed at start. */
  purpose: string;
}

/** The demo accounts of DESIGN.md "Interfaces"; all use the password `haven-demo`. */
export const demoAccounts: readonly DemoAccount[] = [
  {
    username: 'dsl',
    displayName: 'Dana Shah',
    roles: ['staff', 'dsl'],
    groups: ['staff', 'safeguarding-checkers'],
    staffRole: 'Designated Safeguarding Lead',
    purpose: 'Designated Safeguarding Lead',
  },
  {
    username: 'head',
    displayName: 'Harriet Oduya',
    roles: ['staff', 'head'],
    groups: ['staff'],
    staffRole: 'Headteacher',
    purpose: 'Headteacher',
  },
  {
    username: 'teacher',
    displayName: 'Tom Ellis',
    roles: ['staff'],
    groups: ['staff'],
    staffRole: 'Class teacher (Year 5)',
    purpose: 'Class teacher',
  },
  {
    username: 'tech',
    displayName: 'Priya Natarajan',
    roles: ['staff', 'technician'],
    groups: ['staff'],
    staffRole: 'Network manager',
    purpose: 'IT provider / technician',
  },
  {
    username: 'governor',
    displayName: 'George Whitfield',
    roles: ['governor'],
    groups: [],
    purpose: 'Online safety governor',
  },
  {
    username: 'pupil',
    displayName: 'Pip Adeyemi',
    roles: ['pupil'],
    groups: ['ks2'],
    yearGroup: 'Year 5',
    purpose: 'Pupil in Key Stage 2',
  },
  {
    username: 'parent',
    displayName: 'Pat Adeyemi',
    roles: ['parent'],
    groups: [],
    purpose: 'Parent of the demo pupil',
  },
  // Casework: concerns about the head go to the chair of governors (INC-4).
  {
    username: 'chair',
    displayName: 'Carys Morgan',
    roles: ['chair-of-governors'],
    groups: [],
    purpose: 'Chair of governors (receives concerns about the head)',
  },
];

/**
 * Set up the demo school, its groups and the demo accounts. Does nothing when it exists
 * already, so it is safe to run at every start.
 */
export async function setupDemoSchool(
  db: Kysely<Database>,
  now: Date,
): Promise<{ school: School; created: boolean }> {
  const existing = await findSchoolBySlug(db, demoSchoolSlug);
  if (existing) return { school: existing, created: false };
  const actor = systemActor('demo');
  const school = await createSchool(db, {
    slug: demoSchoolSlug,
    name: demoSchoolName,
    isDemo: true,
    actor,
    now,
  });
  const people = new Map<string, string>();
  for (const account of demoAccounts) {
    const person = await createPerson(
      db,
      {
        schoolId: school.id,
        username: account.username,
        displayName: account.displayName,
        email: `${account.username}@roundwood-demo.invalid`,
        roles: account.roles,
        groups: account.groups,
        yearGroup: account.yearGroup ?? null,
        staffRole: account.staffRole ?? null,
        password: demoPassword,
      },
      { actor, now },
    );
    people.set(account.username, person.id);
  }
  const governorId = people.get('governor');
  const nextReview = new Date(now.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  await adoptFirstPolicy(
    db,
    {
      schoolId: school.id,
      document: demoSchoolPolicy(),
      changeNote: 'The Roundwood template, as the demo school adopted it.',
      approval: governorId
        ? { governorId, note: 'Approved for the demo school (Roundwood template).' }
        : null,
      nextReview,
    },
    { actor, now },
  );
  // Governance registers
  await addDemoRegisters(db, { schoolId: school.id, people, actor, now });
  // Temporary exemptions and filter change control
  await addDemoExemptions(db, school.id, now);
  // Acceptable use agreements, training records and a pupil survey
  await setupDemoAuaTrainingSurveys(db, { schoolId: school.id, people, actor, now });
  // Casework: one closed incident, walked through the flowchart
  await addDemoIncidents(db, school, now);
  return { school, created: true };
}
