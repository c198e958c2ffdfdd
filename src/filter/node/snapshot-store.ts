import type { Kysely } from 'kysely';
import pg from 'pg';
import type { SnapshotSource } from '../filter-context.ts';
import { HavenError } from '../../errors/haven-error.ts';
import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import type { Policy } from '../../policy/document/policy-schema.ts';
import type { Database } from '../../store/schema.ts';
import {
  loadFilterCache,
  saveFilterCache,
  type CachedList,
  type CacheContents,
} from './disk-cache.ts';
import {
  filterChangeChannel,
  onFilterChange,
  parseFilterChangeNotice,
  type FilterChangeNotice,
} from '../../store/filter-notify.ts';
import {
  buildListIndex,
  compileSchool,
  filterChangeStamp,
  readDatabaseInputs,
  schoolFingerprint,
  type BuiltLists,
  type ListInput,
  type SchoolInfo,
  type SchoolInputs,
} from './snapshot-inputs.ts';

/**
 * The snapshots a filter node enforces, one per school, kept in memory for synchronous reads on
 * the hot path (ENF-6):
 *
 * - **loads at start** from the database; if the database does not answer in time, from the
 *   disk cache of the last good inputs (and switches to the database as soon as it answers);
 * - **picks up changes within seconds**: a filter change notice (PostgreSQL `LISTEN
 *   haven_filter_changes` on its own connection, or this process's own notices on PGlite) starts
 *   a refresh at once; a periodic check of the filter change log's newest id catches anything a
 *   lost notice missed, and a slower full check catches changes not in that log;
 * - **rebuilds off the hot path and swaps atomically**: readers keep the old snapshots while the
 *   lists are indexed (in slices that yield to requests) and the policies compiled; then one
 *   assignment replaces them;
 * - **never fails open**: when the database is unreachable, or a school's new policy does not
 *   compile, the last good snapshot stays in force (illegal categories stay blocked because they
 *   are in it). Only a school with no snapshot at all has nothing — and adapters refuse to serve it.
 */
export interface SnapshotStoreLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface SnapshotStoreOptions {
  /** The database (also used by the rest of the node). */
  db: Kysely<Database>;
  /** Folder for the disk cache of the last good inputs (`HAVEN_DATA/filter-cache`). */
  cacheDir: string;
  /** PostgreSQL URL: listen for notices on a dedicated connection. Absent on PGlite. */
  listenUrl?: string | undefined;
  clock?: () => Date;
  log?: SnapshotStoreLog;
  /** How often the filter change log's newest id is compared (default 2 s). */
  checkIntervalMs?: number;
  /** How often everything is compared, changes logged or not (default 60 s). */
  fullCheckIntervalMs?: number;
  /** How long `start()` waits for the database before falling back to the disk cache (default 5 s). */
  startWaitMs?: number;
  /** A database read that takes longer counts as the database being unreachable (default 60 s). */
  queryTimeoutMs?: number;
}

export interface SnapshotStoreStatus {
  ready: boolean;
  /** e.g. `Roundwood Demo School policy v3; 812,345 list entries in 12 lists; refreshed …`. */
  detail: string;
  /** Where the snapshots in force came from. */
  source: 'none' | 'database' | 'disk-cache';
  /** Null while the database answers. */
  databaseDownSince: Date | null;
}

const silentLog: SnapshotStoreLog = { info: () => undefined, warn: () => undefined };

class TimeoutError extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new TimeoutError(`${what} did not answer within ${ms / 1000} s`)),
      ms,
    );
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

interface Installed {
  readonly snapshots: ReadonlyMap<string, SchoolSnapshot>;
  /** The validated policy document of each snapshot. */
  readonly policies: ReadonlyMap<string, Policy>;
  readonly schools: readonly SchoolInfo[];
  readonly lists: (BuiltLists & { readonly signature: string }) | null;
  /** Per school: the fingerprint of the inputs its snapshot was compiled from. */
  readonly fingerprints: ReadonlyMap<string, string>;
  readonly inputs: ReadonlyMap<string, SchoolInputs>;
  readonly stamp: string;
  readonly at: Date;
}

