import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { startSquidBump } from '../../src/bench/squid-bump-peer.ts';
import { runInspectionBench } from '../../src/filter/proxy/inspection-bench.ts';

/**
 * `haven bench proxy --inspect --squid PATH` with a small load. Needs the `squid` binary of an
 * unpacked squid-openssl (docs/benchmarks.md, "Beside Squid with ssl-bump"): HAVEN_SQUID_OPENSSL,
 * else /work/peers/squid-openssl/root/usr/sbin/squid; skipped when there is none.
 */
const squid = process.env.HAVEN_SQUID_OPENSSL ?? '/work/peers/squid-openssl/root/usr/sbin/squid';

test(
  'Squid with ssl-bump gets the same client load as Haven, in the same run',
  { skip: existsSync(squid) ? false : `no squid-openssl binary at ${squid}` },
  async () => {
    const r = await runInspectionBench({
      handshakes: 10,
      requests: 50,
      downloadMb: 4,
      peer: (setup) => startSquidBump({ squid, ...setup }),
    });
    assert.ok(r.peer, 'the peer was measured');
    assert.match(r.peer.version ?? '', /Squid Cache: Version/);
    for (const key of [
      'handshakes_per_sec_cached',
      'handshakes_per_sec_uncached',
      'small_p50_ms',
      'small_p99_ms',
      'download_mb_per_sec',
    ] as const)
      assert.ok(Number.isFinite(r.peer[key]) && r.peer[key] > 0, `${key} = ${r.peer[key]}`);
  },
);
