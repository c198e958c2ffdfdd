import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, emptyLists } from './compile.ts';
import { evaluate } from './evaluate.ts';
import { ListIndexBuilder } from './list-index.ts';
import { AT, TEST_RULES } from './rules.test-data.ts';

/** GOV-4: people who have not signed the acceptable use agreement, kept on a safe list. */
const from = AT.lessons.getTime() - 86_400_000;
const snapshot = compile(TEST_RULES, emptyLists(), {
  auaSafeList: {
    users: [
      ['unsigned', from],
      ['from-tomorrow', AT.lessons.getTime() + 86_400_000],
    ],
    hosts: ['haven.school.example', 'bbc.co.uk/bitesize'],
  },
});
const decide = (user: string | undefined, target: { host: string } | { url: string }) =>
  evaluate(snapshot, { ...(user ? { user } : {}), groups: ['ks2'], ...target }, AT.lessons);

test('someone who has not signed is blocked outside the safe list, with the reason', () => {
  const d = decide('unsigned', { host: 'games.example' });
  assert.equal(d.action, 'block');
  assert.equal(d.ruleId, 'aua:unsigned');
  assert.match(d.reason, /Sign the acceptable use agreement/);
});

test('the safe list, Haven and the help services stay open to them', () => {
  assert.notEqual(decide('unsigned', { host: 'haven.school.example' }).ruleId, 'aua:unsigned');
  assert.notEqual(
    decide('unsigned', { url: 'http://www.bbc.co.uk/bitesize/maths' }).ruleId,
    'aua:unsigned',
  );
  assert.equal(decide('unsigned', { url: 'http://www.bbc.co.uk/sport' }).ruleId, 'aua:unsigned');
  const help = decide('unsigned', { host: 'www.childline.org.uk' });
  assert.equal(help.action, 'allow');
  assert.match(help.ruleId, /^help:/);
});

test('illegal content is still decided as illegal first', () => {
  const builder = new ListIndexBuilder();
  builder.addHost('csam.example', 'child-abuse', 'iwf');
  const b = compile(TEST_RULES, builder.build(), {
    auaSafeList: { users: [['u', 0]], hosts: [] },
  });
  const d = evaluate(b, { user: 'u', groups: ['ks2'], host: 'csam.example' }, AT.lessons);
  assert.equal(d.ruleId, 'illegal:child-abuse');
});

test('people who have signed, unknown devices, and versions not yet in force are not held', () => {
  assert.notEqual(decide('signed', { host: 'games.example' }).ruleId, 'aua:unsigned');
  assert.notEqual(decide(undefined, { host: 'games.example' }).ruleId, 'aua:unsigned');
  assert.notEqual(decide('from-tomorrow', { host: 'games.example' }).ruleId, 'aua:unsigned');
  const none = compile(TEST_RULES, emptyLists());
  assert.equal(none.auaSafeList, undefined);
});
