import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEngineBench, syntheticDomain } from './engine-bench.ts';

test('synthetic domains are deterministic and distinct', () => {
  assert.equal(syntheticDomain(42), syntheticDomain(42));
  const names = new Set(Array.from({ length: 20_000 }, (_, i) => syntheticDomain(i)));
  assert.equal(names.size, 20_000);
});

test('the engine bench runs (in a child with --expose-gc) and reports its figures', async () => {
  const r = await runEngineBench({ domains: 20_000, seconds: 0.2 });
  assert.equal(r.domains, 20_000);
  for (const key of [
    'decisions_per_sec',
    'lookups_per_sec',
    'bytes_per_domain',
    'load_seconds_per_million',
    'naive_decisions_per_sec',
    'naive_bytes_per_domain',
    'naive_load_seconds_per_million',
  ] as const) {
    assert.ok(Number.isFinite(r[key]) && r[key] > 0, `${key} = ${r[key]}`);
  }
  assert.ok(Math.abs(r.listed_query_fraction - 0.2) < 0.02);
});
