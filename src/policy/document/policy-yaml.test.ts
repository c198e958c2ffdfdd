import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicyYaml, stringifyPolicyYaml, type PolicyProblem } from './policy-yaml.ts';

/** A small, valid policy; the tests below break it in known places. */
const SMALL = `schemaVersion: 1
metadata:
  school: Test School
  template: school
  title: Online Safety Policy
  sources:
    - {seed: school, section: User actions}
groups:
  - {id: ks1, label: Key Stage 1, kind: age-stage}
  - {id: staff, label: Staff, kind: staff}
  - {id: guests, label: Guests, kind: guest}
  - {id: checkers, label: Safeguarding checkers, kind: nominated}
categories:
  - {id: child-abuse, label: Child sexual abuse material, legal: illegal, source: {seed: school, section: User actions}}
  - {id: terrorism, label: Unlawful terrorist content, legal: illegal, source: {seed: school, section: User actions}}
  - {id: gambling, label: Gambling, legal: inappropriate, source: {seed: school, section: User actions}}
  - {id: shopping, label: Shopping, legal: neutral, source: {seed: school, section: User actions}}
timeBands:
  bands:
    - id: lunch
      label: Lunchtime
      days: [mon, tue, wed, thu, fri]
      times: ["12:00-13:00"]
filtering:
  fallbackGroup: guests
  otherCategories: acceptable
  uncategorised: allow
userActions:
  title: User actions
  source: {seed: school, section: User actions}
  sections:
    - rows:
        - id: csam
          activity: Child sexual abuse images
          categories: [child-abuse]
          enforced: true
          levels:
            ks1: unacceptable-and-illegal
            staff: unacceptable-and-illegal
            guests: unacceptable-and-illegal
          source: {seed: school, section: User actions}
        - id: gambling
          activity: On-line gambling
          categories: [gambling]
          enforced: true
          levels:
            ks1: unacceptable
            staff: {level: acceptable-for-nominated-users, nominated: [checkers]}
            guests: unacceptable
          source: {seed: school, section: User actions}
        - id: shopping
          activity: On-line shopping / commerce
          categories: [shopping]
          enforced: true
          levels:
            ks1: {level: acceptable-at-certain-times, bands: [lunch]}
            staff: acceptable
            guests: unacceptable
          source: {seed: school, section: User actions}
sanctions:
  pupils:
    title: Pupil incidents
    source: {seed: school, section: Sanctions}
    actions:
      - {id: refer-police, label: Refer to Police}
      - {id: warning, label: Warning}
    incidents:
      - id: illegal-material
        incident: Deliberately accessing illegal material
        actions: [refer-police, warning]
        source: {seed: school, section: Sanctions}
`;

/** 1-based line of the first line containing `snippet` (after `from`, when given). */
function lineOf(text: string, snippet: string, from?: string): number {
  const lines = text.split('\n');
  const start = from === undefined ? 0 : lines.findIndex((line) => line.includes(from));
  const index = lines.findIndex((line, i) => i >= start && line.includes(snippet));
  assert.notEqual(index, -1, `test text has no line with ${snippet}`);
  return index + 1;
}

function problemAt(problems: readonly PolicyProblem[], path: string): PolicyProblem {
  const found = problems.find((p) => p.path === path);
  assert.ok(
    found,
    `no problem at ${path}; got:\n${problems.map((p) => `${p.line} ${p.path}: ${p.message}`).join('\n')}`,
  );
  return found;
}

test('the small policy parses without problems and round-trips', () => {
  const result = parsePolicyYaml(SMALL, 'small.yaml');
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems, null, 2));
  assert.deepEqual(result.warnings, []);
  assert.equal(result.policy.timeBands.timeZone, 'Europe/London', 'the time zone defaults');
  assert.deepEqual(result.policy.userActions.sections[0]?.rows[0]?.levels.ks1, {
    level: 'unacceptable-and-illegal',
  });
  const text = stringifyPolicyYaml(result.policy);
  const again = parsePolicyYaml(text, 'again.yaml');
  assert.ok(again.ok);
  assert.deepEqual(again.policy, result.policy);
  assert.equal(stringifyPolicyYaml(again.policy), text, 'stringify is stable');
});

