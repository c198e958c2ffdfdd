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
  assert.deepEqual(abilitiesOf(pupil), ['session.delete', 'me.read', 'me.password.change']);
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
