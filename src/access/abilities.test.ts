import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abilitiesOf, abilityNames, can, isPublicAbility } from './abilities.ts';
import type { Actor } from './actor.ts';
import type { Role } from './roles.ts';

function actor(roles: Role[], schoolId: string | null = 'school-a'): Actor {
  return { userId: 'u', username: 'u', displayName: 'U', schoolId, roles };
}

test('nobody holds an ability that is not granted: no session means only public abilities', () => {
  for (const ability of abilityNames) {
    assert.equal(can(null, ability), isPublicAbility(ability), ability);
  }
});

test('unknown abilities are refused, even for a trust administrator', () => {
  assert.equal(can(actor(['trust-admin']), 'incidents.delete-everything' as never), false);
});

test('a pupil can read their own account and nothing about others', () => {
  const pupil = actor(['pupil']);
  assert.deepEqual(abilitiesOf(pupil), [
    'session.delete',
    'me.read',
    'me.password.change',
    // A pupil reads and signs their acceptable use agreement and answers surveys
    'aua.read',
    'aua.sign',
    'surveys.answer',
    // Casework: a pupil may report a concern and follow their own reports
    'incidents.report',
    'incidents.own.read',
  ]);
});

test('record rules keep each school to itself; a trust administrator spans schools', () => {
  const head = actor(['head']);
  assert.equal(can(head, 'users.update', { schoolId: 'school-a' }), true);
  assert.equal(can(head, 'users.update', { schoolId: 'school-b' }), false);
  assert.equal(can(actor(['trust-admin'], null), 'users.update', { schoolId: 'school-b' }), true);
});

test('abilities are the union of a person’s roles', () => {
  assert.equal(can(actor(['staff']), 'audit.read'), false);
  assert.equal(can(actor(['staff', 'dsl']), 'audit.read'), true);
});

// Casework: who sees an incident (INC-4)
test('incidents: pupils’ concerns to safeguarding staff, staff concerns to the head, the head’s to the chair', () => {
  const incident = (
    concernAbout: 'pupils' | 'staff' | 'head',
    dslSeesStaffConcerns = false,
    schoolId = 'school-a',
  ) => ({
    kind: 'incident' as const,
    schoolId,
    concernAbout,
    reportedBy: 'teacher-id',
    dslSeesStaffConcerns,
  });
  const dsl = actor(['staff', 'dsl']);
  const deputy = actor(['deputy-dsl']);
  const head = actor(['staff', 'head']);
  const chair = actor(['chair-of-governors']);
  const governor = actor(['governor']);
  const teacher = { ...actor(['staff']), userId: 'teacher-id' };
  assert.equal(can(dsl, 'incidents.read', incident('pupils')), true);
  assert.equal(can(deputy, 'incidents.read', incident('pupils')), true);
  assert.equal(can(head, 'incidents.read', incident('pupils')), true);
  assert.equal(can(chair, 'incidents.read', incident('pupils')), false);
  assert.equal(can(dsl, 'incidents.read', incident('staff')), false);
  assert.equal(can(dsl, 'incidents.read', incident('staff', true)), true);
  assert.equal(can(deputy, 'incidents.manage', incident('staff', true)), true);
  assert.equal(can(head, 'incidents.read', incident('staff')), true);
  assert.equal(can(head, 'incidents.read', incident('head')), false);
  assert.equal(can(dsl, 'incidents.read', incident('head', true)), false);
  assert.equal(can(chair, 'incidents.read', incident('head')), true);
  assert.equal(can(governor, 'incidents.read', incident('head')), false);
  assert.equal(can(governor, 'incidents.summary', { schoolId: 'school-a' }), true);
  assert.equal(can(dsl, 'incidents.read', incident('pupils', false, 'school-b')), false);
  assert.equal(can(actor(['trust-admin'], null), 'incidents.read', incident('pupils')), false);
  // a reporter follows their own report, not anyone else's; a plain record is never an incident
  assert.equal(can(teacher, 'incidents.read', incident('pupils')), false);
  assert.equal(can(teacher, 'incidents.own.read', incident('head')), true);
  assert.equal(can(actor(['staff']), 'incidents.own.read', incident('pupils')), false);
  assert.equal(can(dsl, 'incidents.read', { schoolId: 'school-a' }), false);
});