test('a broken file reports every problem with its line and key path', () => {
  const broken = SMALL.replace(
    '{id: staff, label: Staff, kind: staff}',
    '{id: staff, label: Staff, kind: teachers}',
  )
    .replace('legal: inappropriate, source', 'legal: inappropriate, colour: red, source')
    .replace('times: ["12:00-13:00"]', 'times: ["12:00-13:00", "9:00-10:00"]')
    .replace(
      '            ks1: unacceptable-and-illegal\n',
      '            ks1: unacceptable-and-illegal\n            ks9: unacceptable-and-illegal\n',
    )
    .replace('            staff: unacceptable-and-illegal\n', '            staff: acceptable\n')
    .replace('          activity: On-line gambling\n', '')
    .replace(
      'ks1: {level: acceptable-at-certain-times, bands: [lunch]}',
      'ks1: acceptable-at-certain-times',
    )
    .replace('actions: [refer-police, warning]', 'actions: [refer-police, detention]');
  const result = parsePolicyYaml(broken, 'broken.yaml');
  assert.equal(result.ok, false);
  if (result.ok) return;
  const expect = (path: string, line: number, message: RegExp) => {
    const problem = problemAt(result.problems, path);
    assert.equal(problem.line, line, `${path}: line`);
    assert.match(problem.message, message, `${path}: message`);
    assert.equal(problem.file, 'broken.yaml');
  };
  expect(
    'groups[1].kind',
    lineOf(broken, 'kind: teachers'),
    /"teachers" is not allowed here; use one of: age-stage, staff/,
  );
  expect('categories[2].colour', lineOf(broken, 'colour: red'), /unknown key "colour"/);
  expect(
    'timeBands.bands[0].times[1]',
    lineOf(broken, '"9:00-10:00"'),
    /time range such as "09:00-10:30"/,
  );
  expect(
    'userActions.sections[0].rows[0].levels.ks9',
    lineOf(broken, 'ks9:'),
    /unknown group "ks9"/,
  );
  expect(
    'userActions.sections[0].rows[0].levels.staff',
    lineOf(broken, 'staff: acceptable', 'id: csam'),
    /"child-abuse" .* is an illegal category: unacceptable and illegal for every group, always; it cannot be "acceptable"/,
  );
  expect(
    'userActions.sections[0].rows[1].activity',
    lineOf(broken, '- id: gambling'),
    /is required/,
  );
  expect(
    'userActions.sections[0].rows[2].levels.ks1',
    lineOf(broken, 'ks1: acceptable-at-certain-times'),
    /needs the time bands/,
  );
  expect(
    'sanctions.pupils.incidents[0].actions[1]',
    lineOf(broken, 'detention'),
    /unknown action "detention"/,
  );
  assert.equal(result.problems.length, 8, result.problems.map((p) => p.path).join('\n'));
  const lines = result.problems.map((p) => p.line);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
    'problems come in file order',
  );
});

test('a missing column cell is reported at the levels mapping', () => {
  const broken = SMALL.replace(
    '            guests: unacceptable\n          source: {seed: school, section: User actions}\n        - id: shopping',
    '          source: {seed: school, section: User actions}\n        - id: shopping',
  );
  const result = parsePolicyYaml(broken, 'x.yaml');
  assert.equal(result.ok, false);
  if (result.ok) return;
  const problem = problemAt(result.problems, 'userActions.sections[0].rows[1].levels');
  assert.match(problem.message, /row "gambling" has no cell for group "guests" \(Guests\)/);
  assert.equal(problem.line, lineOf(broken, 'ks1: unacceptable', '- id: gambling'));
});

