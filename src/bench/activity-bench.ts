import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import {
  insertSyntheticDay,
  syntheticSite,
  type SyntheticPerson,
} from '../store/activity-bench-repository.ts';
import {
  dayNumber,
  ensureActivityPartitions,
  searchActivityEvents,
  streamActivityEvents,
  sumActivityDaily,
  topBlockedHosts,
  type ActivitySearch,
} from '../store/activity-repository.ts';
import { migrateToLatest, openStore, type DatabaseKind, type Store } from '../store/database.ts';
import { insertSchool } from '../store/school-repository.ts';
import type { Database } from '../store/schema.ts';
import { insertUser } from '../store/user-repository.ts';

/**
 * `haven bench activity`: the Activity pages' queries on a school with N events.
 *
 * A fresh database (a scratch database beside `url` on PostgreSQL, dropped at the end; a
 * temporary folder with PGlite) gets a school of 1,000 pupils and 100 staff and N events over
 * the `days` days before the measured "now" (07:00–16:00 UTC each day, 5,000 sites of Zipf-like
 * popularity, a tenth or so blocked, 2 % with search terms), made by the server with
 * `generate_series` into the day partitions with the daily rollup built as the writer builds it.
 * Then each query behind the pages runs `runs` times (other people, sites and categories each
 * time), through the repository functions the API routes call, with the routes' page sizes; the
 * figures are p50 and p99 in milliseconds.
 */

export interface ActivityBenchOptions {
  readonly database: DatabaseKind;
  /** PostgreSQL: a URL whose user may create databases. */
  readonly url?: string;
  readonly events: number;
  /** Days of events (default 30). */
  readonly days?: number;
  /** Timed runs of each query (default 20). */
  readonly runs?: number;
  readonly log?: (line: string) => void;
}

export interface QueryFigures {
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly runs: number;
  /** Rows the query returned, on average. */
  readonly rows: number;
}

export interface ActivityBenchResult {
  readonly database: DatabaseKind;
  readonly events: number;
  readonly days: number;
  readonly fill_seconds: number;
  readonly fill_events_per_sec: number;
  readonly queries: Readonly<Record<string, QueryFigures>>;
  readonly load_average: readonly number[];
  readonly node: string;
}

const DAY_MS = 86_400_000;
const PAGE = 100; // the Activity page's default page size
const EXPORT_PAGE = 2000; // streamActivityEvents' page: the CSV export's first read
const SITES = 5000;
const GROUPS = ['year7', 'year8', 'year9', 'year10', 'year11'];

export interface ActivityBenchQuery {
  readonly name: string;
  /** Run once with the i-th choice of person, site, …; returns the rows it read. */
  run(i: number): Promise<number>;
}

