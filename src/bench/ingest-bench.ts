import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { newEventId, type ActivityEvent } from '../activity/activity-event.ts';
import { createEventWriter } from '../activity/event-writer.ts';
import { countSchoolEvents } from '../store/activity-repository.ts';
import { migrateToLatest, openStore, type DatabaseKind, type Store } from '../store/database.ts';
import type { Database } from '../store/schema.ts';

/**
 * `haven bench ingest`: activity events through the real writer (queue → batched inserts with
 * the rollup → spool while the database is away → replay) for `seconds`, then every emitted id
 * is looked for: `lost` = emitted − distinct ids stored, `duplicated` = rows − distinct ids.
 *
 * - PostgreSQL: a scratch database is created beside `url` (the user needs CREATEDB) and dropped
 *   at the end. PGlite: a scratch data folder (or `dataDir`), removed at the end if temporary.
 * - load: as fast as the writer takes it (the generator keeps a few batches queued), or an
 *   offered `rate` per second. Events are a school day's mix: 20 % blocked, 300 pupils and
 *   staff, 2,000 hosts, a few with search terms; ids are UUIDv7 (`newEventId`) as the filter
 *   adapters make them.
 * - `fault: true` (PostgreSQL only, opt-in): half way through, the server is restarted with
 *   `pg_ctlcluster --skip-systemctl-redirect <version> main restart` (or `restartCommand`); the
 *   writer spools while it is down and replays when it is back; the run then checks that nothing
 *   was lost or duplicated. It restarts the whole server: never run it where other work uses it.
 */