test('a nominated group cannot be a column, and nominated cells must name nominated groups', () => {
  const broken = SMALL.replace(
    '            staff: {level: acceptable-for-nominated-users, nominated: [checkers]}\n',
    '            staff: {level: acceptable-for-nominated-users, nominated: [ks1]}\n            checkers: acceptable\n',
  );
  const result = parsePolicyYaml(broken, 'x.yaml');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(
    problemAt(result.problems, 'userActions.sections[0].rows[1].levels.staff.nominated[0]').message,
    /"ks1" is not a nominated-user group/,
  );
  const column = problemAt(result.problems, 'userActions.sections[0].rows[1].levels.checkers');
  assert.match(column.message, /nominated-user group, not a column/);
  assert.equal(column.line, lineOf(broken, 'checkers: acceptable'));
});

test('YAML syntax errors are reported with their line', () => {
  const broken = SMALL.replace(
    '  title: Online Safety Policy\n',
    '  title: [Online Safety Policy\n',
  );
  const result = parsePolicyYaml(broken, 'syntax.yaml');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.ok(result.problems.length > 0);
  assert.match(result.problems[0]?.message ?? '', /^YAML: /);
  assert.ok((result.problems[0]?.line ?? 0) >= lineOf(broken, 'title: ['));
});

test('duplicate keys and duplicate ids are both reported', () => {
  const broken = SMALL.replace(
    '  school: Test School\n',
    '  school: Test School\n  school: Other School\n',
  );
  const syntax = parsePolicyYaml(broken, 'dup.yaml');
  assert.equal(syntax.ok, false);
  if (!syntax.ok) assert.equal(syntax.problems[0]?.line, lineOf(broken, 'school: Other School'));

  const ids = SMALL.replace(
    '- {id: guests, label: Guests, kind: guest}',
    '- {id: staff, label: Guests, kind: guest}',
  );
  const result = parsePolicyYaml(ids, 'ids.yaml');
  assert.equal(result.ok, false);
  if (result.ok) return;
  const problem = problemAt(result.problems, 'groups[2].id');
  assert.match(problem.message, /id "staff" is used twice \(also at groups\[1\]\)/);
  assert.equal(problem.line, lineOf(ids, '{id: staff, label: Guests'));
});

test('an empty file is a problem, not a crash', () => {
  const result = parsePolicyYaml('# nothing here\n', 'empty.yaml');
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.problems[0]?.message ?? '', /empty/);
});

test('stringify writes short cells as bare levels and quotes times', () => {
  const result = parsePolicyYaml(SMALL, 'small.yaml');
  assert.ok(result.ok);
  const text = stringifyPolicyYaml(result.policy);
  assert.match(text, /^ {12}ks1: unacceptable$/m);
  assert.match(text, /ks1: \{level: acceptable-at-certain-times, bands: \[lunch\]\}/);
  assert.match(text, /times: \["12:00-13:00"\]/);
  assert.match(text, /# User Actions: every row × every column group/);
  assert.match(text, /This policy has no Communication Technologies or Mobile Technologies table/);
});

test('term dates parse, stay strings, and are written quoted', () => {
  const withTerms = SMALL.replace(
    'timeBands:\n',
    'timeBands:\n  timeZone: Europe/London\n  terms:\n    - {name: Autumn term, from: 2025-09-03, to: 2025-12-19}\n',
  );
  const result = parsePolicyYaml(withTerms, 'terms.yaml');
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems));
  assert.deepEqual(result.policy.timeBands.terms, [
    { name: 'Autumn term', from: '2025-09-03', to: '2025-12-19' },
  ]);
  assert.match(stringifyPolicyYaml(result.policy), /from: "2025-09-03", to: "2025-12-19"/);

  const backwards = withTerms.replace('to: 2025-12-19', 'to: 2025-08-01');
  const refused = parsePolicyYaml(backwards, 'terms.yaml');
  assert.equal(refused.ok, false);
  if (!refused.ok) {
    assert.equal(
      problemAt(refused.problems, 'timeBands.terms[0].to').line,
      lineOf(backwards, 'Autumn term'),
    );
  }
});
