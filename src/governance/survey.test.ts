import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HavenError } from '../errors/haven-error.ts';
import type { SurveyQuestion } from '../store/schema.ts';
import { checkAnswers, computeResults, isOpen, shownCount, surveyAudienceOf } from './survey.ts';

const q = (key: string, kind: SurveyQuestion['kind'], choices: string[] = []): SurveyQuestion => ({
  id: key,
  survey_id: 's',
  position: 0,
  key,
  kind,
  prompt: `${key}?`,
  choices,
});
const questions = [
  q('safe', 'scale'),
  q('tell', 'choice', ['Teacher', 'Parent']),
  q('more', 'text'),
];

test('counts from 1 to 4 are shown as "fewer than 5"; 0 and 5 or more as they are', () => {
  assert.equal(shownCount(0), 0);
  assert.equal(shownCount(1), 'fewer than 5');
  assert.equal(shownCount(4), 'fewer than 5');
  assert.equal(shownCount(5), 5);
});

test('results suppress small counts, and averages and comments from fewer than 5', () => {
  const few = computeResults(questions, [{ safe: 5, tell: 'Teacher', more: 'hello' }, { safe: 4 }]);
  assert.equal(few[0]?.answered, 'fewer than 5');
  assert.deepEqual(
    few[0]?.counts.map((c) => c.count),
    [0, 0, 0, 'fewer than 5', 'fewer than 5'],
  );
  assert.equal(few[0]?.mean, null);
  assert.equal(few[2]?.texts, null);

  const many = computeResults(
    questions,
    Array.from({ length: 6 }, (_, i) => ({ safe: i < 5 ? 4 : 1, tell: 'Parent', more: `c${i}` })),
  );
  assert.equal(many[0]?.answered, 6);
  assert.deepEqual(
    many[0]?.counts.map((c) => c.count),
    ['fewer than 5', 0, 0, 5, 0],
  );
  assert.equal(many[0]?.mean, 3.5);
  assert.deepEqual(
    many[1]?.counts.map((c) => [c.label, c.count]),
    [
      ['Teacher', 0],
      ['Parent', 6],
    ],
  );
  assert.equal(many[2]?.texts?.length, 6);
});

test('answers are checked against the questions, with every problem named', () => {
  assert.deepEqual(checkAnswers(questions, { safe: 3, tell: 'Parent', more: '  ok ' }), {
    safe: 3,
    tell: 'Parent',
    more: 'ok',
  });
  assert.deepEqual(checkAnswers(questions, { safe: 2, more: '' }), { safe: 2 });
  try {
    checkAnswers(questions, { safe: 6, tell: 'Nobody', other: 'x' });
    assert.fail('expected a validation error');
  } catch (error) {
    assert.ok(error instanceof HavenError);
    assert.deepEqual(
      error.errors?.map((e) => e.path),
      ['answers.other', 'answers.safe', 'answers.tell'],
    );
  }
  assert.throws(() => checkAnswers(questions, {}), /Some answers cannot be used/);
});

test('who answers which survey, and when a survey is open', () => {
  assert.deepEqual(surveyAudienceOf(['pupil']), ['pupils']);
  assert.deepEqual(surveyAudienceOf(['staff', 'parent']), ['parents', 'staff']);
  assert.deepEqual(surveyAudienceOf(['governor']), []);
  const s = { opens_at: new Date('2026-11-01'), closes_at: new Date('2026-12-01') };
  assert.equal(isOpen(s, new Date('2026-11-23')), true);
  assert.equal(isOpen(s, new Date('2026-12-01')), false);
  assert.equal(isOpen(s, new Date('2026-10-31')), false);
});
