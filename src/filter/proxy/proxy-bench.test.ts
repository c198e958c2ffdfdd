import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runProxyBench } from './proxy-bench.ts';

test('the proxy bench starts an origin and the proxy, drives them, and reports its figures', async () => {
  const r = await runProxyBench({ seconds: 1, connections: 8, domains: 1000, hosts: 200 });
  assert.ok(r.requests > 100, `${r.requests} requests`);
  assert.equal(r.errors, 0);
  for (const key of ['requests_per_sec', 'p50_ms', 'p99_ms', 'rss_mb', 'peak_rss_mb'] as const) {
    assert.ok(Number.isFinite(r[key]) && r[key] > 0, `${key} = ${r[key]}`);
  }
  assert.ok(r.p99_ms >= r.p50_ms);
  assert.ok(Math.abs(r.blocked_share - 0.2) < 0.05, `blocked share ${r.blocked_share}`);
});
