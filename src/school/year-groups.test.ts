import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyStageOfYearGroup, placementOfStaffRole } from './year-groups.ts';

test('year groups as MIS exports write them map to key stages', () => {
  const cases: [string, string | null][] = [
    ['Reception', 'eyfs'],
    ['Nursery', 'eyfs'],
    ['R', 'eyfs'],
    ['Year 1', 'ks1'],
    ['Y2', 'ks1'],
    ['3', 'ks2'],
    ['Year 6', 'ks2'],
    ['Yr 7', 'ks3'],
    ['NC Year 9', 'ks3'],
    ['Year 10', 'ks4'],
    ['11', 'ks4'],
    ['Year 12', 'sixth-form'],
    ['L6', 'sixth-form'],
    ['Year 14', null],
    ['Class Oak', null],
  ];
  for (const [input, expected] of cases) assert.equal(keyStageOfYearGroup(input), expected, input);
});

test('staff roles map to Haven roles; an unknown job title is staff', () => {
  assert.deepEqual(placementOfStaffRole('Designated Safeguarding Lead').roles, ['staff', 'dsl']);
  assert.deepEqual(placementOfStaffRole('Deputy DSL').roles, ['staff', 'deputy-dsl']);
  assert.deepEqual(placementOfStaffRole('Headteacher').roles, ['staff', 'head']);
  assert.deepEqual(placementOfStaffRole('Network Manager').roles, ['staff', 'technician']);
  assert.deepEqual(placementOfStaffRole('Chair of Governors').roles, [
    'governor',
    'chair-of-governors',
  ]);
  assert.deepEqual(placementOfStaffRole('Lunchtime supervisor'), {
    roles: ['staff'],
    group: 'staff',
  });
});
