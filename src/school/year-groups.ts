import type { Role } from '../access/roles.ts';

/**
 * English school years to key stages. MIS exports write year groups in many ways
 * ("Year 3", "Y3", "3", "Reception", "Rec", "Nursery", "Year 12", "L6"): all are accepted.
 */
export function keyStageOfYearGroup(value: string): string | null {
  const v = value.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^(n|n1|n2|nursery|pre-?school|reception|rec|r|yr ?r|year r|fs1|fs2|eyfs)$/.test(v))
    return 'eyfs';
  if (/^(l6|u6|lower sixth|upper sixth|sixth form|6th form)$/.test(v)) return 'sixth-form';
  const match = /^(?:year|yr|y|ncy|nc year)? ?(\d{1,2})$/.exec(v);
  if (!match) return null;
  const year = Number(match[1]);
  if (year >= 1 && year <= 2) return 'ks1';
  if (year >= 3 && year <= 6) return 'ks2';
  if (year >= 7 && year <= 9) return 'ks3';
  if (year >= 10 && year <= 11) return 'ks4';
  if (year >= 12 && year <= 13) return 'sixth-form';
  return null;
}

export interface StaffPlacement {
  roles: Role[];
  group: string | null;
}

const staffRolePatterns: readonly [RegExp, StaffPlacement][] = [
  [/^(chair of governors|chair)$/, { roles: ['governor', 'chair-of-governors'], group: null }],
  [/governor/, { roles: ['governor'], group: null }],
  [/deputy (dsl|designated safeguarding)/, { roles: ['staff', 'deputy-dsl'], group: 'staff' }],
  [/^(dsl|designated safeguarding lead)$/, { roles: ['staff', 'dsl'], group: 'staff' }],
  [
    /^(head|headteacher|head teacher|principal|executive head)$/,
    { roles: ['staff', 'head'], group: 'staff' },
  ],
  [
    /online safety (lead|coordinator|co-ordinator)|director of digital/,
    { roles: ['staff', 'online-safety-lead'], group: 'staff' },
  ],
  [
    /technician|network manager|it (support|provider|manager)|^it$/,
    { roles: ['staff', 'technician'], group: 'staff' },
  ],
  [/^(parent|carer|parent\/carer|guardian)$/, { roles: ['parent'], group: null }],
  [/^(visitor|guest|supply visitor)$/, { roles: ['visitor'], group: 'visitors' }],
  [/^trust admin/, { roles: ['trust-admin'], group: null }],
];

/** Roles and placement group for a staff role as an MIS writes it; any other staff title is staff. */
export function placementOfStaffRole(value: string): StaffPlacement {
  const v = value.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [pattern, placement] of staffRolePatterns) {
    if (pattern.test(v)) return placement;
  }
  return { roles: ['staff'], group: 'staff' };
}
