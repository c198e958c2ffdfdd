import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Exemption } from '../engine/rules.ts';
import { loadTemplate } from '../templates/index.ts';
import type { Policy } from './policy-schema.ts';
import { matrixProvenance, schoolSlug, toRules } from './to-rules.ts';

function cell(policy: Policy, category: string, group: string) {
  const entry = toRules(policy).matrix.find((e) => e.category === category && e.group === group);
  assert.ok(entry, `no matrix entry for ${category} × ${group}`);
  return Object.fromEntries(
    Object.entries(entry).filter(([key]) => key !== 'category' && key !== 'group'),
  );
}

test('roundwood: the matrix the engine gets is the User Actions table', () => {
  const policy = loadTemplate('roundwood');
  const rules = toRules(policy);
  assert.deepEqual(rules.school, {
    id: 'roundwood-school',
    name: 'Roundwood School',
    timeZone: 'Europe/London',
  });
  assert.equal(rules.fallbackGroup, 'guests');
  assert.deepEqual(rules.defaultCell, { level: 'acceptable' });
  assert.equal(rules.uncategorised, 'allow');
  assert.deepEqual(cell(policy, 'child-abuse', 'staff'), { level: 'unacceptable-and-illegal' });
  assert.deepEqual(cell(policy, 'terrorism', 'eyfs'), { level: 'unacceptable-and-illegal' });
  assert.deepEqual(cell(policy, 'pornography', 'ks2'), { level: 'unacceptable' });
  assert.deepEqual(cell(policy, 'online-gaming', 'ks1'), {
    level: 'acceptable-at-certain-times',
    bands: ['break', 'lunch', 'after-school'],
  });
  assert.deepEqual(cell(policy, 'educational-games', 'eyfs'), { level: 'acceptable' });
  assert.deepEqual(cell(policy, 'social-media', 'staff'), {
    level: 'acceptable-at-certain-times',
    bands: ['break', 'lunch', 'after-school'],
  });
  assert.deepEqual(cell(policy, 'social-media', 'ks2'), { level: 'unacceptable' });
  assert.deepEqual(cell(policy, 'messaging', 'ks1'), { level: 'unacceptable' });
  assert.deepEqual(
    cell(policy, 'drugs', 'ks2'),
    { level: 'unacceptable' },
    'inappropriate, no row',
  );
  assert.deepEqual(
    cell(policy, 'dating', 'staff'),
    { level: 'unacceptable' },
    'inappropriate, no row',
  );
  assert.deepEqual(
    rules.bands.find((b) => b.id === 'lessons'),
    {
      id: 'lessons',
      label: 'Lessons',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      ranges: [
        { from: '09:00', to: '10:30' },
        { from: '10:45', to: '12:00' },
        { from: '13:00', to: '15:15' },
      ],
    },
  );
  assert.deepEqual(
    rules.groups.map((g) => `${g.id}:${g.kind}`),
    [
      'eyfs:age-stage',
      'ks1:age-stage',
      'ks2:age-stage',
      'staff:staff',
      'visitors:visitor',
      'guests:guest',
      'safeguarding-checkers:nominated',
    ],
  );
  assert.ok(
    rules.matrix.every((e) => e.group !== 'safeguarding-checkers'),
    'nominated groups are not columns',
  );
});

test('crosfields: nominated users and categories without a row', () => {
  const policy = loadTemplate('crosfields');
  for (const group of ['ks4', 'staff', 'eyfs']) {
    assert.deepEqual(cell(policy, 'pornography', group), {
      level: 'acceptable-for-nominated-users',
      nominatedGroups: ['safeguarding-checkers'],
    });
  }
  assert.deepEqual(cell(policy, 'extremism', 'sixth-form'), { level: 'unacceptable' });
  assert.deepEqual(cell(policy, 'social-media', 'eyfs'), { level: 'acceptable' });
  const basis = matrixProvenance(policy).filter((e) => e.group === 'ks3');
  assert.deepEqual(basis.find((e) => e.category === 'gambling')?.basis, {
    kind: 'row',
    row: {
      id: 'inappropriate-material',
      activity: policy.userActions.sections[2]?.rows[0]?.activity ?? '',
    },
  });
  assert.deepEqual(basis.find((e) => e.category === 'social-media')?.basis, {
    kind: 'legal-status',
    legal: 'neutral',
  });
  assert.equal(basis.find((e) => e.category === 'terrorism')?.basis.kind, 'illegal');
});

test('term dates, reasons, per-group settings and casework inputs reach the engine', () => {
  const base = loadTemplate('roundwood');
  const policy: Policy = {
    ...base,
    groups: base.groups.map((g) => (g.id === 'eyfs' ? { ...g, uncategorised: 'block' } : g)),
    timeBands: {
      ...base.timeBands,
      terms: [{ name: 'Autumn term', from: '2025-09-03', to: '2025-12-19' }],
      bands: base.timeBands.bands.map((b) =>
        b.id === 'after-school' ? { ...b, termTimeOnly: false } : b,
      ),
    },
    userActions: {
      ...base.userActions,
      sections: base.userActions.sections.map((s) => ({
        ...s,
        rows: s.rows.map((r) =>
          r.id === 'online-gambling'
            ? { ...r, reason: 'Gambling sites are not allowed in school.' }
            : r,
        ),
      })),
    },
    filtering: { ...base.filtering, alertCategories: ['dating'] },
  };
  const exemption: Exemption = {
    id: 'ex-1',
    groups: ['ks2'],
    target: { category: 'drugs' },
    from: '2025-10-01T08:00:00Z',
    until: '2025-10-01T15:00:00Z',
    reason: 'PSHE lesson on drugs education',
  };
  const rules = toRules(policy, {
    schoolId: 'school-42',
    exemptions: [exemption],
    schoolSites: ['roundwood.example'],
  });
  assert.equal(rules.school.id, 'school-42');
  assert.deepEqual(rules.bands.find((b) => b.id === 'lunch')?.terms, [
    { from: '2025-09-03', to: '2025-12-19' },
  ]);
  assert.equal(rules.bands.find((b) => b.id === 'after-school')?.terms, undefined);
  assert.equal(rules.groups.find((g) => g.id === 'eyfs')?.uncategorised, 'block');
  assert.deepEqual(cell(policy, 'gambling', 'ks1'), {
    level: 'unacceptable',
    reason: 'Gambling sites are not allowed in school.',
  });
  assert.deepEqual(rules.flagCategories, ['dating']);
  assert.deepEqual(rules.exemptions, [exemption]);
  assert.deepEqual(rules.schoolSites, ['roundwood.example']);
  assert.deepEqual(rules.localEntries, []);
});

test('school ids are slugs of the name', () => {
  assert.equal(schoolSlug('Roundwood Demo School'), 'roundwood-demo-school');
  assert.equal(schoolSlug("St Mary's C of E (Aided) Primary"), 'st-mary-s-c-of-e-aided-primary');
  assert.equal(schoolSlug('Ysgol Gymraeg Bro Ogwr — Ŵyn'), 'ysgol-gymraeg-bro-ogwr-wyn');
  assert.equal(schoolSlug('***'), 'school');
});
