import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { newEventId, type ActivityEvent } from './activity-event.ts';
import { Spool, SpoolFullError, reviveSpooledEvent } from './spool.ts';

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'haven-spool-test-'));
  folders.push(dir);
  return dir;
}

function event(n: number): ActivityEvent {
  return {
    id: newEventId(Date.UTC(2026, 10, 23, 10, 0, 0, n)),
    at: new Date(Date.UTC(2026, 10, 23, 10, 0, 0, n)),
    source: 'proxy',
    schoolId: '6f1c2a4e-1b2c-4d3e-8f40-123456789abc',
    userId: null,
    username: `user ${n} "quoted"`,
    group: 'ks2',
    deviceClass: null,
    clientIp: '10.0.0.1',
    method: 'GET',
    host: `host${n}.example`,
    url: `http://host${n}.example/\u00e9\n`,
    action: n % 2 === 0 ? 'allow' : 'block',
    category: null,
    ruleId: 'default',
    status: 200,
    bytesIn: n,
    bytesOut: 0,
    durationMs: 1,
    searchTerms: null,
  };
}

async function readAll(spool: Spool, maxEvents = 1000): Promise<ActivityEvent[]> {
  const out: ActivityEvent[] = [];
  for (;;) {
    const file = await spool.oldest();
    if (!file) return out;
    let offset = 0;
    for (;;) {
      const chunk = await spool.read(file, offset, maxEvents);
      out.push(...chunk.events);
      offset = chunk.nextOffset;
      if (chunk.end) break;
    }
    await spool.remove(file);
  }
}

test('batches are read back whole and in order, across rotated files and chunks', async () => {
  const dir = folder();
  const spool = new Spool({ dir, fileBytes: 2048 });
  await spool.open();
  const all = Array.from({ length: 40 }, (_, i) => event(i));
  for (let i = 0; i < all.length; i += 5) await spool.append(all.slice(i, i + 5));
  assert.ok(spool.fileCount > 2, `rotated into ${spool.fileCount} files`);
  assert.ok(spool.hasBacklog);
  const back = await readAll(spool, 3);
  assert.deepEqual(back, all);
  assert.equal(spool.fileCount, 0);
  assert.equal(spool.bytes, 0);
  assert.deepEqual(readdirSync(dir), []);
  await spool.close();
});

test('files left by a previous run are found, oldest first, and new files come after them', async () => {
  const dir = folder();
  const first = new Spool({ dir, fileBytes: 1024 });
  await first.open();
  await first.append([event(1), event(2), event(3)]);
  await first.append([event(4)]);
  await first.close();
  const second = new Spool({ dir, fileBytes: 1024 });
  await second.open();
  assert.equal(second.fileCount, first.fileCount);
  await second.append([event(5)]);
  const back = await readAll(second);
  assert.deepEqual(
    back.map((e) => e.bytesIn),
    [1, 2, 3, 4, 5],
  );
});

test('a line torn by a crash is reported, and the rest is read', async () => {
  const dir = folder();
  const spool = new Spool({ dir });
  await spool.open();
  await spool.append([event(1), event(2)]);
  await spool.close();
  const [name] = readdirSync(dir);
  appendFileSync(join(dir, name ?? ''), '{"id":"0190');
  const reopened = new Spool({ dir });
  await reopened.open();
  const file = await reopened.oldest();
  assert.ok(file);
  const chunk = await reopened.read(file, 0, 100);
  assert.equal(chunk.events.length, 2);
  assert.equal(chunk.badLines.length, 1);
  assert.equal(chunk.badLines[0]?.reason, 'incomplete last line');
  assert.ok(chunk.end);
});

test('the cap refuses a batch whole', async () => {
  const dir = folder();
  const spool = new Spool({ dir, capBytes: 2000 });
  await spool.open();
  await spool.append([event(1), event(2), event(3)]);
  const before = spool.bytes;
  await assert.rejects(
    spool.append(Array.from({ length: 10 }, (_, i) => event(i))),
    SpoolFullError,
  );
  assert.equal(spool.bytes, before);
  assert.equal((await readAll(spool)).length, 3);
});

test('a spooled line must be an event the database can take', () => {
  assert.equal(reviveSpooledEvent('nope'), 'not JSON (a line torn by a crash?)');
  assert.equal(reviveSpooledEvent('{"source":"proxy","action":"allow"}'), 'id is not a UUID');
  assert.equal(
    reviveSpooledEvent(JSON.stringify({ ...event(1), source: 'telnet' })),
    'unknown source',
  );
  const seven = event(7);
  assert.deepEqual(reviveSpooledEvent(JSON.stringify(seven)), seven);
});