const nothing: Installed = {
  snapshots: new Map(),
  policies: new Map(),
  schools: [],
  lists: null,
  fingerprints: new Map(),
  inputs: new Map(),
  stamp: '',
  at: new Date(0),
};

export class SnapshotStore implements SnapshotSource {
  readonly #db: Kysely<Database>;
  readonly #cacheDir: string;
  readonly #listenUrl: string | undefined;
  readonly #clock: () => Date;
  readonly #log: SnapshotStoreLog;
  readonly #checkIntervalMs: number;
  readonly #fullCheckIntervalMs: number;
  readonly #startWaitMs: number;
  readonly #queryTimeoutMs: number;

  /** Everything in force, replaced by one assignment. */
  #installed: Installed = nothing;
  #source: SnapshotStoreStatus['source'] = 'none';
  #generation = 0;
  #databaseDownSince: Date | null = null;
  #databaseError: string | null = null;
  #compileProblems = new Map<string, string>();
  /** Per school: the fingerprint of inputs that did not compile (not retried until they change). */
  #failed = new Map<string, string>();
  #refreshedAt: Date | null = null;
  #cacheSavedAt: Date | null = null;
  /** Lists named by the disk cache's manifest; null when the lists must be (re)written. */
  #cachedLists: CachedList[] | null = null;

  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;
  #checking = false;
  #lastFullCheck = 0;
  #timer: NodeJS.Timeout | null = null;
  #debounce: NodeJS.Timeout | null = null;
  #stopLocal: (() => void) | null = null;
  #listener: pg.Client | null = null;
  #listenRetry: NodeJS.Timeout | null = null;
  #listenDelayMs = 1000;
  #listenFailing = false;
  #closed = false;

  constructor(options: SnapshotStoreOptions) {
    this.#db = options.db;
    this.#cacheDir = options.cacheDir;
    this.#listenUrl = options.listenUrl;
    this.#clock = options.clock ?? (() => new Date());
    this.#log = options.log ?? silentLog;
    this.#checkIntervalMs = options.checkIntervalMs ?? 2000;
    this.#fullCheckIntervalMs = options.fullCheckIntervalMs ?? 60_000;
    this.#startWaitMs = options.startWaitMs ?? 5000;
    this.#queryTimeoutMs = options.queryTimeoutMs ?? 60_000;
  }

  /** The school's snapshot in force (synchronous: the hot path). */
  current(schoolId: string): SchoolSnapshot | undefined {
    return this.#installed.snapshots.get(schoolId);
  }

