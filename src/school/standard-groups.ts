/** The groups every school starts with: the key stages, staff, visitors, guests and the nominated users. */
export type GroupKind = 'key-stage' | 'staff' | 'visitors' | 'guests' | 'nominated' | 'custom';

export interface StandardGroup {
  slug: string;
  name: string;
  kind: GroupKind;
}

export const standardGroups: readonly StandardGroup[] = [
  { slug: 'eyfs', name: 'Early Years Foundation Stage', kind: 'key-stage' },
  { slug: 'ks1', name: 'Key Stage 1', kind: 'key-stage' },
  { slug: 'ks2', name: 'Key Stage 2', kind: 'key-stage' },
  { slug: 'ks3', name: 'Key Stage 3', kind: 'key-stage' },
  { slug: 'ks4', name: 'Key Stage 4', kind: 'key-stage' },
  { slug: 'sixth-form', name: 'Sixth form', kind: 'key-stage' },
  { slug: 'staff', name: 'Staff', kind: 'staff' },
  { slug: 'visitors', name: 'Visitors', kind: 'visitors' },
  { slug: 'guests', name: 'Guests (unidentified devices)', kind: 'guests' },
  {
    slug: 'safeguarding-checkers',
    name: 'Safeguarding checkers (nominated users)',
    kind: 'nominated',
  },
];

/** Groups a person is placed in by their year group or staff role; imports replace only these. */
export const placementGroupSlugs: ReadonlySet<string> = new Set(
  standardGroups
    .filter((g) => g.kind === 'key-stage' || g.kind === 'staff' || g.kind === 'visitors')
    .map((g) => g.slug),
);
