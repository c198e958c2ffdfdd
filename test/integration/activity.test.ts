import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sql, type Kysely, type KyselyPlugin } from 'kysely';
import { systemActor } from '../../src/access/actor.ts';
import { newEventId, type ActivityEvent } from '../../src/activity/activity-event.ts';
import {
  createEventWriter,
  type EventWriter,
  type EventWriterOptions,
  type SpoolPressure,
} from '../../src/activity/event-writer.ts';
import { importActivityFile, ingestText, schoolUsernames } from '../../src/activity/ingest.ts';
import {
  liftLegalHold,
  placeLegalHold,
  runRetention,
  setRetention,
} from '../../src/activity/retention.ts';
import {
  prepareActivityPartitions,
  startActivityMaintenance,
} from '../../src/activity/activity-maintenance.ts';
import type { ActivitySink as FilterActivitySink } from '../../src/filter/filter-context.ts';
import {
  dayNumber,
  ensureActivityPartitions,
  insertActivityEvents,
  listActivityDaily,
  listActivityPartitions,
  listActivityPurges,
  partitionName,
} from '../../src/store/activity-repository.ts';
import type { Database, School, User } from '../../src/store/schema.ts';
import { eachDatabase } from '../support/each-database.ts';
import { buildPerson, buildSchool } from '../support/factories.ts';

// The writer is the filter adapters' sink (checked by the compiler).
export const writerIsAFilterSink = (writer: EventWriter): FilterActivitySink => writer;

const DAY = 86_400_000;

function event(school: School, overrides: Partial<ActivityEvent> = {}): ActivityEvent {
  const at = overrides.at ?? new Date();
  return {
    id: newEventId(at.getTime()),
    at,
    source: 'proxy',
    schoolId: school.id,
    userId: null,
    username: null,
    group: 'ks2',
    deviceClass: 'school-owned',
    clientIp: '10.20.1.7',
    method: 'GET',
    host: 'www.bbc.co.uk',
    url: 'http://www.bbc.co.uk/bitesize',
    action: 'allow',
    category: 'education',
    ruleId: 'default',
    status: 200,
    bytesIn: 2048,
    bytesOut: 300,
    durationMs: 25,
    searchTerms: null,
    ...overrides,
  };
}

/** A database handle that fails like an unreachable server while `down` is set. */
function switchable(db: Kysely<Database>): { db: Kysely<Database>; down: boolean } {
  const state = { db: db, down: false };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (state.down)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432 (simulated)'), {
          code: 'ECONNREFUSED',
        });
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  state.db = db.withPlugin(plugin);
  return state;
}

