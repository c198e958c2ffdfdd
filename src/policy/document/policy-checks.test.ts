import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTemplate } from '../templates/index.ts';
import { formatPath, type PolicyIssue } from './policy-checks.ts';
import { USER_ACTION_LEVELS, columnGroups, type Policy } from './policy-schema.ts';
import { validatePolicy } from './policy-validate.ts';
import { parsePolicyYaml, stringifyPolicyYaml } from './policy-yaml.ts';

interface EditableRow {
  id: string;
  categories: string[];
  levels: Record<string, unknown>;
}

/** A mutable deep copy, as plain data (what YAML or the API would hand over). */
function plain(policy: Policy): { userActions: { sections: { rows: EditableRow[] }[] } } {
  return JSON.parse(JSON.stringify(policy)) as {
    userActions: { sections: { rows: EditableRow[] }[] };
  };
}

function errorsOf(data: unknown): PolicyIssue[] {
  const result = validatePolicy(data);
  assert.equal(result.ok, false, 'the policy should be refused');
  return result.ok ? [] : [...result.errors];
}

function rowIndex(policy: Policy, id: string): [number, number] {
  for (const [s, section] of policy.userActions.sections.entries()) {
    const r = section.rows.findIndex((row) => row.id === id);
    if (r !== -1) return [s, r];
  }
  throw new Error(`no row ${id}`);
}

/** A cell at `level`, with the lists that level needs. */
function cellAt(level: string): unknown {
  if (level === 'acceptable-at-certain-times') return { level, bands: ['lunch'] };
  if (level === 'acceptable-for-nominated-users')
    return { level, nominated: ['safeguarding-checkers'] };
  return level;
}

for (const template of ['roundwood', 'crosfields'] as const) {
  test(`${template}: an illegal category cannot be set to any other level, for any group`, () => {
    const policy = loadTemplate(template);
    const rowId = template === 'roundwood' ? 'child-sexual-abuse-images' : 'illegal-activity';
    const [s, r] = rowIndex(policy, rowId);
    for (const level of USER_ACTION_LEVELS.filter((l) => l !== 'unacceptable-and-illegal')) {
      for (const group of columnGroups(policy)) {
        const data = plain(policy);
        const row = data.userActions.sections[s]?.rows[r];
        assert.ok(row);
        row.levels[group.id] = cellAt(level);
        const errors = errorsOf(data);
        const path = `userActions.sections[${s}].rows[${r}].levels.${group.id}`;
        const error = errors.find((e) => formatPath(e.path) === path);
        assert.ok(error, `${level} for ${group.id} must be refused: ${JSON.stringify(errors)}`);
        assert.match(error.message, /illegal categor/);
        assert.match(error.message, /POL-4/);
      }
    }
  });
}

test('an illegal category cannot be lifted by mapping it into another row', () => {
  const policy = loadTemplate('roundwood');
  const data = plain(policy);
  const [s, r] = rowIndex(policy, 'online-shopping');
  const row = data.userActions.sections[s]?.rows[r];
  assert.ok(row);
  row.categories = ['shopping', 'terrorism'];
  const errors = errorsOf(data);
  assert.ok(
    errors.some((e) => /"terrorism" .* is an illegal category/.test(e.message)),
    JSON.stringify(errors),
  );
});

test('an illegal category cannot be made legal, removed, or allowed with an alert', () => {
  const policy = loadTemplate('roundwood');

  const relabelled = plain(policy) as unknown as { categories: { id: string; legal: string }[] };
  const csam = relabelled.categories.find((c) => c.id === 'child-abuse');
  assert.ok(csam);
  csam.legal = 'inappropriate';
  const relabelErrors = errorsOf(relabelled);
  assert.ok(relabelErrors.some((e) => formatPath(e.path) === 'categories[0].legal'));

  const removed = plain(policy) as unknown as { categories: { id: string }[] };
  removed.categories = removed.categories.filter((c) => c.id !== 'terrorism');
  assert.ok(
    errorsOf(removed).some((e) => /must include the illegal category "terrorism"/.test(e.message)),
  );

  const alerted = plain(policy) as unknown as { filtering: { alertCategories: string[] } };
  alerted.filtering.alertCategories = ['child-abuse'];
  assert.ok(errorsOf(alerted).some((e) => formatPath(e.path) === 'filtering.alertCategories[0]'));
});

test('an unacceptable-and-illegal row is so for every group and decides only illegal categories', () => {
  const policy = loadTemplate('roundwood');
  const data = plain(policy);
  const [s, r] = rowIndex(policy, 'grooming');
  const row = data.userActions.sections[s]?.rows[r];
  assert.ok(row);
  row.levels.staff = 'unacceptable';
  const errors = errorsOf(data);
  assert.ok(
    errors.some(
      (e) =>
        formatPath(e.path) === `userActions.sections[${s}].rows[${r}].levels.staff` &&
        /must be for every group/.test(e.message),
    ),
  );

  const mapped = plain(policy);
  const [s2, r2] = rowIndex(policy, 'extreme-pornography');
  const extreme = mapped.userActions.sections[s2]?.rows[r2];
  assert.ok(extreme);
  Object.assign(extreme, { categories: ['dating'], enforced: true });
  assert.ok(errorsOf(mapped).some((e) => /may only decide illegal categories/.test(e.message)));
});

test('the illegal-category error points at the line of the offending cell in YAML', () => {
  const text = stringifyPolicyYaml(loadTemplate('roundwood'));
  const lines = text.split('\n');
  const rowLine = lines.findIndex((l) => l.includes('id: child-sexual-abuse-images'));
  const cellLine = lines.findIndex(
    (l, i) => i > rowLine && l.trim() === 'ks2: unacceptable-and-illegal',
  );
  lines[cellLine] = lines[cellLine]?.replace('unacceptable-and-illegal', 'acceptable') ?? '';
  const result = parsePolicyYaml(lines.join('\n'), 'roundwood.yaml');
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0]?.line, cellLine + 1);
  assert.equal(result.problems[0]?.path, 'userActions.sections[0].rows[0].levels.ks2');
});

test('a category belongs to one row only; enforced rows name categories', () => {
  const policy = loadTemplate('roundwood');
  const data = plain(policy);
  const [s, r] = rowIndex(policy, 'file-sharing');
  const row = data.userActions.sections[s]?.rows[r];
  assert.ok(row);
  row.categories = ['file-sharing', 'gambling'];
  assert.ok(errorsOf(data).some((e) => /already decided by row "online-gambling"/.test(e.message)));

  const empty = plain(policy);
  const emptied = empty.userActions.sections[s]?.rows[r];
  assert.ok(emptied);
  emptied.categories = [];
  assert.ok(
    errorsOf(empty).some((e) => /an enforced row must name the filter categories/.test(e.message)),
  );
});

test('a Communication Technologies row that disagrees with the matrix gives a warning', () => {
  const policy = loadTemplate('roundwood');
  const data = plain(policy) as unknown as {
    communications: { rows: { id: string; pupils: unknown }[] };
  };
  const messaging = data.communications.rows.find((row) => row.id === 'messaging-apps');
  assert.ok(messaging);
  messaging.pupils = 'allowed';
  const result = validatePolicy(data);
  assert.ok(result.ok, 'a disagreement is a warning, not an error');
  assert.equal(result.warnings.length, 3, 'one for each pupil column: eyfs, ks1, ks2');
  assert.match(result.warnings[0]?.message ?? '', /published tables disagree/);
});
