import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  columnGroups,
  userActionRows,
  type Policy,
  type SanctionsTable,
} from '../document/policy-schema.ts';
import { validatePolicy } from '../document/policy-validate.ts';
import { parsePolicyYaml, stringifyPolicyYaml } from '../document/policy-yaml.ts';
import { toRules } from '../document/to-rules.ts';
import {
  DEMO_SCHOOL_NAME,
  TEMPLATE_IDS,
  demoSchoolPolicy,
  listTemplates,
  loadTemplate,
  readTemplate,
} from './index.ts';

/** The filter categories of FIL-3, which every template defines. */
const HAVEN_CATEGORIES = [
  'child-abuse',
  'terrorism',
  'pornography',
  'gambling',
  'drugs',
  'hate',
  'extremism',
  'violence',
  'self-harm',
  'malware-hacking',
  'piracy',
  'circumvention',
  'social-media',
  'messaging',
  'online-gaming',
  'educational-games',
  'shopping',
  'file-sharing',
  'video-broadcasting',
  'dating',
];

function sourcesIn(value: unknown, out: { seed: string; section: string }[] = []) {
  if (Array.isArray(value)) for (const item of value) sourcesIn(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'metadata') continue;
      if (key === 'source') out.push(inner as { seed: string; section: string });
      else sourcesIn(inner, out);
    }
  }
  return out;
}

for (const id of TEMPLATE_IDS) {
  test(`${id}: parses with no problems or warnings, and is in canonical form`, () => {
    const text = readTemplate(id);
    const result = parsePolicyYaml(text, `${id}.yaml`);
    assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems, null, 2));
    assert.deepEqual(result.warnings, []);
    assert.equal(stringifyPolicyYaml(result.policy), text, 'the file is what stringify writes');
    const again = parsePolicyYaml(stringifyPolicyYaml(result.policy), 'again.yaml');
    assert.ok(again.ok);
    assert.deepEqual(again.policy, result.policy, 'round trip');
  });

  test(`${id}: every entry cites a section of its own seed, listed in metadata`, () => {
    const policy = loadTemplate(id);
    const cited = sourcesIn(policy);
    assert.ok(cited.length > 30);
    const listed = new Set(policy.metadata.sources.map((s) => `${s.seed}|${s.section}`));
    for (const source of cited) {
      assert.equal(source.seed, id);
      assert.ok(listed.has(`${source.seed}|${source.section}`), `unlisted: ${source.section}`);
    }
    for (const row of userActionRows(policy)) assert.equal(row.source.seed, id);
  });

  test(`${id}: defines every Haven category; the illegal ones are blocked for everyone`, () => {
    const policy = loadTemplate(id);
    assert.deepEqual(policy.categories.map((c) => c.id).sort(), [...HAVEN_CATEGORIES].sort());
    const legal = new Map(policy.categories.map((c) => [c.id, c.legal]));
    assert.equal(legal.get('child-abuse'), 'illegal');
    assert.equal(legal.get('terrorism'), 'illegal');
    assert.deepEqual(
      [...legal].filter(([, status]) => status === 'illegal').map(([cat]) => cat),
      ['child-abuse', 'terrorism'],
    );
    const rules = toRules(policy);
    const columns = columnGroups(policy);
    assert.equal(rules.matrix.length, policy.categories.length * columns.length);
    for (const entry of rules.matrix.filter((e) => legal.get(e.category) === 'illegal')) {
      assert.equal(entry.level, 'unacceptable-and-illegal', `${entry.category} × ${entry.group}`);
    }
  });
}

test('listTemplates names both seed schools', () => {
  assert.deepEqual(
    listTemplates().map((t) => [t.id, t.school]),
    [
      ['roundwood', 'Roundwood School'],
      ['crosfields', 'Crosfields School'],
    ],
  );
});

