import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HavenError } from '../errors/haven-error.ts';
import { checkChange, isDue, mayApprove, type ChangeContext } from './change-request-rules.ts';

const context: ChangeContext = {
  groups: [
    { id: 'ks2', label: 'Key Stage 2' },
    { id: 'staff', label: 'Staff' },
  ],
  categories: [
    { id: 'games', label: 'Games', illegal: false },
    { id: 'child-abuse', label: 'Child sexual abuse content', illegal: true },
    { id: 'circumvention', label: 'Proxies and VPNs', illegal: false },
  ],
  normaliseSite: (text) => (/^[a-z0-9.-]+(\/.*)?$/.test(text) ? text : null),
  checkSite: (site) =>
    site === 'iwf.test'
      ? { categories: ['child-abuse'], illegal: 'child-abuse' }
      : site === 'vpn.test'
        ? { categories: ['circumvention'], illegal: null }
        : { categories: [], illegal: null },
  localEntry: (id) => (id === 'e1' ? { target: 'blocked.test', action: 'block' } : undefined),
  matrixRows: [
    {
      id: 'games',
      activity: 'Online gaming',
      categories: ['games'],
      levels: { ks2: 'unacceptable' },
    },
    {
      id: 'csam',
      activity: 'Child sexual abuse images',
      categories: ['child-abuse'],
      levels: { ks2: 'unacceptable-and-illegal' },
    },
    {
      id: 'proxies',
      activity: 'Using proxies',
      categories: ['circumvention'],
      levels: { ks2: 'unacceptable' },
    },
  ],
  matrixProblems: (row, group) => (row === 'games' && group === 'staff' ? ['staff: bad cell'] : []),
};

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof HavenError) return error.code;
    throw error;
  }
  return 'none';
}

test('changes are summarised in the school’s words', () => {
  assert.equal(
    checkChange(
      {
        kind: 'local-entry.add',
        action: 'allow',
        target: 'maths.test',
        groups: ['ks2'],
        category: null,
      },
      context,
    ).summary,
    'Allow maths.test for ks2',
  );
  assert.equal(
    checkChange({ kind: 'local-entry.remove', entryId: 'e1' }, context).summary,
    'Remove the local block entry for blocked.test',
  );
  const matrix = checkChange(
    { kind: 'matrix', row: 'games', group: 'ks2', level: 'acceptable' },
    context,
  );
  assert.equal(
    matrix.summary,
    'User actions: "Online gaming" for ks2 from unacceptable to acceptable',
  );
  assert.deepEqual(matrix.change, {
    row: 'games',
    group: 'ks2',
    level: 'acceptable',
    from: 'unacceptable',
  });
});

test('illegal content and circumvention can never be allowed by a change', () => {
  const refused = [
    () =>
      checkChange(
        {
          kind: 'local-entry.add',
          action: 'allow',
          target: 'iwf.test',
          groups: [],
          category: null,
        },
        context,
      ),
    () =>
      checkChange(
        {
          kind: 'local-entry.add',
          action: 'allow',
          target: 'vpn.test',
          groups: [],
          category: null,
        },
        context,
      ),
    () =>
      checkChange({ kind: 'matrix', row: 'csam', group: 'ks2', level: 'unacceptable' }, context),
    () =>
      checkChange({ kind: 'matrix', row: 'proxies', group: 'ks2', level: 'acceptable' }, context),
  ];
  for (const fn of refused) assert.equal(code(fn), 'HAVEN_EXEMPTION_REFUSED');
  // Blocking them more is fine.
  assert.equal(
    code(() =>
      checkChange(
        {
          kind: 'local-entry.add',
          action: 'block',
          target: 'vpn.test',
          groups: [],
          category: 'circumvention',
        },
        context,
      ),
    ),
    'none',
  );
});

test('bad changes are named field by field', () => {
  assert.equal(
    code(() => checkChange({ kind: 'local-entry.remove', entryId: 'gone' }, context)),
    'HAVEN_VALIDATION',
  );
  assert.equal(
    code(() =>
      checkChange({ kind: 'matrix', row: 'games', group: 'ks2', level: 'unacceptable' }, context),
    ),
    'HAVEN_VALIDATION',
    'no change',
  );
  assert.equal(
    code(() =>
      checkChange({ kind: 'matrix', row: 'games', group: 'staff', level: 'acceptable' }, context),
    ),
    'HAVEN_VALIDATION',
    'the policy would not validate',
  );
  assert.equal(
    code(() =>
      checkChange(
        {
          kind: 'local-entry.add',
          action: 'allow',
          target: 'x.test',
          groups: ['y9'],
          category: 'games',
        },
        context,
      ),
    ),
    'HAVEN_VALIDATION',
  );
});

test('approval by someone else; applied once its effective time has come', () => {
  assert.equal(mayApprove({ requested_by: 'u1' }, 'u1'), false);
  assert.equal(mayApprove({ requested_by: null }, 'u1'), true);
  const at = new Date('2026-12-01T08:00:00Z');
  assert.equal(isDue({ status: 'approved', effective_at: null }, at), true);
  assert.equal(isDue({ status: 'approved', effective_at: at }, new Date(at.getTime() - 1)), false);
  assert.equal(isDue({ status: 'approved', effective_at: at }, at), true);
  assert.equal(isDue({ status: 'requested', effective_at: null }, at), false);
});
