import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoSchoolPolicy, loadTemplate } from '../templates/index.ts';
import { diffPolicies, formatPolicyDiff } from './policy-diff.ts';
import type { Policy, UserActionRow } from './policy-schema.ts';

function editRow(policy: Policy, id: string, edit: (row: UserActionRow) => UserActionRow): Policy {
  return {
    ...policy,
    userActions: {
      ...policy.userActions,
      sections: policy.userActions.sections.map((section) => ({
        ...section,
        rows: section.rows.map((row) => (row.id === id ? edit(row) : row)),
      })),
    },
  };
}

test('a policy has no changes from itself', () => {
  const policy = loadTemplate('roundwood');
  assert.deepEqual(diffPolicies(policy, structuredClone(policy)), []);
  assert.equal(formatPolicyDiff([]), 'No changes.');
});

test('level changes in the User Actions table read as table › row › group: old → new', () => {
  const before = loadTemplate('roundwood');
  let after = editRow(before, 'social-media', (row) => ({
    ...row,
    levels: { ...row.levels, ks2: { level: 'acceptable-at-certain-times', bands: ['lunch'] } },
  }));
  after = editRow(after, 'online-gambling', (row) => ({
    ...row,
    levels: {
      ...row.levels,
      staff: { level: 'acceptable-for-nominated-users', nominated: ['safeguarding-checkers'] },
    },
  }));
  const changes = diffPolicies(before, after);
  assert.deepEqual(
    changes.map((c) => c.summary),
    [
      'User actions › “On-line gambling” › Staff: Unacceptable → Acceptable for nominated users (Safeguarding checkers (nominated users))',
      'User actions › “Use of social media” › Key Stage 2: Unacceptable → Acceptable at certain times (Lunchtime)',
    ],
  );
  const first = changes.find((c) => c.item === 'social-media');
  assert.deepEqual(
    {
      table: first?.table,
      kind: first?.kind,
      column: first?.column,
      before: first?.before,
      after: first?.after,
    },
    {
      table: 'user-actions',
      kind: 'changed',
      column: 'ks2',
      before: 'Unacceptable',
      after: 'Acceptable at certain times (Lunchtime)',
    },
  );
});

test('time bands, rows, sanctions and device rules are reported too', () => {
  const before = loadTemplate('roundwood');
  const pupils = before.sanctions?.pupils;
  const mobile = before.mobileTechnologies;
  assert.ok(pupils && mobile);
  const after: Policy = {
    ...editRow(before, 'file-sharing', (row) => ({ ...row, activity: 'File sharing services' })),
    timeBands: {
      ...before.timeBands,
      bands: before.timeBands.bands.map((band) =>
        band.id === 'lunch' ? { ...band, times: ['12:15-13:15'] } : band,
      ),
    },
    sanctions: {
      ...before.sanctions,
      pupils: {
        ...pupils,
        incidents: pupils.incidents.map((incident) =>
          incident.id === 'subverting-filtering'
            ? { ...incident, actions: [...incident.actions, 'refer-technical-support'] }
            : incident.id === 'illegal-material'
              ? { ...incident, actions: incident.actions.filter((a) => a !== 'warning') }
              : incident,
        ),
      },
    },
    mobileTechnologies: {
      ...mobile,
      devices: mobile.devices.map((device) =>
        device.class === 'pupil-owned' ? { ...device, networkAccess: 'none' } : device,
      ),
    },
  };
  const text = formatPolicyDiff(diffPolicies(before, after));
  assert.equal(
    text,
    [
      '- Time bands › “Lunchtime” › times: 12:00–13:00 → 12:15–13:15',
      '- User actions › “File sharing services” › activity: File sharing → File sharing services',
      '- Mobile technologies › “Student owned” › network access: Internet only → No network access',
      '- Pupil sanctions › “Deliberately accessing or trying to access material that could be considered…” › Warning: removed',
      '- Pupil sanctions › “Using proxy sites or other means to subvert the school’s / academy’s…” › Refer to technical support staff for action re filtering / security etc.: added',
    ].join('\n'),
  );
});

test('groups and rows that come and go are listed with what they held', () => {
  const before = loadTemplate('roundwood');
  const after = demoSchoolPolicy();
  const changes = diffPolicies(before, after);
  const summaries = changes.map((c) => c.summary);
  assert.ok(summaries.includes('Document › school: Roundwood School → Roundwood Demo School'));
  assert.ok(summaries.includes('Groups › “Key Stage 3”: added (age-stage)'));
  assert.ok(
    summaries.includes('User actions › “Pornography” › Key Stage 3: (blank) → Unacceptable'),
    summaries.join('\n'),
  );
  const removed = diffPolicies(after, before);
  assert.ok(removed.some((c) => c.summary === 'Groups › “Sixth form”: removed (age-stage)'));

  const withoutRow: Policy = {
    ...before,
    userActions: {
      ...before.userActions,
      sections: before.userActions.sections.map((s) => ({
        ...s,
        rows: s.rows.filter((r) => r.id !== 'unfair-usage'),
      })),
    },
  };
  const rowChange = diffPolicies(before, withoutRow);
  assert.equal(rowChange.length, 1);
  assert.equal(rowChange[0]?.kind, 'removed');
  assert.match(
    rowChange[0]?.summary ?? '',
    /^User actions › “Unfair usage .*”: removed \(Early Years Foundation Stage: Unacceptable; /,
  );

  const crosfields = loadTemplate('crosfields');
  const noTables = diffPolicies(before, crosfields).filter((c) => c.label === 'the whole table');
  assert.deepEqual(
    noTables.map((c) => c.summary),
    [
      'Communication technologies › “the whole table”: removed',
      'Mobile technologies › “the whole table”: removed',
      'Pupil sanctions › “the whole table”: removed',
      'Staff sanctions › “the whole table”: removed',
    ],
  );
});