/** The one level a seed row gives every group, or the cells per group where Haven splits it. */
function levelsOf(policy: Policy): Map<string, Record<string, string>> {
  return new Map(
    userActionRows(policy).map((row) => [
      row.id,
      Object.fromEntries(
        Object.entries(row.levels).map(([group, cell]) => [
          group,
          cell.bands
            ? `${cell.level} ${cell.bands.join('+')}`
            : cell.nominated
              ? `${cell.level} ${cell.nominated.join('+')}`
              : cell.level,
        ]),
      ),
    ]),
  );
}

function uniformLevel(cells: Record<string, string> | undefined): string | undefined {
  const values = new Set(Object.values(cells ?? {}));
  return values.size === 1 ? [...values][0] : undefined;
}

const TIMED = 'acceptable-at-certain-times break+lunch+after-school';

test('roundwood: the User Actions table, row by row, as the seed marks it', () => {
  const policy = loadTemplate('roundwood');
  assert.deepEqual(
    columnGroups(policy).map((g) => g.id),
    ['eyfs', 'ks1', 'ks2', 'staff', 'visitors', 'guests'],
  );
  const levels = levelsOf(policy);
  const expected: [string, string, string[]][] = [
    ['child-sexual-abuse-images', 'unacceptable-and-illegal', ['child-abuse']],
    ['grooming', 'unacceptable-and-illegal', []],
    ['extreme-pornography', 'unacceptable-and-illegal', []],
    ['criminally-racist-material', 'unacceptable-and-illegal', []],
    ['pornography', 'unacceptable', ['pornography']],
    ['discrimination', 'unacceptable', ['hate']],
    ['threatening-behaviour', 'unacceptable', ['violence', 'self-harm']],
    ['extremism-terrorism', 'unacceptable', ['extremism']],
    ['offensive-or-disrepute', 'unacceptable', []],
    ['private-business', 'unacceptable', []],
    ['bypassing-filtering', 'unacceptable', ['circumvention']],
    ['infringing-copyright', 'unacceptable', ['piracy']],
    ['confidential-information', 'unacceptable', []],
    ['computer-viruses', 'unacceptable', ['malware-hacking']],
    ['unfair-usage', 'unacceptable', []],
    ['online-gaming-educational', 'acceptable', ['educational-games']],
    ['online-gaming-non-educational', TIMED, ['online-gaming']],
    ['online-gambling', 'unacceptable', ['gambling']],
    ['online-shopping', TIMED, ['shopping']],
    ['file-sharing', TIMED, ['file-sharing']],
    ['social-media', 'split', ['social-media']],
    ['messaging-apps', 'split', ['messaging']],
    ['video-broadcasting', 'acceptable', ['video-broadcasting']],
  ];
  const rows = userActionRows(policy);
  assert.deepEqual(
    rows.map((r) => r.id),
    expected.map(([id]) => id),
    'every seed row, in order',
  );
  for (const [id, level, categories] of expected) {
    const row = rows.find((r) => r.id === id);
    assert.deepEqual(row?.categories, categories, `${id}: categories`);
    assert.equal(row?.enforced, categories.length > 0, `${id}: enforced`);
    if (level !== 'split') assert.equal(uniformLevel(levels.get(id)), level, `${id}: level`);
  }
  // The seed's Communications table splits these two rows between adults and pupils.
  assert.deepEqual(levels.get('social-media'), {
    eyfs: 'unacceptable',
    ks1: 'unacceptable',
    ks2: 'unacceptable',
    staff: TIMED,
    visitors: TIMED,
    guests: 'unacceptable',
  });
  assert.deepEqual(levels.get('messaging-apps'), {
    eyfs: 'unacceptable',
    ks1: 'unacceptable',
    ks2: 'unacceptable',
    staff: TIMED,
    visitors: TIMED,
    guests: 'unacceptable',
  });
});