  /**
   * The school's snapshot once any refresh under way has finished — for the API in the same
   * process (`/api/filter/test`), so `haven start` keeps one compiled copy of the lists, not two.
   */
  async school(schoolId: string): Promise<SchoolSnapshot> {
    if (this.#refreshing) await this.#refreshing.catch(() => undefined);
    const snapshot = this.current(schoolId);
    if (!snapshot) {
      throw new HavenError(
        'HAVEN_NOT_READY',
        'This school has no active policy version loaded: approve and activate one first.',
      );
    }
    return snapshot;
  }

  /**
   * A change was just made in this process: refresh now (a following `school()` waits for it).
   * Other processes learn of it through `notifyFilterChange` or their periodic check.
   */
  invalidateSchool(_schoolId: string): void {
    this.refresh().catch(() => undefined);
  }

  /** The policy document the school's snapshot was compiled from. */
  policy(schoolId: string): Policy | undefined {
    return this.#installed.policies.get(schoolId);
  }

  /** Every school of the deployment, in name order (with or without a snapshot). */
  schools(): readonly SchoolInfo[] {
    return this.#installed.schools;
  }

  /** Increases each time snapshots are swapped in: adapters may key their own caches on it. */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Load the snapshots and start following changes. Waits for the database up to `startWaitMs`;
   * if it has not answered by then (or failed), loads the disk cache instead and keeps trying the
   * database in the background. Resolves either way: `status().ready` says whether anything is
   * enforced.
   */
  async start(): Promise<void> {
    this.#stopLocal = onFilterChange((notice) => this.#noticed(notice));
    if (this.#listenUrl) this.#listen();
    const fromDatabase = this.refresh().then(
      () => this.#source === 'database',
      () => false,
    );
    let waited: NodeJS.Timeout | undefined;
    const loaded = await Promise.race([
      fromDatabase,
      new Promise<false>((resolve) => {
        waited = setTimeout(() => resolve(false), this.#startWaitMs);
      }),
    ]);
    clearTimeout(waited);
    if (!loaded && this.#source === 'none') await this.#loadDiskCache();
    this.#timer = setInterval(() => void this.#check(), this.#checkIntervalMs);
    this.#timer.unref();
  }

  /** Compare everything with the database now and swap in what changed. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.#refreshAgain = false;
          await this.#refreshOnce();
        } while (this.#refreshAgain && !this.#closed);
      } finally {
        this.#refreshing = null;
      }
    };
    this.#refreshing = run();
    return this.#refreshing;
  }

  status(): SnapshotStoreStatus {
    const installed = this.#installed;
    const ready = installed.snapshots.size > 0;
    const parts: string[] = [];
    if (!ready) {
      parts.push(
        this.#source === 'none' ? 'no policy loaded yet' : 'no school has an active policy version',
      );
    }
    for (const school of installed.schools) {
      const snapshot = installed.snapshots.get(school.id);
      parts.push(
        snapshot
          ? `${school.name} policy v${snapshot.policyVersion.number}`
          : `${school.name}: no active policy (its devices are refused)`,
      );
      const problem = this.#compileProblems.get(school.id);
      if (problem) parts.push(`${school.name}: new policy not applied (${problem})`);
    }
    if (installed.lists) {
      const entries = installed.lists.hostEntries + installed.lists.urlEntries;
      parts.push(
        `${entries.toLocaleString('en-GB')} list entries in ${installed.lists.lists} list(s)`,
      );
    }
    if (this.#source === 'database' && this.#refreshedAt) {
      parts.push(`checked ${this.#refreshedAt.toISOString()}`);
    }
    if (this.#source === 'disk-cache') {
      parts.push(`from the disk cache saved ${installed.at.toISOString()}`);
    }
    if (this.#databaseDownSince) {
      parts.push(
        `database unreachable since ${this.#databaseDownSince.toISOString()} (${this.#databaseError ?? 'no answer'}): enforcing the last good policy`,
      );
    }
    return {
      ready,
      detail: parts.join('; '),
      source: this.#source,
      databaseDownSince: this.#databaseDownSince,
    };
  }

  /** When the disk cache was last written (null: not by this process yet). */
  get cacheSavedAt(): Date | null {
    return this.#cacheSavedAt;
  }

  /** Stop following changes. The snapshots in force stay readable. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#debounce) clearTimeout(this.#debounce);
    if (this.#listenRetry) clearTimeout(this.#listenRetry);
    this.#stopLocal?.();
    this.#stopLocal = null;
    const listener = this.#listener;
    this.#listener = null;
    if (listener) await listener.end().catch(() => undefined);
    await this.#refreshing?.catch(() => undefined);
  }

  // ---- following changes ----

  #noticed(notice: FilterChangeNotice): void {
    if (this.#closed) return;
    this.#log.info(
      `filter change noticed (${notice.kind}${notice.schoolId ? ` for school ${notice.schoolId}` : ''}): refreshing`,
    );
    // A burst of notices (an import touching many lists) becomes one refresh.
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => {
      this.#debounce = null;
      this.refresh().catch(() => undefined);
    }, 25);
    this.#debounce.unref();
  }

  #listen(): void {
    if (this.#closed || !this.#listenUrl) return;
    const client = new pg.Client({
      connectionString: this.#listenUrl,
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      application_name: 'haven-filter-listen',
    });
    let failed = false;
    const retry = (error: unknown): void => {
      if (failed) return;
      failed = true;
      if (this.#listener === client) this.#listener = null;
      client.end().catch(() => undefined);
      if (this.#closed) return;
      if (!this.#listenFailing) {
        this.#listenFailing = true;
        this.#log.warn(
          `no filter change notices (${messageOf(error)}): reconnecting, and checking for changes every ${this.#checkIntervalMs / 1000} s meanwhile`,
        );
      }
      this.#listenRetry = setTimeout(() => {
        this.#listenRetry = null;
        this.#listen();
      }, this.#listenDelayMs);
      this.#listenRetry.unref();
      this.#listenDelayMs = Math.min(this.#listenDelayMs * 2, 30_000);
    };
    client.on('error', retry);
    client.on('end', () => retry(new Error('connection closed')));
    client.on('notification', (message) => {
      if (message.channel === filterChangeChannel)
        this.#noticed(parseFilterChangeNotice(message.payload));
    });
    this.#listener = client;
    client
      .connect()
      .then(() => client.query(`listen ${filterChangeChannel}`))
      .then(() => {
        if (this.#closed) {
          void client.end().catch(() => undefined);
          return;
        }
        this.#listenDelayMs = 1000;
        if (this.#listenFailing) {
          this.#listenFailing = false;
          this.#log.info('receiving filter change notices again');
        }
        // Anything that changed while not listening is picked up now.
        this.refresh().catch(() => undefined);
      })
      .catch(retry);
  }

  async #check(): Promise<void> {
    if (this.#closed || this.#checking || this.#refreshing) return;
    this.#checking = true;
    try {
      const now = Date.now();
      const full =
        this.#databaseDownSince !== null ||
        this.#source !== 'database' ||
        now - this.#lastFullCheck >= this.#fullCheckIntervalMs;
      if (!full) {
        const stamp = await withTimeout(
          filterChangeStamp(this.#db),
          this.#queryTimeoutMs,
          'the database',
        );
        if (stamp === this.#installed.stamp) return;
      }
      await this.refresh();
    } catch (error) {
      this.#databaseFailed(error);
    } finally {
      this.#checking = false;
    }
  }

  #databaseFailed(error: unknown): void {
    if (this.#databaseDownSince === null) {
      this.#databaseDownSince = this.#clock();
      this.#log.warn(
        `the database is unreachable (${messageOf(error)}): the filter keeps enforcing the last good policy`,
      );
    }
    this.#databaseError = messageOf(error);
  }

  // ---- building ----

  async #refreshOnce(): Promise<void> {
    if (this.#closed) return;
    const before = this.#installed;
    const knownLists = this.#cachedLists !== null ? (before.lists?.signature ?? null) : null;
    let read;
    try {
      read = await withTimeout(
        readDatabaseInputs(this.#db, knownLists, this.#clock()),
        this.#queryTimeoutMs,
        'the database',
      );
    } catch (error) {
      this.#databaseFailed(error);
      throw error;
    }
    this.#lastFullCheck = Date.now();
    this.#refreshedAt = this.#clock();
    if (this.#databaseDownSince !== null) {
      this.#log.info(
        `the database answers again (unreachable since ${this.#databaseDownSince.toISOString()})`,
      );
      this.#databaseDownSince = null;
      this.#databaseError = null;
    }
    const listsChanged = read.lists.signature !== before.lists?.signature;
    let lists = before.lists;
    if (listsChanged || !lists) {
      const contents = read.lists.contents ?? [];
      lists = { ...(await buildListIndex(contents)), signature: read.lists.signature };
    }
    const changed = this.#install(read.schools, lists, read.stamp, listsChanged, 'database');
    if (changed || this.#cachedLists === null || this.#cacheSavedAt === null) {
      await this.#saveDiskCache(read.lists.contents);
    }
  }

  /**
   * Compile what changed and swap everything in with one assignment. A school whose new inputs do
   * not compile keeps its previous snapshot. Returns whether anything changed.
   */
  #install(
    schools: readonly SchoolInputs[],
    lists: NonNullable<Installed['lists']>,
    stamp: string,
    listsChanged: boolean,
    source: 'database' | 'disk-cache',
  ): boolean {
    const before = this.#installed;
    const now = this.#clock();
    const snapshots = new Map<string, SchoolSnapshot>();
    const policies = new Map<string, Policy>();
    const fingerprints = new Map<string, string>();
    const inputs = new Map<string, SchoolInputs>();
    /** Keep what is enforced for the school, with the inputs it came from (for the disk cache). */
    const keepPrevious = (school: SchoolInputs): void => {
      const id = school.school.id;
      const snapshot = before.snapshots.get(id);
      const policy = before.policies.get(id);
      if (!snapshot || !policy) return;
      snapshots.set(id, snapshot);
      policies.set(id, policy);
      fingerprints.set(id, before.fingerprints.get(id) ?? '');
      inputs.set(id, before.inputs.get(id) ?? school);
    };
    let changed = listsChanged || source !== this.#source;
    for (const school of schools) {
      const id = school.school.id;
      const fingerprint = schoolFingerprint(school);
      const previous = before.snapshots.get(id);
      inputs.set(id, school);
      if (previous && !listsChanged && before.fingerprints.get(id) === fingerprint) {
        keepPrevious(school);
        continue;
      }
      if (this.#failed.get(id) === fingerprint && !listsChanged) {
        // Already tried and refused: keep what is enforced without logging it again.
        keepPrevious(school);
        continue;
      }
      changed = true;
      this.#failed.delete(id);
      if (!school.policy) {
        this.#compileProblems.delete(id);
        continue;
      }
      try {
        const compiled = compileSchool(school, lists.index, now);
        snapshots.set(id, compiled.snapshot);
        policies.set(id, compiled.policy);
        fingerprints.set(id, fingerprint);
        this.#compileProblems.delete(id);
        this.#log.info(
          `${school.school.name}: enforcing policy v${school.policy.number}${previous ? ` (was v${previous.policyVersion.number})` : ''}`,
        );
      } catch (error) {
        this.#compileProblems.set(id, messageOf(error));
        this.#failed.set(id, fingerprint);
        this.#log.warn(
          `${school.school.name}: policy v${school.policy.number} cannot be enforced (${messageOf(error)})${previous ? `: keeping v${previous.policyVersion.number}` : ''}`,
        );
        keepPrevious(school);
      }
    }
    if (schools.length !== before.schools.length) changed = true;
    if (!changed && stamp === before.stamp) return false;
    this.#installed = {
      snapshots,
      policies,
      schools: schools.map((s) => s.school),
      lists,
      fingerprints,
      inputs,
      stamp,
      at: now,
    };
    this.#source = source;
    if (changed) this.#generation += 1;
    return changed;
  }

