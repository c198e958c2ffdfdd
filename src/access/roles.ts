/**
 * The people who use Haven (DESIGN.md "Who uses it"). A user may hold several roles
 * (a head who is also the DSL); what they may do is the union of their roles' abilities.
 */
export const roles = [
  'pupil',
  'parent',
  'staff',
  'technician',
  'dsl',
  'deputy-dsl',
  'online-safety-lead',
  'head',
  'governor',
  'chair-of-governors',
  'visitor',
  'trust-admin',
] as const;

export type Role = (typeof roles)[number];

export const roleLabels: Readonly<Record<Role, string>> = {
  pupil: 'Pupil',
  parent: 'Parent or carer',
  staff: 'Staff (teacher or support)',
  technician: 'IT provider / technician',
  dsl: 'Designated Safeguarding Lead',
  'deputy-dsl': 'Deputy DSL',
  'online-safety-lead': 'Online safety lead',
  head: 'Headteacher / SLT',
  governor: 'Governor',
  'chair-of-governors': 'Chair of governors',
  visitor: 'Visitor or guest',
  'trust-admin': 'Trust administrator',
};

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** Roles held by adults who work in the school (used by the "staff" abilities). */
export const staffRoles: readonly Role[] = [
  'staff',
  'technician',
  'dsl',
  'deputy-dsl',
  'online-safety-lead',
  'head',
];
