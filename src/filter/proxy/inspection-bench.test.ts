import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInspectionBench } from './inspection-bench.ts';

test('the inspection bench measures handshakes, added latency and throughput (figures printed)', async (t) => {
  const r = await runInspectionBench({ handshakes: 60, requests: 300, downloadMb: 16 });
  for (const [key, value] of Object.entries(r)) t.diagnostic(`${key} = ${value}`);
  for (const key of [
    'handshakes_per_sec_cached',
    'handshakes_per_sec_uncached',
    'small_p99_ms_inspected',
    'small_p99_ms_tunnel',
    'download_mb_per_sec_inspected',
    'download_mb_per_sec_tunnel',
  ] as const) {
    assert.ok(Number.isFinite(r[key]) && r[key] > 0, `${key} = ${r[key]}`);
  }
  // 20 cached hosts (issued once) + 60 new hosts + the two latency/download hosts
  assert.equal(r.leaf_certificates_issued, 20 + 60 + 2);
});