async function countRows(db: Kysely<Database>, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from activity_events where id = any(${[...ids]}::uuid[])
  `.execute(db);
  return Number(rows[0]?.n ?? 0);
}

eachDatabase('activity events', (ctx) => {
  let school: School;
  let pupil: User;
  let held: User;
  const folders: string[] = [];
  const writers: EventWriter[] = [];
  const spoolDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'haven-activity-test-'));
    folders.push(dir);
    return join(dir, 'spool');
  };
  const open = async (options: Partial<EventWriterOptions> = {}): Promise<EventWriter> => {
    const writer = await createEventWriter({
      db: ctx.store.db,
      kind: ctx.kind,
      spoolDir: spoolDir(),
      flushIntervalMs: 20,
      retryMinMs: 20,
      retryMaxMs: 100,
      ...options,
    });
    writers.push(writer);
    return writer;
  };

  before(async () => {
    school = await buildSchool(ctx.store.db);
    pupil = await buildPerson(ctx.store.db, school, { roles: ['pupil'] });
    held = await buildPerson(ctx.store.db, school, { roles: ['pupil'] });
  });

  after(async () => {
    for (const writer of writers) await writer.close().catch(() => undefined);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  test('events are written in batches, with the daily rollup', async () => {
    const local = await buildSchool(ctx.store.db);
    const writer = await open({ batchSize: 50 });
    const at = new Date();
    const events = Array.from({ length: 120 }, (_, i) =>
      event(local, {
        at,
        action: i % 4 === 0 ? 'block' : 'allow',
        category: i % 4 === 0 ? 'gambling' : 'education',
        group: i % 2 === 0 ? 'ks2' : null,
        userId: pupil.id,
      }),
    );
    for (const e of events) writer.emit(e);
    await writer.flush();
    assert.equal(
      await countRows(
        ctx.store.db,
        events.map((e) => e.id),
      ),
      120,
    );
    const stats = writer.stats();
    assert.equal(stats.written, 120);
    assert.equal(stats.queued, 0);
    assert.equal(stats.spooled, 0);
    assert.equal(stats.databaseUp, true);

    const day = at.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    const rollup = await listActivityDaily(ctx.store.db, local.id, day, day);
    const total = (action: string, group: string | null) =>
      rollup
        .filter((r) => r.action === action && r.group_slug === group)
        .reduce((n, r) => n + Number(r.events), 0);
    assert.equal(total('block', 'ks2'), 30);
    assert.equal(total('allow', 'ks2'), 30);
    assert.equal(total('allow', null), 60);
    assert.ok(rollup.every((r) => r.day === day));

    // A few events and no flush: the timer writes them.
    const late = [event(local), event(local), event(local)];
    for (const e of late) writer.emit(e);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(
      await countRows(
        ctx.store.db,
        late.map((e) => e.id),
      ),
      3,
    );
  });

  test('the same ids twice are stored once, and counted once in the rollup', async () => {
    const local = await buildSchool(ctx.store.db);
    const writer = await open({ batchSize: 7 });
    const events = Array.from({ length: 20 }, () => event(local));
    for (const e of events) writer.emit(e);
    await writer.flush();
    for (const e of events) writer.emit(e);
    await writer.flush();
    const again = await writer.writeBatch(events);
    assert.deepEqual(again, { inserted: 0, duplicates: 20, stored: 'database' });
    assert.equal(
      await countRows(
        ctx.store.db,
        events.map((e) => e.id),
      ),
      20,
    );
    assert.equal(writer.stats().written, 20);
    assert.equal(writer.stats().duplicates, 40);
    const day = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    const rollup = await listActivityDaily(ctx.store.db, local.id, day, day);
    assert.equal(
      rollup.reduce((n, r) => n + Number(r.events), 0),
      20,
    );
  });

  test('while the database is unreachable batches go to the spool, and are replayed in order', async () => {
    const local = await buildSchool(ctx.store.db);
    const handle = switchable(ctx.store.db);
    const dir = spoolDir();
    const writer = await open({
      db: handle.db,
      spoolDir: dir,
      batchSize: 10,
      spoolFileBytes: 4096,
    });
    handle.down = true;
    const emitted: ActivityEvent[] = [];
    for (let batch = 0; batch < 4; batch++) {
      for (let i = 0; i < 10; i++) {
        const e = event(local, { bytesIn: batch * 10 + i });
        emitted.push(e);
        writer.emit(e);
      }
      await writer.flush();
    }
    let stats = writer.stats();
    assert.equal(stats.databaseUp, false);
    assert.equal(stats.spooled, 40);
    assert.equal(stats.written, 0);
    assert.ok(stats.spoolFiles >= 2, `the spool rotated (${stats.spoolFiles} files)`);
    assert.match(stats.lastError?.message ?? '', /ECONNREFUSED/);
    const files = readdirSync(dir).filter((f) => /^activity-\d{10}\.jsonl$/.test(f));
    assert.equal(files.length, stats.spoolFiles);
    const spooledIds = files
      .sort()
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
      .map((line) => (JSON.parse(line) as { id: string }).id);
    assert.deepEqual(
      spooledIds,
      emitted.map((e) => e.id),
    );
    assert.equal(
      await countRows(
        ctx.store.db,
        emitted.map((e) => e.id),
      ),
      0,
    );

    handle.down = false;
    await writer.flush();
    stats = writer.stats();
    assert.equal(stats.databaseUp, true);
    assert.equal(stats.replayed, 40);
    assert.equal(stats.written, 40);
    assert.equal(stats.spoolBytes, 0);
    assert.equal(stats.spoolFiles, 0);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('activity-')),
      [],
    );
    // Replayed in the order spooled: each batch of 10 is its own transaction, oldest first.
    const { rows } = await sql<{ id: string; tx: string }>`
      select id::text as id, xmin::text as tx from activity_events
      where id = any(${emitted.map((e) => e.id)}::uuid[])
    `.execute(ctx.store.db);
    const txOf = new Map(rows.map((r) => [r.id, Number(r.tx)]));
    const order = emitted.map((e) => txOf.get(e.id) ?? Number.NaN);
    assert.ok(
      order.every((tx, i) => i === 0 || tx >= (order[i - 1] as number)),
      `transactions in emit order: ${order.join(',')}`,
    );
    assert.ok((order[39] as number) > (order[0] as number));
  });

  test('a replay after a crash mid-flush never duplicates (the spool of a previous run)', async () => {
    const local = await buildSchool(ctx.store.db);
    const dir = spoolDir();
    const handle = switchable(ctx.store.db);
    const first = await open({ db: handle.db, spoolDir: dir, batchSize: 5 });
    handle.down = true;
    const events = Array.from({ length: 12 }, () => event(local));
    for (const e of events) first.emit(e);
    await first.close(); // the process "ends" with its batches in the spool
    assert.equal(first.stats().spooled, 12);
    assert.equal(first.stats().dropped, 0);
    // Half of them had reached the database before the crash.
    await insertActivityEvents(ctx.store.db, events.slice(0, 6));

    const second = await open({ spoolDir: dir, batchSize: 5 });
    await second.flush();
    const stats = second.stats();
    assert.equal(stats.replayed, 12);
    assert.equal(stats.written, 6);
    assert.equal(stats.duplicates, 6);
    assert.equal(stats.spoolBytes, 0);
    assert.equal(
      await countRows(
        ctx.store.db,
        events.map((e) => e.id),
      ),
      12,
    );
    const day = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    const rollup = await listActivityDaily(ctx.store.db, local.id, day, day);
    assert.equal(
      rollup.reduce((n, r) => n + Number(r.events), 0),
      12,
    );
  });

  test('spool pressure: an alert near the cap, then events are refused and counted', async () => {
    const local = await buildSchool(ctx.store.db);
    const handle = switchable(ctx.store.db);
    const pressure: SpoolPressure[] = [];
    const logged: string[] = [];
    const writer = await open({
      log: (level, message) => logged.push(`${level}: ${message}`),
      db: handle.db,
      batchSize: 5,
      spoolCapBytes: 16 * 1024,
      spoolAlertRatio: 0.5,
      onSpoolPressure: (p) => pressure.push(p),
    });
    handle.down = true;
    let emitted = 0;
    while (writer.stats().dropped === 0 && emitted < 2000) {
      for (let i = 0; i < 5; i++) writer.emit(event(local, { bytesIn: emitted++ }));
      await writer.flush();
    }
    const stats = writer.stats();
    assert.ok(stats.dropped > 0);
    assert.equal(stats.accepting, false);
    assert.equal(pressure.length, 2);
    assert.equal(pressure[0]?.full, false);
    assert.ok((pressure[0]?.ratio ?? 0) >= 0.5);
    assert.equal(pressure[0]?.cap, 16 * 1024);
    assert.equal(pressure[1]?.full, true);
    assert.ok(
      logged.some((line) => /^error: \d+ activity event\(s\) dropped: .*spool is full/.test(line)),
      logged.join('\n'),
    );
    assert.ok(logged.some((line) => /^warn: the activity spool holds .* \(\d+ %\)$/.test(line)));
    writer.emit(event(local));
    assert.equal(writer.stats().dropped, stats.dropped + 1, 'refused at once while full');
    assert.equal(stats.spooled + stats.dropped, emitted);

    handle.down = false;
    await writer.flush();
    const after = writer.stats();
    assert.equal(after.accepting, true);
    assert.equal(after.replayed, stats.spooled);
    assert.equal(after.spoolBytes, 0);
    writer.emit(event(local));
    await writer.flush();
    assert.equal(writer.stats().written, stats.spooled + 1);
  });

  test('an event the database can never take is rejected and kept aside, not lost', async () => {
    const local = await buildSchool(ctx.store.db);
    const dir = spoolDir();
    const writer = await open({ spoolDir: dir });
    const good = event(local);
    writer.emit(good);
    writer.emit({ ...event(local), userId: 'not-a-uuid' });
    await writer.close();
    assert.equal(writer.stats().rejected, 1);
    assert.equal(writer.stats().written, 1);
    const kept = readFileSync(join(dir, 'rejected.jsonl'), 'utf8');
    assert.match(kept, /userId is not a UUID/);
    assert.match(kept, /not-a-uuid/);
    writer.emit(event(local));
    assert.equal(writer.stats().dropped, 1, 'a closed writer counts what it turns away');
  });

  test('day partitions: ready ahead, created on demand, and rows move out of the default', async () => {
    const local = await buildSchool(ctx.store.db);
    const now = new Date();
    await prepareActivityPartitions(ctx.store.db, now, 7);
    const days = new Set((await listActivityPartitions(ctx.store.db)).map((p) => p.day));
    for (let d = -1; d <= 7; d++) assert.ok(days.has(dayNumber(now) + d), `day ${d}`);

    // A day without a partition: the row lands in the default partition…
    const old = new Date(Date.now() - 200 * DAY);
    const e = event(local, { at: old });
    assert.equal(await insertActivityEvents(ctx.store.db, [e]), 1);
    const where = async () =>
      (
        await sql<{ t: string }>`
          select tableoid::regclass::text as t from activity_events where id = ${e.id}::uuid
        `.execute(ctx.store.db)
      ).rows[0]?.t;
    assert.equal(await where(), 'activity_events_default');
    // …and moves into the partition when it is created.
    assert.deepEqual(await ensureActivityPartitions(ctx.store.db, [dayNumber(old)]), [
      dayNumber(old),
    ]);
    assert.equal(await where(), partitionName(dayNumber(old)));
    assert.deepEqual(await ensureActivityPartitions(ctx.store.db, [dayNumber(old)]), []);

    // The writer creates the partition of a recent day it has not seen.
    const writer = await open();
    const recent = new Date(Date.now() - 20 * DAY);
    writer.emit(event(local, { at: recent }));
    await writer.flush();
    assert.ok(
      (await listActivityPartitions(ctx.store.db)).some((p) => p.day === dayNumber(recent)),
    );
  });

  test('retention purges on schedule, a legal hold keeps a person’s events, each purge is recorded', async () => {
    const db = ctx.store.db;
    const now = new Date('2026-11-23T12:00:00Z');
    const other = await buildSchool(db);
    const actor = systemActor('test');
    await setRetention(
      db,
      actor,
      { schoolId: school.id, activityDays: 30, searchTermsDays: 7 },
      now,
    );
    const hold = await placeLegalHold(
      db,
      actor,
      { schoolId: school.id, userId: held.id, reason: 'police request 2026/114' },
      now,
    );
    const ago = (days: number, hour = 10) => new Date(Date.UTC(2026, 10, 23 - days, hour, 0, 0));
    const p400 = dayNumber(ago(400));
    const p401 = dayNumber(ago(401));
    await ensureActivityPartitions(db, [p400, p401]);
    const e = {
      expired: event(school, { at: ago(40), userId: pupil.id }),
      heldExpired: event(school, { at: ago(40), userId: held.id }),
      recentSearch: event(school, { at: ago(10), userId: pupil.id, searchTerms: 'how to revise' }),
      heldSearch: event(school, { at: ago(10), userId: held.id, searchTerms: 'contact lawyer' }),
      freshSearch: event(school, { at: ago(3), userId: pupil.id, searchTerms: 'volcanoes' }),
      otherKept: event(other, { at: ago(40), searchTerms: 'maths games' }),
      otherSearch: event(other, { at: ago(100), searchTerms: 'guitar chords' }),
      dropA: event(school, { at: ago(400), userId: pupil.id }),
      dropB: event(other, { at: ago(400) }),
      keptPartitionHeld: event(school, { at: ago(401), userId: held.id }),
      keptPartitionOther: event(other, { at: ago(401) }),
    };
    const writer = await open();
    const result = await writer.writeBatch(Object.values(e));
    assert.equal(result.inserted, 11);

    const report = await runRetention(db, { now, batchSize: 2 });
    assert.deepEqual(report.droppedPartitions, [partitionName(p400)]);
    assert.deepEqual(report.heldPartitions, [partitionName(p401)]);

    const present = async (x: ActivityEvent) => (await countRows(db, [x.id])) === 1;
    const terms = async (x: ActivityEvent) =>
      (
        await sql<{
          s: string | null;
        }>`select search_terms as s from activity_events where id = ${x.id}::uuid`.execute(db)
      ).rows[0]?.s ?? null;
    assert.equal(await present(e.expired), false);
    assert.equal(await present(e.heldExpired), true);
    assert.equal(await present(e.dropA), false);
    assert.equal(await present(e.dropB), false);
    assert.equal(await present(e.keptPartitionHeld), true);
    assert.equal(await present(e.keptPartitionOther), false, 'deleted from the held partition');
    assert.equal(await terms(e.recentSearch), null);
    assert.equal(await terms(e.heldSearch), 'contact lawyer');
    assert.equal(await terms(e.freshSearch), 'volcanoes');
    assert.equal(await present(e.otherKept), true);
    assert.equal(await terms(e.otherKept), 'maths games');
    assert.equal(await terms(e.otherSearch), null);
    assert.equal(report.clearedSearchTerms, 2);
    assert.equal(report.heldEvents, 2);

    const purges = await listActivityPurges(db, school.id, 20);
    const find = (method: string) => purges.find((p) => p.method === method);
    assert.equal(find('drop-partition')?.rows, 1);
    assert.equal(find('drop-partition')?.rule, 'activity_days=30 (school setting)');
    assert.deepEqual(find('drop-partition')?.detail, {
      partition: partitionName(p400),
      longestRetentionDays: 365,
    });
    assert.equal(find('delete')?.rows, 1);
    assert.equal(find('delete')?.held_rows, 2);
    assert.equal(find('delete')?.cutoff.toISOString(), '2026-10-24T12:00:00.000Z');
    assert.equal(find('clear')?.kind, 'search-terms');
    assert.equal(find('clear')?.rows, 1);
    assert.equal(find('clear')?.held_rows, 1);
    assert.equal(find('clear')?.rule, 'search_terms_days=7 (school setting)');
    const otherPurges = await listActivityPurges(db, other.id, 20);
    assert.deepEqual(otherPurges.map((p) => [p.method, p.rows, p.rule]).sort(), [
      ['clear', 1, 'search_terms_days=90 (default)'],
      ['delete', 1, 'activity_days=365 (default)'],
      ['drop-partition', 1, 'activity_days=365 (default)'],
    ]);

    // Run again: nothing more to do, nothing recorded but what a hold keeps.
    const again = await runRetention(db, { now, batchSize: 2 });
    assert.equal(again.purgedEvents, 0);
    assert.equal(again.clearedSearchTerms, 0);

    // The hold is lifted: the next run purges the rest, the held partition included.
    await liftLegalHold(db, actor, { holdId: hold.id, reason: 'case closed' }, now);
    const lifted = await runRetention(db, { now, batchSize: 2 });
    assert.deepEqual(lifted.droppedPartitions, [partitionName(p401)]);
    assert.equal(await present(e.heldExpired), false);
    assert.equal(await present(e.keptPartitionHeld), false);
    assert.equal(await terms(e.heldSearch), null);
    assert.equal(lifted.heldEvents, 0);
    const audit = await sql<{ action: string }>`
      select action from audit_log where subject_id = ${held.id} order by seq
    `.execute(db);
    assert.deepEqual(
      audit.rows.map((r) => r.action).filter((a) => a.startsWith('legal-hold')),
      ['legal-hold.placed', 'legal-hold.lifted'],
    );
  });

  test('JSON-lines ingest: bad lines are reported by number, good ones stored in one batch', async () => {
    const local = await buildSchool(ctx.store.db);
    const writer = await open();
    const at = new Date().toISOString();
    const body = [
      JSON.stringify({ at, host: 'classroom.google.com', username: 'ext-user' }),
      '{"at": "yesterday", "host": "a.example"}',
      JSON.stringify({
        at,
        url: 'https://www.youtube.com/results?search_query=volcano',
        searchTerms: 'volcano',
      }),
      '{not json',
      JSON.stringify({ at, host: 'b.example', schoolId: school.id }),
      '',
    ].join('\n');
    const options = { format: 'jsonl' as const, source: 'extension' as const, schoolId: local.id };
    const report = await ingestText(writer, body, options);
    assert.equal(report.lines, 5);
    assert.equal(report.events, 2);
    assert.equal(report.inserted, 2);
    assert.equal(report.spooled, 0);
    assert.deepEqual(
      report.problems.map((p) => p.line),
      [2, 4, 5],
    );
    assert.equal(report.problemCount, 3);
    const again = await ingestText(writer, body, options);
    assert.equal(again.inserted, 0);
    assert.equal(again.duplicates, 2);
    const { rows } = await sql<{ host: string; source: string; search_terms: string | null }>`
      select host, source, search_terms from activity_events where school_id = ${local.id}::uuid order by host
    `.execute(ctx.store.db);
    assert.deepEqual(rows, [
      { host: 'classroom.google.com', source: 'extension', search_terms: null },
      { host: 'www.youtube.com', source: 'extension', search_terms: 'volcano' },
    ]);

    // The database is down: the batch goes to the spool whole, and reaches the database later.
    const handle = switchable(ctx.store.db);
    const offline = await open({ db: handle.db });
    handle.down = true;
    const line = JSON.stringify({ at, host: 'offline.example' });
    const spooled = await ingestText(offline, line, options);
    assert.equal(spooled.spooled, 1);
    handle.down = false;
    await offline.flush();
    assert.equal(offline.stats().replayed, 1);
  });

  test('Squid access logs: parsed, tied to people by username, imported in batches', async () => {
    const local = await buildSchool(ctx.store.db);
    const ava = await buildPerson(ctx.store.db, local, { username: 'ava.p', roles: ['pupil'] });
    const writer = await open();
    const t = Math.floor(Date.now() / 1000);
    const log = [
      `${t}.123    180 10.0.20.7 TCP_DENIED/403 0 GET http://bet365.com/ ava.p HIER_NONE/- -`,
      `${t}.500     35 10.0.20.8 TCP_TUNNEL/200 5120 CONNECT www.google.com:443 - HIER_DIRECT/142.250.180.4 -`,
      'this is not a squid line',
      `${t}.900   1204 10.0.20.7 TCP_MISS/200 48211 GET http://www.bbc.co.uk/news AVA.P HIER_DIRECT/www.bbc.co.uk text/html`,
      `${t}.900   1204 10.0.20.7 TCP_MISS/200 48211 GET http://www.bbc.co.uk/news AVA.P HIER_DIRECT/www.bbc.co.uk text/html`,
    ].join('\n');
    const file = join(spoolDir(), '..', 'access.log');
    writeFileSync(file, `${log}\n`);
    const users = await schoolUsernames(ctx.store.db, local.id);
    const progress: number[] = [];
    const report = await importActivityFile(writer, file, {
      format: 'squid',
      source: 'squid-log',
      schoolId: local.id,
      users,
      batchLines: 2,
      onProgress: (r) => progress.push(r.inserted),
    });
    assert.equal(report.lines, 5);
    assert.equal(report.events, 4);
    assert.equal(report.inserted, 4, 'two identical lines are two requests');
    assert.deepEqual(progress, [2, 4]);
    assert.deepEqual(report.problems, [
      {
        line: 3,
        message:
          'expected 10 fields (time elapsed client action/code bytes method URL user hierarchy/peer type), found 6',
      },
    ]);
    const { rows } = await sql<{ action: string; user_id: string | null; host: string }>`
      select action, user_id, host from activity_events
      where school_id = ${local.id}::uuid order by at, host
    `.execute(ctx.store.db);
    assert.deepEqual(rows, [
      { action: 'block', user_id: ava.id, host: 'bet365.com' },
      { action: 'allow', user_id: null, host: 'www.google.com' },
      { action: 'allow', user_id: ava.id, host: 'www.bbc.co.uk' },
      { action: 'allow', user_id: ava.id, host: 'www.bbc.co.uk' },
    ]);
    // Importing the same file again stores nothing new.
    const again = await importActivityFile(writer, file, {
      format: 'squid',
      source: 'squid-log',
      schoolId: local.id,
      users,
    });
    assert.equal(again.inserted, 0);
    assert.equal(again.duplicates, 4);
  });
  // Last: retention is deployment-wide.
  test('maintenance keeps partitions ready and runs retention once a day', async () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const reports: number[] = [];
    const maintenance = startActivityMaintenance({
      db: ctx.store.db,
      now: () => now,
      intervalMs: 3_600_000,
      onRetention: (r) => reports.push(r.purgedEvents),
    });
    const first = await maintenance.runOnce();
    const second = await maintenance.runOnce();
    await maintenance.stop();
    assert.notEqual(first.retention, null, 'retention ran on the first run');
    assert.equal(second.retention, null, 'and not again the same day');
    assert.equal(reports.length, 1, 'not in the start-up run either');
    assert.deepEqual(second.partitionsCreated, []);
    const days = new Set((await listActivityPartitions(ctx.store.db)).map((p) => p.day));
    for (let d = -1; d <= 7; d++) assert.ok(days.has(dayNumber(now) + d));
    const forced = startActivityMaintenance({ db: ctx.store.db, now: () => now });
    const report = await forced.runOnce({ forceRetention: true });
    await forced.stop();
    assert.equal(report.retention?.purgedEvents, 0);
  });
});
