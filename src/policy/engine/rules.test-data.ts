import type { MatrixEntry, Rules } from './rules.ts';
import { BUILT_IN_CATEGORIES } from './categories.ts';

/**
 * A school's rules for tests, shaped like the seeds' user actions table (Roundwood): key stages,
 * staff, visitors, guests and the nominated group `safeguarding-checkers`; lessons, break, lunch
 * and after school in Europe/London. `buildRules({ … })` overrides any part.
 */

const PUPILS = ['eyfs', 'ks1', 'ks2', 'ks3', 'ks4', 'sixth-form'] as const;
const EVERYONE = [...PUPILS, 'staff', 'visitors', 'guests'] as const;

function row(
  category: string,
  cells: Partial<Record<(typeof EVERYONE)[number], Omit<MatrixEntry, 'category' | 'group'>>>,
): MatrixEntry[] {
  return Object.entries(cells).map(([group, cell]) => ({ category, group, ...cell }));
}

function all(
  category: string,
  cell: Omit<MatrixEntry, 'category' | 'group'>,
  except: Partial<Record<(typeof EVERYONE)[number], Omit<MatrixEntry, 'category' | 'group'>>> = {},
): MatrixEntry[] {
  return row(category, Object.fromEntries(EVERYONE.map((g) => [g, except[g] ?? cell])));
}

const UNACCEPTABLE = { level: 'unacceptable' } as const;
const NOMINATED = {
  level: 'acceptable-for-nominated-users',
  nominatedGroups: ['safeguarding-checkers'],
} as const;

export const TEST_RULES: Rules = {
  school: { id: 'roundwood', name: 'Roundwood Demo School', timeZone: 'Europe/London' },
  categories: BUILT_IN_CATEGORIES.map(({ id, label, legal }) => ({ id, label, legal })),
  bands: [
    {
      id: 'lessons',
      label: 'lessons',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      ranges: [
        { from: '09:00', to: '10:30' },
        { from: '10:45', to: '12:15' },
        { from: '13:15', to: '15:15' },
      ],
    },
    {
      id: 'break',
      label: 'break',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      ranges: [{ from: '10:30', to: '10:45' }],
    },
    {
      id: 'lunch',
      label: 'lunch',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      ranges: [{ from: '12:15', to: '13:15' }],
    },
    {
      id: 'after-school',
      label: 'after school',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      ranges: [{ from: '15:15', to: '18:00' }],
    },
  ],
  groups: [
    { id: 'eyfs', label: 'Early Years', kind: 'age-stage', uncategorised: 'block' },
    { id: 'ks1', label: 'Key Stage 1', kind: 'age-stage' },
    { id: 'ks2', label: 'Key Stage 2', kind: 'age-stage' },
    { id: 'ks3', label: 'Key Stage 3', kind: 'age-stage' },
    { id: 'ks4', label: 'Key Stage 4', kind: 'age-stage' },
    { id: 'sixth-form', label: 'Sixth Form', kind: 'age-stage' },
    { id: 'staff', label: 'Staff', kind: 'staff' },
    { id: 'visitors', label: 'Visitors', kind: 'visitor', defaultCell: { level: 'unacceptable' } },
    { id: 'guests', label: 'Guests', kind: 'guest' },
    { id: 'safeguarding-checkers', label: 'Safeguarding checkers', kind: 'nominated' },
  ],
  matrix: [
    ...all('child-abuse', { level: 'unacceptable-and-illegal' }),
    ...all('terrorism', { level: 'unacceptable-and-illegal' }),
    ...all('extreme-pornography', { level: 'unacceptable-and-illegal' }),
    ...all('pornography', UNACCEPTABLE, { staff: NOMINATED }),
    ...all('gambling', UNACCEPTABLE, { staff: NOMINATED }),
    ...all('drugs', UNACCEPTABLE, { staff: NOMINATED }),
    ...all('hate', UNACCEPTABLE, { staff: NOMINATED }),
    ...all('self-harm', UNACCEPTABLE, { staff: NOMINATED }),
    ...all('malware-hacking', UNACCEPTABLE),
    ...all('phishing', UNACCEPTABLE),
    ...all('circumvention', UNACCEPTABLE),
    ...all('dating', UNACCEPTABLE),
    ...all('piracy', UNACCEPTABLE),
    ...row('social-media', {
      eyfs: UNACCEPTABLE,
      ks1: UNACCEPTABLE,
      ks2: UNACCEPTABLE,
      ks3: { level: 'acceptable-at-certain-times', bands: ['lunch'] },
      ks4: { level: 'acceptable-at-certain-times', bands: ['break', 'lunch'] },
      'sixth-form': {
        level: 'acceptable-at-certain-times',
        bands: ['break', 'lunch', 'after-school'],
      },
      staff: { level: 'acceptable' },
      guests: UNACCEPTABLE,
    }),
    ...row('online-gaming', {
      ks2: UNACCEPTABLE,
      ks3: { level: 'acceptable-at-certain-times', bands: ['after-school'] },
      ks4: { level: 'acceptable-at-certain-times', bands: ['after-school'] },
    }),
    ...row('sex-education', { eyfs: UNACCEPTABLE, ks1: UNACCEPTABLE }),
  ],
  defaultCell: { level: 'acceptable' },
  uncategorised: 'allow',
  fallbackGroup: 'guests',
  exemptions: [],
  localEntries: [],
  flagCategories: ['self-harm'],
  help: [],
  schoolSites: ['roundwood.sch.uk'],
};

export function buildRules(overrides: Partial<Rules> = {}): Rules {
  return { ...TEST_RULES, ...overrides };
}

/** Instants in term time (Europe/London, BST in June): Wednesday 2026-06-17. */
export const AT = {
  lessons: new Date('2026-06-17T08:30:00Z'), // 09:30 local
  break: new Date('2026-06-17T09:35:00Z'), // 10:35 local
  lunch: new Date('2026-06-17T11:30:00Z'), // 12:30 local
  afterSchool: new Date('2026-06-17T15:00:00Z'), // 16:00 local
  night: new Date('2026-06-17T22:00:00Z'), // 23:00 local
  saturday: new Date('2026-06-20T11:30:00Z'),
} as const;
