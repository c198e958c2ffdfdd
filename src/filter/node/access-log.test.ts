import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ActivityEvent } from '../filter-context.ts';
import { AccessLog, squidLogLine } from './access-log.ts';
import { ActivityRing, composeSinks, createActivityBuffer } from './activity-buffer.ts';

const scratch = mkdtempSync(join(tmpdir(), 'haven-access-log-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function event(overrides: Partial<ActivityEvent> = {}): ActivityEvent {
  return {
    id: 'e1',
    at: new Date('2026-11-23T10:00:00.123Z'),
    source: 'proxy',
    schoolId: 's1',
    userId: 'u1',
    username: 'pupil',
    group: 'ks2',
    deviceClass: null,
    clientIp: '10.0.20.7',
    method: 'GET',
    host: 'bet365.com',
    url: 'http://bet365.com/',
    action: 'block',
    category: 'gambling',
    ruleId: 'matrix:gambling:ks2',
    status: 403,
    bytesIn: 2048,
    bytesOut: 310,
    durationMs: 3.4,
    searchTerms: null,
    ...overrides,
  };
}

/** Squid's native format: `%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt`. */
const squidPattern =
  /^(\d+)\.(\d{3}) {1,6}(\d+) (\S+) ([A-Z_]+)\/(\d{3}) (\d+) (\S+) (\S+) (\S+) ([A-Z_]+)\/(\S+) (\S+)$/;

test('a blocked request is a TCP_DENIED line in Squid native format', () => {
  const line = squidLogLine(event());
  assert.equal(
    line,
    '1795428000.123      3 10.0.20.7 TCP_DENIED/403 2048 GET http://bet365.com/ pupil HIER_NONE/- -',
  );
  assert.match(line, squidPattern);
});

test('allowed requests, tunnels, unknown users and odd characters keep one field per token', () => {
  const allowed = squidLogLine(
    event({ action: 'allow', status: 200, username: null, durationMs: 180.6, bytesIn: 411 }),
  );
  assert.equal(
    allowed,
    '1795428000.123    181 10.0.20.7 TCP_MISS/200 411 GET http://bet365.com/ - HIER_DIRECT/bet365.com -',
  );
  const tunnel = squidLogLine(
    event({ action: 'allow', method: 'CONNECT', url: null, status: null, host: 'example.org' }),
  );
  assert.match(
    tunnel,
    / TCP_TUNNEL\/000 2048 CONNECT example\.org:443 pupil HIER_DIRECT\/example\.org -$/,
  );
  const odd = squidLogLine(
    event({ url: 'http://example.org/a b\nc', username: 'first last', action: 'allow-with-alert' }),
  );
  assert.match(odd, squidPattern);
  assert.match(odd, / http:\/\/example\.org\/a%20b%0ac first%20last /);
  const slow = squidLogLine(event({ durationMs: 1_234_567 }));
  assert.match(slow, / 1234567 10\.0\.20\.7 /, 'a long request widens the field, as Squid does');
});

test('the access log writes in batches without blocking emit, and rotates by size', async () => {
  const path = join(scratch, 'logs', 'access.log');
  const log = new AccessLog({ path, maxBytes: 1000, keep: 2, flushIntervalMs: 10 });
  for (let i = 0; i < 5; i++) log.emit(event({ id: `a${i}` }));
  assert.equal(existsSync(path), false, 'emit does no I/O');
  await log.flush();
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  assert.equal(lines.length, 5);
  for (const line of lines) assert.match(line, squidPattern);
  // Past 1000 bytes the file is rotated: access.log.1, then .2; older generations go.
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 12; i++) log.emit(event({ id: `b${round}-${i}` }));
    await log.flush();
  }
  assert.ok(existsSync(`${path}.1`));
  assert.ok(existsSync(`${path}.2`));
  assert.equal(existsSync(`${path}.3`), false, 'only `keep` rotated files are kept');
  await log.close();
  assert.equal(log.stats.dropped, 0);
  assert.equal(log.stats.written, 53);
});

test('DNS queries are left out unless asked for; a log that cannot be written drops and says so once', async () => {
  const path = join(scratch, 'dns', 'access.log');
  const log = new AccessLog({ path, flushIntervalMs: 10 });
  log.emit(event({ source: 'dns', method: 'A', url: null }));
  await log.close();
  assert.equal(existsSync(path), false);

  const blocker = join(scratch, 'not-a-folder');
  writeFileSync(blocker, 'x');
  const problems: string[] = [];
  const broken = new AccessLog({
    path: join(blocker, 'access.log'),
    flushIntervalMs: 10,
    onError: (m) => problems.push(m),
  });
  broken.emit(event());
  broken.emit(event());
  await broken.flush();
  broken.emit(event());
  await broken.close();
  assert.equal(broken.stats.dropped, 3);
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /cannot write the access log/);
});

test('a full queue drops events instead of growing without bound', async () => {
  const log = new AccessLog({ path: join(scratch, 'full', 'access.log'), maxQueued: 3 });
  for (let i = 0; i < 5; i++) log.emit(event());
  assert.deepEqual(log.stats, { written: 0, dropped: 2, queued: 3 });
  await log.close();
  assert.equal(log.stats.written, 3);
});

test('the ring keeps the newest events, newest first', () => {
  const ring = new ActivityRing(3);
  for (let i = 1; i <= 5; i++) ring.emit(event({ id: String(i) }));
  assert.deepEqual(
    ring.recent().map((e) => e.id),
    ['5', '4', '3'],
  );
  assert.deepEqual(
    ring.recent(2).map((e) => e.id),
    ['5', '4'],
  );
  assert.equal(ring.total, 5);
  assert.deepEqual(new ActivityRing(4).recent(), []);
});

test('composed sinks: a sink that throws neither stops the others nor reaches the caller', async () => {
  const ring = new ActivityRing(10);
  const sink = composeSinks(
    {
      emit: () => {
        throw new Error('database writer down');
      },
    },
    ring,
  );
  assert.doesNotThrow(() => sink.emit(event()));
  assert.equal(ring.total, 1);
  assert.equal(sink.failures, 1);

  const buffer = createActivityBuffer({
    capacity: 2,
    accessLog: { path: join(scratch, 'buffer', 'access.log'), flushIntervalMs: 5 },
  });
  buffer.emit(event({ id: 'x' }));
  assert.equal(buffer.recent()[0]?.id, 'x');
  await buffer.close();
  assert.equal(readFileSync(join(scratch, 'buffer', 'access.log'), 'utf8').split('\n').length, 2);
});
