import assert from 'node:assert/strict';
import { test } from 'node:test';
import published from '../../../docs/policy.schema.json' with { type: 'json' };
import { policyJsonSchema } from './policy-schema.ts';

test('docs/policy.schema.json is the schema Haven validates against', () => {
  assert.deepEqual(
    published,
    policyJsonSchema(),
    'docs/policy.schema.json is stale: regenerate it as docs/policy-format.md describes',
  );
});

test('the JSON Schema describes the five levels and the shorthand cells', () => {
  const text = JSON.stringify(policyJsonSchema());
  for (const level of [
    'acceptable',
    'acceptable-at-certain-times',
    'acceptable-for-nominated-users',
    'unacceptable',
    'unacceptable-and-illegal',
  ]) {
    assert.ok(text.includes(`"${level}"`), level);
  }
  const schema = policyJsonSchema() as { $defs?: Record<string, unknown>; required?: string[] };
  assert.ok(schema.$defs?.PolicyUserActionRow, 'rows are a named definition');
  assert.deepEqual(schema.required, [
    'schemaVersion',
    'metadata',
    'groups',
    'categories',
    'timeBands',
    'filtering',
    'userActions',
  ]);
});
