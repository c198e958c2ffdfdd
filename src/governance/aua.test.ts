import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auaAudiencesOf, currentAuaVersion, unsignedFrom } from '../filtering/aua-safe-list.ts';
import type { AuaPerson } from '../store/aua-repository.ts';
import type { AuaVersion } from '../store/schema.ts';
import { computeAuaCompletion, percentSigned, reminderEmail } from './aua.ts';

function version(
  id: string,
  audience: AuaVersion['audience'],
  number: number,
  effective: string,
): AuaVersion {
  return {
    id,
    school_id: 's',
    audience,
    number,
    title: `${audience} v${number}`,
    body: 'text',
    effective_from: new Date(effective),
    change_note: 'note',
    published_by: null,
    published_at: new Date(effective),
  };
}

const person = (id: string, roles: string[], year: string | null = null): AuaPerson => ({
  id,
  display_name: id,
  email: `${id}@example.invalid`,
  roles,
  year_group: year,
});

test('audiences: pupils by key stage, adults by role, several for several roles', () => {
  assert.deepEqual(auaAudiencesOf({ roles: ['pupil'], year_group: 'Year 5' }), ['pupil-younger']);
  assert.deepEqual(auaAudiencesOf({ roles: ['pupil'], year_group: 'Reception' }), [
    'pupil-younger',
  ]);
  assert.deepEqual(auaAudiencesOf({ roles: ['pupil'], year_group: 'Y9' }), ['pupil-older']);
  assert.deepEqual(auaAudiencesOf({ roles: ['pupil'], year_group: 'L6' }), ['pupil-older']);
  assert.deepEqual(auaAudiencesOf({ roles: ['governor'], year_group: null }), ['staff']);
  assert.deepEqual(auaAudiencesOf({ roles: ['staff', 'parent'], year_group: null }), [
    'staff',
    'parent',
  ]);
  assert.deepEqual(auaAudiencesOf({ roles: ['trust-admin'], year_group: null }), []);
});

const versions = [
  version('p1', 'parent', 1, '2026-01-01T00:00:00Z'),
  version('p2', 'parent', 2, '2026-09-01T00:00:00Z'),
  version('p3', 'parent', 3, '2027-01-01T00:00:00Z'),
  version('s1', 'staff', 1, '2026-01-01T00:00:00Z'),
];

test('the version in force is the newest already effective', () => {
  assert.equal(currentAuaVersion(versions, 'parent', new Date('2026-06-01'))?.id, 'p1');
  assert.equal(currentAuaVersion(versions, 'parent', new Date('2026-11-23'))?.id, 'p2');
  assert.equal(currentAuaVersion(versions, 'visitor', new Date('2026-11-23')), undefined);
});

test('completion counts the version in force per audience and per group', () => {
  const people = [person('a', ['parent']), person('b', ['parent']), person('t', ['staff'])];
  const signatures = [
    { user_id: 'a', version_id: 'p2' },
    { user_id: 'b', version_id: 'p1' },
    { user_id: 't', version_id: 's1' },
  ];
  const groups = [
    { user_id: 'a', slug: 'class-5', name: 'Class 5 parents' },
    { user_id: 'b', slug: 'class-5', name: 'Class 5 parents' },
  ];
  const c = computeAuaCompletion(people, versions, signatures, groups, new Date('2026-11-23'));
  const parent = c.byAudience.find((r) => r.audience === 'parent');
  assert.deepEqual({ signed: parent?.signed, due: parent?.due }, { signed: 1, due: 2 });
  assert.equal(parent?.version?.id, 'p2');
  const staff = c.byAudience.find((r) => r.audience === 'staff');
  assert.deepEqual({ signed: staff?.signed, due: staff?.due }, { signed: 1, due: 1 });
  assert.equal(c.byAudience.find((r) => r.audience === 'visitor')?.version, null);
  assert.deepEqual(c.byGroup, [{ slug: 'class-5', name: 'Class 5 parents', signed: 1, due: 2 }]);
  assert.deepEqual(
    c.outstanding.map((o) => [o.userId, o.versionId]),
    [['b', 'p2']],
  );
  assert.equal(percentSigned(1, 2), 50);
  assert.equal(percentSigned(2, 3), 66);
  assert.equal(percentSigned(0, 0), null);
});

test('for the filter, a person is held from the start of their unsigned run of versions', () => {
  const at = (iso: string) => new Date(iso).getTime();
  assert.equal(unsignedFrom(versions, ['parent'], new Set()), at('2026-01-01T00:00:00Z'));
  assert.equal(unsignedFrom(versions, ['parent'], new Set(['p1'])), at('2026-09-01T00:00:00Z'));
  assert.equal(
    unsignedFrom(versions, ['parent'], new Set(['p1', 'p2'])),
    at('2027-01-01T00:00:00Z'),
  );
  assert.equal(unsignedFrom(versions, ['parent'], new Set(['p3'])), null);
  assert.equal(unsignedFrom(versions, ['visitor'], new Set()), null);
  assert.equal(
    unsignedFrom(versions, ['parent', 'staff'], new Set(['p3'])),
    at('2026-01-01T00:00:00Z'),
  );
});

test('the reminder email links to the sign page and names no one else', () => {
  const mail = reminderEmail(
    'Roundwood',
    { name: 'Pat' },
    { label: 'Parents and carers' },
    'https://haven.example/',
  );
  assert.match(mail.subject, /Roundwood: please sign the acceptable use agreement/);
  assert.match(mail.text, /Dear Pat,/);
  assert.match(mail.text, /https:\/\/haven\.example\/aua\/sign/);
});