export interface IngestBenchOptions {
  readonly database: DatabaseKind;
  /** PostgreSQL: a URL whose user may create databases (the scratch database goes beside it). */
  readonly url?: string;
  /** PGlite: the data folder (default: a temporary folder, removed afterwards). */
  readonly dataDir?: string;
  readonly seconds?: number;
  /** Events offered per second (default: as many as the writer takes). */
  readonly rate?: number;
  /** Restart the PostgreSQL server half way (opt-in; see above). */
  readonly fault?: boolean;
  /** The restart command for `fault` (default: pg_ctlcluster on the one cluster installed). */
  readonly restartCommand?: readonly string[];
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface IngestBenchResult {
  /** Events stored per second, from the first emit until the last one is in the database. */
  readonly events_per_sec: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly database: DatabaseKind;
  readonly emitted: number;
  readonly stored: number;
  /** Load time, and the time after it until everything was in the database. */
  readonly seconds: number;
  readonly drain_seconds: number;
  readonly spooled: number;
  readonly replayed: number;
  readonly dropped: number;
  readonly rejected: number;
  readonly fault: boolean;
  /** How long the restart command took (fault runs). */
  readonly restart_seconds: number | null;
  readonly batch_size: number;
  readonly concurrency: number;
  /**
   * CPU time per stored event, in microseconds: this process (event generation, the writer,
   * the driver) from the first emit until everything was in the database…
   */
  readonly client_cpu_us_per_event: number;
  /**
   * …and the PostgreSQL backends serving it (from `/proc/<pid>/stat`; null when the server is
   * not on this machine or not readable, and for PGlite, which runs in this process). The
   * server's own background processes (WAL writer, checkpointer) are not counted.
   */
  readonly server_cpu_us_per_event: number | null;
  /** One-minute load average when the run started and when it ended. */
  readonly load_average: readonly number[];
  readonly node: string;
}

const HOSTS = Array.from({ length: 2000 }, (_, i) => `site${i}.example${i % 7}.co.uk`);
const CATEGORIES = [
  null,
  null,
  null,
  'social-media',
  'online-gaming',
  'gambling',
  'search-engines',
];
const GROUPS = ['ks2', 'ks3', 'ks4', 'staff'];

function defaultRestartCommand(): string[] {
  const versions = readdirSync('/etc/postgresql').sort();
  const version = versions.at(-1);
  if (!version) throw new Error('no PostgreSQL cluster in /etc/postgresql to restart');
  return ['pg_ctlcluster', '--skip-systemctl-redirect', version, 'main', 'restart'];
}

function runCommand(command: readonly string[]): Promise<void> {
  const [file, ...args] = command;
  if (!file) return Promise.reject(new Error('empty restart command'));
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command.join(' ')} failed: ${stderr || error.message}`));
      else resolve();
    });
  });
}

function scratchUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The scratch PostgreSQL store (openStore's pool survives a server restart mid-load). */
async function openPostgresStore(url: string): Promise<Store> {
  return openStore({ databaseUrl: url, dataDir: '' });
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

function perEvent(seconds: number, events: number): number {
  return events > 0 ? Math.round((seconds * 1e7) / events) / 10 : 0;
}

/**
 * CPU seconds used by the backends of the bench's database, read from `/proc/<pid>/stat` of
 * each (user + system ticks). Backends are sampled now and then; one that ends between two
 * samples (a restart) counts up to its last sample. Null when the server is elsewhere.
 */
class BackendCpu {
  readonly #db: Kysely<Database>;
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, number>();
  #local = true;
  #initial = true;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async sample(): Promise<number | null> {
    if (!this.#local) return null;
    let pids: number[];
    try {
      const { rows } = await sql<{ pid: number }>`
        select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'
      `.execute(this.#db);
      pids = rows.map((r) => Number(r.pid));
    } catch {
      return this.#total(); // the server is restarting: keep what was seen
    }
    for (const pid of pids) {
      let ticks: number;
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        ticks = Number(fields[11]) + Number(fields[12]);
      } catch {
        this.#local = false; // not this machine's process (or not ours to read)
        return null;
      }
      if (!Number.isFinite(ticks)) continue;
      if (!this.#first.has(pid)) this.#first.set(pid, this.#initial ? ticks : 0);
      this.#last.set(pid, ticks);
    }
    this.#initial = false;
    return this.#total();
  }

  #total(): number {
    let ticks = 0;
    for (const [pid, last] of this.#last) ticks += last - (this.#first.get(pid) ?? 0);
    return ticks / 100; // USER_HZ
  }
}

/** Run the ingest benchmark (see the module comment). */
export async function runIngestBench(options: IngestBenchOptions): Promise<IngestBenchResult> {
  const seconds = Math.max(1, options.seconds ?? 60);
  const log = options.log ?? (() => undefined);
  const fault = options.fault ?? false;
  if (fault && options.database !== 'postgres')
    throw new Error('the fault run restarts a PostgreSQL server: use --database postgres');
  const work = mkdtempSync(join(tmpdir(), 'haven-ingest-bench-'));
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
      store = await openPostgresStore(scratchUrl(url, name));
    } else {
      store = await openStore({ dataDir: options.dataDir ?? work });
    }
    await migrateToLatest(store.db);

    const writer = await createEventWriter({
      db: store.db,
      kind: store.kind,
      spoolDir: join(work, 'spool'),
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      log: (level, message) => log(`writer ${level}: ${message}`),
    });
    const batchSize = options.batchSize ?? (store.kind === 'pglite' ? 1000 : 5000);
    const concurrency = options.concurrency ?? (store.kind === 'pglite' ? 1 : 2);
    const schoolId = randomUUID();
    const users = Array.from({ length: 300 }, () => randomUUID());

    let emitted = 0;
    const emitSome = (count: number): void => {
      const nowMs = Date.now();
      const at = new Date(nowMs);
      for (let i = 0; i < count; i++) {
        const n = emitted + i;
        const host = HOSTS[(n * 7919) % HOSTS.length] as string;
        const blocked = n % 5 === 0;
        const event: ActivityEvent = {
          id: newEventId(nowMs),
          at,
          source: 'proxy',
          schoolId,
          userId: users[n % users.length] as string,
          username: `user${n % users.length}`,
          group: GROUPS[n % GROUPS.length] as string,
          deviceClass: 'school-owned',
          clientIp: `10.20.${(n >> 8) & 255}.${n & 255}`,
          method: n % 3 === 0 ? 'CONNECT' : 'GET',
          host,
          url: n % 3 === 0 ? null : `http://${host}/page/${n % 1000}`,
          action: blocked ? 'block' : 'allow',
          category: blocked ? 'gambling' : (CATEGORIES[n % CATEGORIES.length] ?? null),
          ruleId: blocked ? 'matrix:gambling:ks3' : 'default',
          status: blocked ? 403 : 200,
          bytesIn: 1000 + (n % 50_000),
          bytesOut: 400,
          durationMs: n % 300,
          searchTerms: n % 50 === 0 ? `homework help ${n % 97}` : null,
        };
        writer.emit(event);
      }
      emitted += count;
    };

    const highWater = batchSize * (concurrency + 2);
    const startLoad = loadavg()[0] ?? 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    let restart: Promise<number> | null = null;
    let lastReport = start;
    log(
      `ingest bench on ${store.kind}: ${seconds} s, ${options.rate ? `${options.rate} events/s offered` : 'as fast as the writer takes them'}${fault ? ', PostgreSQL restarted half way' : ''}`,
    );
    const serverCpu = store.kind === 'postgres' ? new BackendCpu(store.db) : null;
    await serverCpu?.sample();
    const cpuStart = process.cpuUsage();
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    while (performance.now() < end) {
      const now = performance.now();
      if (fault && restart === null && now - start >= (seconds * 1000) / 2) {
        const command = options.restartCommand ?? defaultRestartCommand();
        log(`restarting PostgreSQL: ${command.join(' ')}`);
        const t0 = performance.now();
        restart = runCommand(command).then(() => (performance.now() - t0) / 1000);
      }
      let offered = 0;
      if (options.rate) {
        const due = Math.floor((options.rate * (now - start)) / 1000) - emitted;
        if (due > 0) emitSome((offered = Math.min(due, 20_000)));
      } else {
        const room = highWater - writer.stats().queued;
        if (room > 0) emitSome((offered = Math.min(room, 2000)));
      }
      if (now - lastReport >= 5000) {
        lastReport = now;
        const s = writer.stats();
        log(
          `${Math.round((now - start) / 1000)} s: emitted ${emitted}, written ${s.written}, spooled ${s.spooled}, replayed ${s.replayed}, queued ${s.queued}${s.databaseUp ? '' : ' (database unreachable)'}`,
        );
        await serverCpu?.sample();
      }
      // Nothing to offer: wait rather than spin (a spin takes CPU from the database on a small
      // machine, and the figures are CPU-bound).
      if (offered === 0) await sleep(1);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const loadEnd = performance.now();
    const restartSeconds = restart ? await restart : null;
    // Everything to the database: the queue, then the spool once the database answers again.
    const deadline = Date.now() + 180_000;
    for (;;) {
      await writer.flush();
      const s = writer.stats();
      if (s.queued === 0 && s.spoolBytes === 0) break;
      if (Date.now() > deadline) {
        log(`gave up waiting for the spool to drain: ${s.spoolBytes} bytes left`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const drained = performance.now();
    const clientCpu = process.cpuUsage(cpuStart);
    const serverSeconds = (await serverCpu?.sample()) ?? null;
    const stats = writer.stats();
    await writer.close();
    const counted = await countSchoolEvents(store.db, schoolId);
    const elapsed = (drained - start) / 1000;
    return {
      events_per_sec: Math.round(counted.rows / elapsed),
      lost: emitted - counted.distinctIds,
      duplicated: counted.rows - counted.distinctIds,
      database: store.kind,
      emitted,
      stored: counted.rows,
      seconds: Math.round(((loadEnd - start) / 1000) * 100) / 100,
      drain_seconds: Math.round(((drained - loadEnd) / 1000) * 100) / 100,
      spooled: stats.spooled,
      replayed: stats.replayed,
      dropped: stats.dropped,
      rejected: stats.rejected,
      fault,
      restart_seconds: restartSeconds === null ? null : Math.round(restartSeconds * 100) / 100,
      batch_size: batchSize,
      concurrency,
      client_cpu_us_per_event: perEvent((clientCpu.user + clientCpu.system) / 1e6, counted.rows),
      server_cpu_us_per_event:
        serverSeconds === null ? null : perEvent(serverSeconds, counted.rows),
      load_average: [startLoad, loadavg()[0] ?? 0].map((l) => Math.round(l * 100) / 100),
      node: process.version,
    };
  } finally {
    await store?.close().catch(() => undefined);
    await dropScratch?.().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}
