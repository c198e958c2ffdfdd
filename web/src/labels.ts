const roleLabels: Record<string, string> = {
  pupil: 'Pupil',
  parent: 'Parent or carer',
  staff: 'Staff',
  technician: 'IT provider / technician',
  dsl: 'Designated Safeguarding Lead',
  'deputy-dsl': 'Deputy DSL',
  'online-safety-lead': 'Online safety lead',
  head: 'Headteacher / SLT',
  governor: 'Governor',
  'chair-of-governors': 'Chair of governors',
  visitor: 'Visitor',
  'trust-admin': 'Trust administrator',
};

export function roleLabel(role: string): string {
  return roleLabels[role] ?? role;
}

export const allRoles = Object.keys(roleLabels);