test('roundwood: Communication Technologies, Mobile Technologies', () => {
  const policy = loadTemplate('roundwood');
  const rows = policy.communications?.rows ?? [];
  assert.deepEqual(
    rows.map((r) => [r.id, r.staff?.level ?? '(blank)', r.pupils?.level ?? '(blank)']),
    [
      ['mobile-phones-in-school', 'allowed', 'allowed-with-staff-permission'],
      ['mobile-phones-in-lessons', 'allowed-at-certain-times', 'not-allowed'],
      ['mobile-phones-in-social-time', 'allowed', 'not-allowed'],
      ['taking-photos', 'allowed', 'not-allowed'],
      ['other-mobile-devices', 'allowed', 'not-allowed'],
      ['personal-email-in-school', 'allowed', 'not-allowed'],
      ['school-email-for-personal-emails', '(blank)', 'not-allowed'],
      ['messaging-apps', 'allowed-at-certain-times', 'not-allowed'],
      ['social-media', 'allowed-at-certain-times', 'not-allowed'],
      ['blogs', 'allowed-at-certain-times', 'not-allowed'],
    ],
  );
  assert.deepEqual(
    policy.mobileTechnologies?.devices.map((d) => [d.class, d.allowedInSchool, d.networkAccess]),
    [
      ['school-single-user', 'allowed', 'full'],
      ['school-multi-user', 'allowed', 'full'],
      ['authorised', 'allowed', 'full'],
      ['pupil-owned', 'with-permission', 'internet-only'],
      ['staff-owned', 'allowed', 'internet-only'],
      ['visitor-owned', 'allowed', 'internet-only'],
    ],
  );
});

/** Marks per incident, one character per column in the seed's column order: X marked, . blank. */
function marks(table: SanctionsTable | undefined): string[] {
  assert.ok(table);
  return table.incidents.map(
    (incident) =>
      `${incident.id} ${table.actions.map((a) => (incident.actions.includes(a.id) ? 'X' : '.')).join('')}`,
  );
}

test('roundwood: the pupil Sanctions table, cell by cell', () => {
  const table = loadTemplate('roundwood').sanctions?.pupils;
  assert.deepEqual(
    table?.actions.map((a) => a.id),
    [
      'refer-class-teacher',
      'refer-head-of-department',
      'refer-headteacher',
      'refer-police',
      'refer-technical-support',
      'inform-parents',
      'remove-network-access',
      'warning',
      'further-sanction',
    ],
  );
  assert.deepEqual(marks(table), [
    'illegal-material .XXX.XXXX',
    'non-educational-sites-in-lessons .XX......',
    'mobile-device-misuse .XX..XXXX',
    'social-media-messaging-email-misuse .XX..XXXX',
    'unauthorised-downloading .XX..X...',
    'sharing-credentials .XX......',
    'using-another-pupils-account .XX......',
    'using-staff-account .XX......',
    'corrupting-data .XX..X...',
    'offensive-messages .XX..XXXX',
    'continued-infringements .XX......',
    'bringing-school-into-disrepute .XX..XXXX',
    'subverting-filtering .XX......',
    'accidental-access-not-reported .XX..X...',
    'deliberate-offensive-access .XX..XXXX',
    'copyright-or-data-protection .XX......',
  ]);
});

test('roundwood: the staff Sanctions table, cell by cell', () => {
  const table = loadTemplate('roundwood').sanctions?.staff;
  assert.deepEqual(
    table?.actions.map((a) => a.id),
    [
      'refer-line-manager',
      'refer-headteacher',
      'refer-local-authority',
      'refer-police',
      'refer-technical-support',
      'warning',
      'suspension',
      'disciplinary-action',
    ],
  );
  assert.deepEqual(marks(table), [
    'illegal-material .XXX.XXX',
    'inappropriate-personal-use .XX..X..',
    'unauthorised-downloading .X......',
    'sharing-credentials-or-using-another-account .X......',
    'careless-use-of-personal-data .XXX....',
    'breaching-data-protection-or-security .X......',
    'corrupting-data-or-damage .X...X..',
    'offensive-messages .X...XXX',
    'personal-channels-with-pupils .X...X..',
    'compromising-professional-standing .X...XXX',
    'bringing-school-into-disrepute .X...XXX',
    'subverting-filtering .X......',
    'accidental-access-not-reported .XX..X..',
    'deliberate-offensive-access .XXX.XXX',
    'breaching-copyright-or-licensing .X......',
    'continued-infringements .XXX....',
  ]);
  const last = table?.incidents.at(-1);
  assert.match(last?.note ?? '', /source text ends/, 'the truncated last row says so');
});

