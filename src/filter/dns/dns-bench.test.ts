import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchDnsFilter,
  parseDnsperf,
  percentileMs,
  startStubUpstream,
  writeQueryFile,
} from './dns-bench.ts';
import dgram from 'node:dgram';
import { encode } from 'dns-packet';
import { decodeAnswer as decode } from './packets.test-data.ts';

const SAMPLE = `DNS Performance Testing Tool
Version 2.10.0

[Status] Command line: dnsperf -s 127.0.0.1 -p 59284 -d q.txt -n 2 -v
> NOERROR example.org A 0.000740
> NXDOMAIN www.bet365.com A 0.000250
> NOERROR example.org A 0.000150
> T example.org A
> NXDOMAIN www.bet365.com A 0.000138
[Status] Testing complete (end of file)

Statistics:

  Queries sent:         5
  Queries completed:    4 (80.00%)
  Queries lost:         1 (20.00%)

  Response codes:       NOERROR 2 (50.00%), NXDOMAIN 2 (50.00%)
  Average packet size:  request 30, response 84
  Run time (s):         0.001921
  Queries per second:   2082.248829

  Average Latency (s):  0.000319 (min 0.000138, max 0.000740)
  Latency StdDev (s):   0.000285
`;

test('dnsperf output: summary, rcodes and per-query latencies (timeouts skipped)', () => {
  const out = parseDnsperf(SAMPLE.split('\n'));
  assert.equal(out.sent, 5);
  assert.equal(out.completed, 4);
  assert.equal(out.lost, 1);
  assert.equal(Math.round(out.qps), 2082);
  assert.deepEqual(out.rcodes, { NOERROR: 2, NXDOMAIN: 2 });
  assert.equal(out.avgMs, 0.319);
  assert.deepEqual([...out.latencies], [0.00074, 0.00025, 0.00015, 0.000138]);
  const sorted = Float64Array.from(out.latencies).sort();
  assert.equal(percentileMs(sorted, 0.5), 0.25);
  assert.equal(percentileMs(sorted, 0.99), 0.74);
  assert.equal(percentileMs(new Float64Array(0), 0.99), null);
});

test('query files: the blocked share is spread evenly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-dns-q-'));
  try {
    const file = join(dir, 'q.txt');
    const allowed = Array.from({ length: 80 }, (_, i) => `ok${i}.test`);
    const blocked = Array.from({ length: 20 }, (_, i) => `bad${i}.test`);
    assert.equal(writeQueryFile(file, { allowed, blocked }, 0.2), 100);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('bad')).length, 20);
    assert.ok(
      lines.slice(0, 10).some((l) => l.startsWith('bad')),
      'blocked names from the start',
    );
    assert.ok(lines.every((l) => l.endsWith(' A')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the stub upstream answers A 127.0.0.1 for every name', async () => {
  const up = await startStubUpstream();
  const socket = dgram.createSocket('udp4');
  try {
    const answer = await new Promise<Buffer>((resolve) => {
      socket.once('message', resolve);
      socket.send(
        encode({
          type: 'query',
          id: 9,
          flags: 0x0100,
          questions: [{ type: 'A', name: 'Anything.Example' }],
        }),
        up.port,
        '127.0.0.1',
      );
    });
    const decoded = decode(answer);
    assert.equal(decoded.id, 9);
    assert.deepEqual(
      decoded.answers?.map((a) => (a.type === 'A' ? [a.name, a.data, a.ttl] : [])),
      [['Anything.Example', '127.0.0.1', 86_400]],
    );
    assert.equal(up.queries(), 1);
  } finally {
    socket.close();
    await up.close();
  }
});

const hasDnsperf = spawnSync('dnsperf', ['-h']).error === undefined;

test(
  'smoke: the whole DNS bench on a small list',
  { skip: hasDnsperf ? false : 'dnsperf is not installed (apt-get install dnsperf)' },
  async () => {
    const result = await benchDnsFilter({ domains: 1000, names: 500, seconds: 1, warmSeconds: 1 });
    assert.ok(result.queries_per_sec > 0);
    assert.ok(result.p99_ms !== null && result.p99_ms > 0);
    assert.equal(result.lost, 0);
    assert.ok(
      result.nxdomain_share !== null && Math.abs(result.nxdomain_share - 0.2) < 0.02,
      `blocked share ${result.nxdomain_share}`,
    );
    assert.equal(result.rcodes.SERVFAIL ?? 0, 0);
  },
);