/** The queries behind the Activity pages (see the module comment). */
export function activityQueries(
  db: Kysely<Database>,
  schoolId: string,
  people: readonly SyntheticPerson[],
  now: Date,
): ActivityBenchQuery[] {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const week = { schoolId, from: ago(7), to: now };
  const month = { schoolId, from: ago(30), to: now };
  const person = (i: number) => people[(i * 37) % people.length] as SyntheticPerson;
  const personIndex = (i: number) => (i * 37) % people.length;
  // Popular sites (ranks 1–40) and rarer ones, alternately.
  const site = (i: number) => syntheticSite(i % 2 === 0 ? 1 + (i % 40) : 100 + ((i * 53) % 2000));
  const page = (search: ActivitySearch) => searchActivityEvents(db, search, null, PAGE);
  const twoPages = async (search: ActivitySearch) => {
    const first = await searchActivityEvents(db, search, null, PAGE);
    const last = first[first.length - 1];
    if (!last) return first.length;
    const second = await searchActivityEvents(db, search, { at: last.at, id: last.id }, PAGE);
    return first.length + second.length;
  };
  const localDay = (d: Date) => d.toISOString().slice(0, 10);
  return [
    { name: 'recent', run: async () => (await page(week)).length },
    { name: 'by_user', run: async (i) => (await page({ ...month, userId: person(i).id })).length },
    {
      name: 'by_username',
      run: async (i) => (await page({ ...week, username: person(i).username })).length,
    },
    {
      name: 'by_group',
      run: async (i) => (await page({ ...week, group: GROUPS[i % GROUPS.length] })).length,
    },
    {
      name: 'by_device_class',
      run: async (i) =>
        (await page({ ...week, deviceClass: i % 2 ? 'authorised' : 'school-multi-user' })).length,
    },
    {
      name: 'by_client_ip',
      run: async (i) => {
        const u = personIndex(i);
        const ip = `10.20.${Math.floor(u / 200)}.${(u % 200) + 10}`;
        return (await page({ ...week, clientIp: ip })).length;
      },
    },
    { name: 'by_host', run: async (i) => (await page({ ...week, host: site(i) })).length },
    {
      name: 'by_category',
      run: async (i) =>
        (await page({ ...month, category: i % 2 ? 'adult' : 'online-gaming' })).length,
    },
    { name: 'by_decision', run: async () => (await page({ ...week, action: 'block' })).length },
    {
      name: 'time_range',
      run: async (i) => {
        const from = new Date(ago(3 + (i % 20)).getTime() - 2 * 3600_000);
        return (await page({ schoolId, from, to: new Date(from.getTime() + 3600_000) })).length;
      },
    },
    {
      name: 'drill_user_day',
      run: (i) => twoPages({ schoolId, from: ago(1 + (i % 5)), to: now, userId: person(i).id }),
    },
    {
      name: 'drill_host_day',
      run: (i) => twoPages({ schoolId, from: ago(1 + (i % 5)), to: now, host: site(i) }),
    },
    {
      name: 'dashboard',
      run: async () => {
        // The summary route (four reads of the rollup) and the most blocked hosts.
        const range = { schoolId, fromDay: localDay(ago(6)), toDay: localDay(now) };
        const byAction = await sumActivityDaily(db, { ...range, by: 'action' });
        const byCategory = await sumActivityDaily(db, {
          ...range,
          by: 'category',
          action: 'block',
        });
        const byDay = await sumActivityDaily(db, { ...range, by: 'day', action: 'block' });
        const all = await sumActivityDaily(db, { ...range, by: 'category' });
        const hosts = await topBlockedHosts(db, { ...week, limit: 10 });
        return byAction.length + byCategory.length + byDay.length + all.length + hosts.length;
      },
    },
    {
      name: 'export_first_page',
      run: async () => {
        let rows = 0;
        for await (const _row of streamActivityEvents(db, week, EXPORT_PAGE)) {
          rows += 1;
          if (rows === EXPORT_PAGE) break;
        }
        return rows;
      },
    },
  ];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Time each query: one untimed run, then `runs` timed ones. */
export async function timeQueries(
  queries: readonly ActivityBenchQuery[],
  runs: number,
  log: (line: string) => void = () => undefined,
): Promise<Record<string, QueryFigures>> {
  const out: Record<string, QueryFigures> = {};
  for (const query of queries) {
    await query.run(runs);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      rows += await query.run(i);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    out[query.name] = {
      p50_ms: round2(percentile(times, 50)),
      p99_ms: round2(percentile(times, 99)),
      runs,
      rows: Math.round(rows / runs),
    };
    const figures = out[query.name] as QueryFigures;
    log(`${query.name}: p50 ${figures.p50_ms} ms, p99 ${figures.p99_ms} ms, ${figures.rows} rows`);
  }
  return out;
}

/** A school of 1,000 pupils in five year groups and 100 staff. */
async function createSchool(
  db: Kysely<Database>,
): Promise<{ schoolId: string; people: SyntheticPerson[] }> {
  const school = await insertSchool(db, {
    slug: `bench-${randomUUID().slice(0, 8)}`,
    name: 'Bench School',
    timeZone: 'Europe/London',
  });
  const people: SyntheticPerson[] = [];
  for (let i = 0; i < 1100; i++) {
    const staff = i >= 1000;
    const group = staff ? 'staff' : (GROUPS[i % GROUPS.length] as string);
    const username = staff ? `staff${i - 1000}` : `pupil${i}`;
    const user = await insertUser(db, {
      school_id: school.id,
      username: `${username}.${school.slug}`,
      display_name: staff ? `Staff Member ${i - 1000}` : `Pupil ${i}`,
      roles: [staff ? 'teacher' : 'pupil'],
      year_group: staff ? null : group,
      staff_role: null,
      password_hash: null,
      updated_at: new Date(),
    });
    people.push({ id: user.id, username: user.username, group });
  }
  return { schoolId: school.id, people };
}

/**
 * Fill `db` with `events` events over `days` days ending with `lastDay` (a UTC day number), see
 * the module comment. Returns the school and its people.
 */
export async function fillActivity(
  db: Kysely<Database>,
  options: { events: number; days: number; lastDay: number; log?: (line: string) => void },
): Promise<{ schoolId: string; people: SyntheticPerson[] }> {
  const { schoolId, people } = await createSchool(db);
  const first = options.lastDay - options.days + 1;
  await ensureActivityPartitions(
    db,
    Array.from({ length: options.days + 1 }, (_, i) => first + i),
  );
  const perDay = Math.floor(options.events / options.days);
  let left = options.events;
  for (let d = 0; d < options.days; d++) {
    const count = d === options.days - 1 ? left : Math.min(left, perDay);
    // At most 100,000 rows a statement, in time order: the rollup and memory stay small.
    for (let from = 0; from < count; from += 100_000) {
      await insertSyntheticDay(db, {
        schoolId,
        day: new Date((first + d) * DAY_MS),
        dayEvents: count,
        from,
        events: Math.min(100_000, count - from),
        people,
        hosts: SITES,
        seed: first + d,
      });
    }
    left -= count;
    options.log?.(`day ${d + 1} of ${options.days}: ${options.events - left} events`);
  }
  return { schoolId, people };
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Run the activity benchmark (see the module comment). */
export async function runActivityBench(
  options: ActivityBenchOptions,
): Promise<ActivityBenchResult> {
  const days = Math.max(1, Math.floor(options.days ?? 30));
  const runs = Math.max(1, Math.floor(options.runs ?? 20));
  const events = Math.max(days, Math.floor(options.events));
  const log = options.log ?? (() => undefined);
  const startLoad = loadavg()[0] ?? 0;
  const work = mkdtempSync(join(tmpdir(), 'haven-activity-bench-'));
  let store: Store | undefined;
  let dropScratch: (() => Promise<void>) | undefined;
  try {
    if (options.database === 'postgres') {
      const url = options.url ?? process.env.DATABASE_URL;
      if (!url) throw new Error('the PostgreSQL bench needs a server URL (--url or DATABASE_URL)');
      const name = `haven_bench_${process.pid}_${randomUUID().slice(0, 8)}`;
      await admin(url, (c) => c.query(`create database ${name}`));
      dropScratch = () =>
        admin(url, async (c) => {
          await c.query(`drop database if exists ${name} with (force)`);
        });
      const parsed = new URL(url);
      parsed.pathname = `/${name}`;
      store = await openStore({ databaseUrl: parsed.toString(), dataDir: '' });
    } else {
      store = await openStore({ dataDir: work });
    }
    await migrateToLatest(store.db);
    // The events end yesterday; "now" is 15:30 UTC yesterday: the pages open on busy hours.
    const lastDay = dayNumber(Date.now()) - 1;
    const now = new Date(lastDay * DAY_MS + 15.5 * 3600_000);
    log(`filling ${events.toLocaleString('en-GB')} events over ${days} days…`);
    const t0 = performance.now();
    const { schoolId, people } = await fillActivity(store.db, { events, days, lastDay, log });
    const fillSeconds = (performance.now() - t0) / 1000;
    log(`filled in ${fillSeconds.toFixed(1)} s; timing ${runs} runs of each query`);
    const queries = await timeQueries(activityQueries(store.db, schoolId, people, now), runs, log);
    return {
      database: store.kind,
      events,
      days,
      fill_seconds: round2(fillSeconds),
      fill_events_per_sec: Math.round(events / fillSeconds),
      queries,
      load_average: [startLoad, loadavg()[0] ?? 0].map(round2),
      node: process.version,
    };
  } finally {
    await store?.close().catch(() => undefined);
    await dropScratch?.().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}