test('crosfields: the User actions table, row by row, as the seed marks it', () => {
  const policy = loadTemplate('crosfields');
  assert.deepEqual(
    columnGroups(policy).map((g) => g.id),
    ['eyfs', 'ks1', 'ks2', 'ks3', 'ks4', 'sixth-form', 'staff', 'visitors', 'guests'],
  );
  const levels = levelsOf(policy);
  const expected: [string, string, string[]][] = [
    ['illegal-activity', 'unacceptable-and-illegal', ['child-abuse', 'terrorism']],
    ['computer-misuse', 'unacceptable-and-illegal', []],
    [
      'inappropriate-material',
      'acceptable-for-nominated-users safeguarding-checkers',
      ['pornography', 'gambling', 'drugs'],
    ],
    ['discrimination', 'unacceptable', ['hate']],
    ['private-business', 'unacceptable', []],
    ['bypassing-filtering', 'unacceptable', ['circumvention']],
    ['infringing-copyright', 'unacceptable', ['piracy']],
    ['offensive-or-disrepute', 'unacceptable', []],
  ];
  const rows = userActionRows(policy);
  assert.deepEqual(
    rows.map((r) => r.id),
    expected.map(([id]) => id),
  );
  for (const [id, level, categories] of expected) {
    assert.equal(uniformLevel(levels.get(id)), level, `${id}: level`);
    assert.deepEqual(rows.find((r) => r.id === id)?.categories, categories, `${id}: categories`);
  }
  assert.equal(rows.find((r) => r.id === 'illegal-activity')?.items?.length, 11);
  assert.equal(rows.find((r) => r.id === 'computer-misuse')?.items?.length, 6);
  assert.equal(
    policy.communications,
    undefined,
    'the seed has no Communication Technologies table',
  );
  assert.equal(policy.mobileTechnologies, undefined, 'the seed has no Mobile Technologies table');
  assert.equal(policy.sanctions, undefined, 'the seed has no Sanctions tables');
});

test('the demo school has the design’s groups, the Roundwood tables, and validates', () => {
  const policy = demoSchoolPolicy();
  assert.equal(policy.metadata.school, DEMO_SCHOOL_NAME);
  assert.deepEqual(
    policy.groups.map((g) => g.id),
    [
      'eyfs',
      'ks1',
      'ks2',
      'ks3',
      'ks4',
      'sixth-form',
      'staff',
      'visitors',
      'guests',
      'safeguarding-checkers',
    ],
  );
  const validation = validatePolicy(JSON.parse(JSON.stringify(policy)));
  assert.ok(validation.ok, validation.ok ? '' : JSON.stringify(validation.errors, null, 2));
  assert.deepEqual(validation.warnings, []);
  const levels = levelsOf(policy);
  for (const [row, cells] of levels)
    assert.equal(cells.ks3, cells.ks2, `${row}: ks3 starts from ks2`);
  const text = stringifyPolicyYaml(policy);
  const again = parsePolicyYaml(text, 'demo.yaml');
  assert.ok(again.ok);
  assert.deepEqual(again.policy, policy);
  const rules = toRules(policy);
  assert.equal(rules.school.id, 'roundwood-demo-school');
  assert.ok(rules.groups.some((g) => g.id === 'safeguarding-checkers' && g.kind === 'nominated'));
  assert.ok(rules.groups.some((g) => g.id === 'ks2' && g.kind === 'age-stage'));
});