  async #saveDiskCache(listContents: readonly ListInput[] | null): Promise<void> {
    const installed = this.#installed;
    const schools = [...installed.inputs.values()].map((inputs) => ({
      inputs,
      fingerprint: schoolFingerprint(inputs),
    }));
    const rewriteLists = this.#cachedLists === null || listContents !== null;
    if (rewriteLists && listContents === null) return; // contents are read on the next refresh
    try {
      this.#cachedLists = await saveFilterCache(this.#cacheDir, {
        savedAt: installed.at,
        stamp: installed.stamp,
        schools,
        lists: rewriteLists ? listContents : null,
        written: this.#cachedLists ?? [],
      });
      this.#cacheSavedAt = this.#clock();
    } catch (error) {
      this.#cachedLists = null;
      this.#log.warn(
        `could not write the filter cache in ${this.#cacheDir} (${messageOf(error)}): a restart while the database is down would have no policy`,
      );
    }
  }

  async #loadDiskCache(): Promise<void> {
    let cache: CacheContents | undefined;
    try {
      cache = await loadFilterCache(this.#cacheDir);
    } catch (error) {
      this.#log.warn(`the filter cache cannot be used: ${messageOf(error)}`);
      return;
    }
    if (!cache) {
      this.#log.warn(
        `the database does not answer and there is no filter cache in ${this.#cacheDir}: nothing is enforced yet, so every request is refused until the database answers`,
      );
      return;
    }
    const lists = await buildListIndex(cache.lists);
    if (this.#source !== 'none') return; // the database answered meanwhile
    const signature = `disk-cache ${cache.savedAt.toISOString()}`;
    this.#install(cache.schools, { ...lists, signature }, cache.stamp, true, 'disk-cache');
    this.#installed = { ...this.#installed, at: cache.savedAt };
    this.#log.warn(
      `the database does not answer: enforcing the last good policy from the filter cache saved ${cache.savedAt.toISOString()}`,
    );
  }
}
