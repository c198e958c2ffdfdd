import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuaPerson } from '../store/aua-repository.ts';
import type { TrainingCourse, TrainingRecord } from '../store/schema.ts';
import { addMonths, computeNeedsAudit, trainingCsv, trainingStatus } from './training.ts';

test('months are added on the calendar, the 31st becoming the month’s last day', () => {
  assert.equal(addMonths('2025-12-01', 12), '2026-12-01');
  assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
  assert.equal(addMonths('2027-11-30', 3), '2028-02-29');
  assert.equal(addMonths('2026-03-15', 24), '2028-03-15');
});

test('status: missing, current, due within 60 days, expired, never expiring', () => {
  const yearly = { validity_months: 12 };
  assert.equal(trainingStatus(yearly, [], '2026-11-23').state, 'missing');
  assert.deepEqual(trainingStatus(yearly, [{ completed_on: '2026-06-01' }], '2026-11-23'), {
    state: 'current',
    completedOn: '2026-06-01',
    expiresOn: '2027-06-01',
  });
  assert.equal(
    trainingStatus(yearly, [{ completed_on: '2025-12-20' }], '2026-11-23').state,
    'due-soon',
  );
  assert.equal(
    trainingStatus(yearly, [{ completed_on: '2025-11-23' }], '2026-11-23').state,
    'expired',
  );
  assert.equal(
    trainingStatus(
      yearly,
      [{ completed_on: '2024-01-01' }, { completed_on: '2026-10-01' }],
      '2026-11-23',
    ).state,
    'current',
    'the latest completion counts',
  );
  assert.deepEqual(
    trainingStatus({ validity_months: null }, [{ completed_on: '2019-09-01' }], '2026-11-23'),
    {
      state: 'current',
      completedOn: '2019-09-01',
      expiresOn: null,
    },
  );
});

const course = (id: string, months: number | null, roles: string[]): TrainingCourse => ({
  id,
  school_id: 's',
  slug: id,
  name: id,
  description: '',
  validity_months: months,
  required_roles: roles,
  built_in: true,
  created_at: new Date('2026-01-01'),
});
const record = (user: string, courseId: string, on: string): TrainingRecord => ({
  id: `${user}-${courseId}-${on}`,
  school_id: 's',
  course_id: courseId,
  user_id: user,
  completed_on: on,
  provider: 'LA',
  evidence: '',
  recorded_by: null,
  recorded_at: new Date(on),
});
const person = (id: string, roles: string[]): AuaPerson => ({
  id,
  display_name: id,
  email: null,
  roles,
  year_group: null,
});

test('the needs audit covers staff and governors, required courses and optional ones done', () => {
  const courses = [
    course('safeguarding', 12, ['staff', 'governor']),
    course('cyber', 12, ['technician']),
    course('induction', null, ['staff']),
  ];
  const audit = computeNeedsAudit(
    [person('teacher', ['staff']), person('gov', ['governor']), person('pupil', ['pupil'])],
    courses,
    [record('teacher', 'safeguarding', '2026-10-01'), record('teacher', 'cyber', '2025-01-01')],
    [
      {
        id: 'n',
        school_id: 's',
        user_id: 'gov',
        need: 'Filtering basics',
        created_at: new Date('2026-11-01'),
        resolved_at: null,
      },
    ],
    '2026-11-23',
  );
  assert.deepEqual(
    audit.map((p) => p.userId),
    ['teacher', 'gov'],
  );
  const teacher = audit[0];
  assert.deepEqual(
    teacher?.courses.map((c) => [c.course, c.required, c.status.state]),
    [
      ['safeguarding', true, 'current'],
      ['cyber', false, 'expired'],
      ['induction', true, 'missing'],
    ],
  );
  assert.equal(teacher?.gaps, 1, 'an optional course that ran out is not a gap');
  assert.equal(audit[1]?.gaps, 1);
  assert.equal(audit[1]?.needs[0]?.need, 'Filtering basics');
});

test('the CSV quotes commas and defuses formulas', () => {
  const csv = trainingCsv([
    {
      userId: 'x',
      name: '=HYPERLINK("x")',
      roles: ['staff'],
      gaps: 0,
      needs: [],
      courses: [
        {
          courseId: 'c',
          course: 'Safeguarding, annual',
          required: true,
          status: { state: 'current', completedOn: '2026-10-01', expiresOn: '2027-10-01' },
        },
      ],
    },
  ]);
  assert.equal(
    csv,
    'name,roles,course,required,state,completed_on,expires_on\n' +
      `"'=HYPERLINK(""x"")",staff,"Safeguarding, annual",yes,current,2026-10-01,2027-10-01\n`,
  );
});
