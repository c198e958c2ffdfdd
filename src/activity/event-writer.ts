import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import {
  dayNumber,
  ensureActivityPartitions,
  insertActivityEvents,
  listActivityPartitions,
  writeActivityBatch,
} from '../store/activity-repository.ts';
import type { DatabaseKind } from '../store/database.ts';
import type { Database } from '../store/schema.ts';
import { eventProblem, type ActivityEvent, type ActivitySink } from './activity-event.ts';
import { Spool, SpoolFullError, type SpoolFile } from './spool.ts';

/**
 * The activity writer (MON-1): the `ActivitySink` the filter adapters emit into.
 *
 *   emit        checks the event and appends it to a bounded in-memory queue; never throws,
 *               never waits
 *   live path   a batch leaves the queue when `batchSize` events are waiting or `flushIntervalMs`
 *               has passed; it is inserted with one statement (idempotent on the event id, the
 *               daily rollup updated by the same statement); up to `concurrency` batches at once
 *   spool       when the database does not answer, the batch is appended to the local spool
 *               (fsync'd) instead, and so is every later batch until the database answers
 *   replay      the spool is read back oldest file first, in order, as soon as the database
 *               answers (probed with a growing back-off); a file is removed once all of it is in
 *               the database. New events go straight to the database meanwhile.
 *
 * Nothing is lost without being counted: an event the database can never take (not a UUID, a
 * time out of range) is `rejected` and kept in `spool/rejected.jsonl`; when the spool reaches
 * its cap while the database is down the writer stops accepting and counts every event it turns
 * away as `dropped` (and tells `onSpoolPressure`, which alerts the technician at 80 % already).
 */

export interface SpoolPressure {
  readonly bytes: number;
  readonly cap: number;
  /** `bytes / cap`. */
  readonly ratio: number;
  /** True when the cap has been reached: events are being dropped. */
  readonly full: boolean;
}

export type WriterLogLevel = 'info' | 'warn' | 'error';

export interface EventWriterOptions {
  readonly db: Kysely<Database>;
  /** `HAVEN_DATA/spool`. */
  readonly spoolDir: string;
  /** Tunes the defaults below: PGlite runs in this thread, so it gets smaller batches. */
  readonly kind?: DatabaseKind;
  /** Events per insert (default 5,000 on PostgreSQL, 1,000 on PGlite). */
  readonly batchSize?: number;
  /** Longest an event waits in the queue (default 200 ms). */
  readonly flushIntervalMs?: number;
  /** Events held in memory at most; beyond that `emit` drops and counts (default 200,000). */
  readonly maxQueued?: number;
  /** Batches written at once (default 2 on PostgreSQL, 1 on PGlite). */
  readonly concurrency?: number;
  /** Start a new spool file at this size (default 32 MiB). */
  readonly spoolFileBytes?: number;
  /** The spool's cap (default 2 GiB). */
  readonly spoolCapBytes?: number;
  /** Tell `onSpoolPressure` when the spool passes this share of its cap (default 0.8). */
  readonly spoolAlertRatio?: number;
  /** First and longest wait before asking an unreachable database again (250 ms, 5 s). */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** Day partitions kept ready ahead of today (default 7). */
  readonly partitionsAhead?: number;
  /** Oldest day (before today) a partition is created for on demand (default 400). */
  readonly partitionsBehind?: number;
  /** Called when the spool passes the alert ratio, and again when it is full. */
  readonly onSpoolPressure?: (pressure: SpoolPressure) => void;
  /** Called when the spool has drained below the alert ratio again (the episode is over). */
  readonly onSpoolPressureCleared?: () => void;
  /** Told when the database goes away or comes back, and of every loss or rejection streak. */
  readonly log?: (level: WriterLogLevel, message: string) => void;
  /** The clock for partition days (default `Date.now`). */
  readonly now?: () => number;
}

export interface EventWriterStats {
  /** Events in memory: waiting or being written. */
  readonly queued: number;
  /** Rows this writer inserted (live and replayed). */
  readonly written: number;
  /** Events the database already had (a replay, a retried ingest batch). */
  readonly duplicates: number;
  /** Events appended to the spool. */
  readonly spooled: number;
  /** Spooled events read back and written to the database. */
  readonly replayed: number;
  /** Events turned away: queue full, spool full, writer closed. */
  readonly dropped: number;
  /** Events the database can never take, kept in `spool/rejected.jsonl`. */
  readonly rejected: number;
  readonly spoolBytes: number;
  readonly spoolFiles: number;
  /** The spool's cap, and the share of it at which the technician is told. */
  readonly spoolCapBytes: number;
  readonly spoolAlertRatio: number;
  readonly databaseUp: boolean;
  /** False while the spool is full and the database is down, or after `close()`. */
  readonly accepting: boolean;
  readonly lastError: { readonly at: string; readonly message: string } | null;
}

/** Where an ingest batch went. */
export interface BatchResult {
  readonly inserted: number;
  readonly duplicates: number;
  readonly stored: 'database' | 'spool';
}

/** What the ingest functions need from a writer. */
export interface ActivityBatchWriter {
  writeBatch(events: readonly ActivityEvent[]): Promise<BatchResult>;
}

const DAY_MS = 86_400_000;
const REJECTED_FILE = 'rejected.jsonl';
const REJECTED_MAX_BYTES = 64 * 1024 * 1024;

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * True when the database refused the data itself (SQLSTATE class 22 or 23): sending the same
 * rows again can never succeed. Anything else — no connection, a restart, a missing table — is
 * treated as "unreachable": the batch is spooled and tried again later.
 */
export function isDataError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class EventWriter implements ActivitySink, ActivityBatchWriter {
  readonly #db: Kysely<Database>;
  readonly #spool: Spool;
  readonly #batchSize: number;
  readonly #flushIntervalMs: number;
  readonly #maxQueued: number;
  readonly #concurrency: number;
  readonly #alertRatio: number;
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  readonly #ahead: number;
  readonly #behind: number;
  readonly #onSpoolPressure: (pressure: SpoolPressure) => void;
  readonly #onSpoolPressureCleared: () => void;
  readonly #log: (level: WriterLogLevel, message: string) => void;
  readonly #now: () => number;
  readonly #rejectedPath: string;

  #queue: ActivityEvent[] = [];
  #inflight = 0;
  #timer: NodeJS.Timeout | null = null;
  #timerDue = false;
  #draining = 0;
  #live: Promise<void> | null = null;
  #replaying: Promise<void> | null = null;
  #replayWake: (() => void) | null = null;
  #replayIdle: (() => void)[] = [];
  readonly #replayOffsets = new Map<SpoolFile, number>();

  #dbUp = true;
  #nextProbe = 0;
  #retryMs: number;
  #knownDays: Set<number> | null = null;
  #spoolFull = false;
  #pressureLevel = 0;
  #closed = false;
  #rejectedBytes = 0;
  #rejectWrites: Promise<void> = Promise.resolve();
  #dropStreak = false;

  #written = 0;
  #duplicates = 0;
  #spooled = 0;
  #replayed = 0;
  #dropped = 0;
  #rejected = 0;
  #lastError: { at: string; message: string } | null = null;

  private constructor(options: EventWriterOptions) {
    const pglite = options.kind === 'pglite';
    this.#db = options.db;
    this.#spool = new Spool({
      dir: options.spoolDir,
      fileBytes: options.spoolFileBytes,
      capBytes: options.spoolCapBytes,
    });
    this.#batchSize = Math.max(1, Math.floor(options.batchSize ?? (pglite ? 1000 : 5000)));
    this.#flushIntervalMs = Math.max(1, options.flushIntervalMs ?? 200);
    this.#maxQueued = Math.max(this.#batchSize, options.maxQueued ?? 200_000);
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? (pglite ? 1 : 2)));
    this.#alertRatio = Math.min(1, Math.max(0, options.spoolAlertRatio ?? 0.8));
    this.#retryMinMs = Math.max(1, options.retryMinMs ?? 250);
    this.#retryMaxMs = Math.max(this.#retryMinMs, options.retryMaxMs ?? 5_000);
    this.#retryMs = this.#retryMinMs;
    this.#ahead = Math.max(0, options.partitionsAhead ?? 7);
    this.#behind = Math.max(0, options.partitionsBehind ?? 400);
    this.#onSpoolPressure = options.onSpoolPressure ?? (() => undefined);
    this.#onSpoolPressureCleared = options.onSpoolPressureCleared ?? (() => undefined);
    this.#log = options.log ?? (() => undefined);
    this.#now = options.now ?? Date.now;
    this.#rejectedPath = join(options.spoolDir, REJECTED_FILE);
  }

  /**
   * Open the spool (a previous run's spool files are replayed first, as soon as the database
   * answers) and get the day partitions ready. Never fails because the database is down.
   */
  static async open(options: EventWriterOptions): Promise<EventWriter> {
    const writer = new EventWriter(options);
    await writer.#spool.open();
    try {
      await writer.#ensurePartitionsFor([]);
    } catch (error) {
      writer.#markDown(error);
    }
    if (writer.#spool.hasBacklog) {
      writer.#log(
        'info',
        `replaying ${writer.#spool.bytes} bytes of spooled activity events from ${writer.#spool.dir}`,
      );
      writer.#scheduleReplay();
    }
    writer.#checkPressure();
    return writer;
  }

  // -------------------------------------------------------------------------------------------
  // The sink

  emit(event: ActivityEvent): void {
    try {
      if (this.#closed) {
        this.#drop(1, 'the activity writer is closed');
        return;
      }
      if (this.#spoolFull && !this.#dbUp) {
        this.#drop(1, 'the database is unreachable and the spool is full');
        return;
      }
      if (this.#queue.length >= this.#maxQueued) {
        this.#drop(1, `more than ${this.#maxQueued} events are waiting to be written`);
        return;
      }
      const problem = eventProblem(event);
      if (problem !== null) {
        this.#reject([event], problem);
        return;
      }
      this.#queue.push(event);
      if (this.#queue.length >= this.#batchSize) this.#kick();
      else if (this.#timer === null) {
        this.#timer = setTimeout(this.#onTimer, this.#flushIntervalMs);
        this.#timer.unref();
      }
    } catch {
      this.#dropped += 1; // never throw into a request
    }
  }

  /**
   * Write a batch from an ingest source in one transaction (all of it or none), or — when the
   * database is unreachable — append it to the spool in one fsync'd write. Throws when the
   * batch cannot be stored at all (spool full: `SpoolFullError`; the database refused the data).
   */
  async writeBatch(events: readonly ActivityEvent[]): Promise<BatchResult> {
    if (this.#closed) throw new Error('the activity writer is closed');
    for (const event of events) {
      const problem = eventProblem(event);
      if (problem !== null) throw new Error(`event ${String(event.id)}: ${problem}`);
    }
    if (events.length === 0) return { inserted: 0, duplicates: 0, stored: 'database' };
    if (this.#dbUp || Date.now() >= this.#nextProbe) {
      try {
        await this.#ensurePartitionsFor(events);
        const inserted = await writeActivityBatch(this.#db, events, this.#batchSize);
        this.#written += inserted;
        this.#duplicates += events.length - inserted;
        this.#markUp();
        return { inserted, duplicates: events.length - inserted, stored: 'database' };
      } catch (error) {
        if (isDataError(error)) throw error;
        this.#markDown(error);
      }
    }
    await this.#spool.append(events);
    this.#spooled += events.length;
    this.#checkPressure();
    this.#scheduleReplay();
    return { inserted: 0, duplicates: 0, stored: 'spool' };
  }

  /**
   * Write everything queued so far (to the database, or to the spool if it is down) and replay
   * the spool if the database answers. Resolves when the queue is empty and the spool is either
   * empty or waiting for the database.
   */
  async flush(): Promise<void> {
    this.#draining += 1;
    try {
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = null;
      }
      while (this.#queue.length > 0 || this.#live) {
        this.#kick();
        await this.#live;
      }
    } finally {
      this.#draining -= 1;
    }
    if (!this.#closed && (this.#spool.hasBacklog || this.#replaying)) {
      const idle = new Promise<void>((resolve) => this.#replayIdle.push(resolve));
      this.#nextProbe = 0;
      this.#scheduleReplay();
      this.#replayWake?.();
      await idle;
    }
  }

  /** Flush, then stop: later events are dropped (and counted). */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#replayWake?.();
    await this.#replaying;
    await this.#rejectWrites;
    await this.#spool.close();
  }

  stats(): EventWriterStats {
    return {
      queued: this.#queue.length + this.#inflight,
      written: this.#written,
      duplicates: this.#duplicates,
      spooled: this.#spooled,
      replayed: this.#replayed,
      dropped: this.#dropped,
      rejected: this.#rejected,
      spoolBytes: this.#spool.bytes,
      spoolFiles: this.#spool.fileCount,
      spoolCapBytes: this.#spool.capBytes,
      spoolAlertRatio: this.#alertRatio,
      databaseUp: this.#dbUp,
      accepting: !this.#closed && !(this.#spoolFull && !this.#dbUp),
      lastError: this.#lastError,
    };
  }

  // -------------------------------------------------------------------------------------------
  // The live path

  readonly #onTimer = (): void => {
    this.#timer = null;
    this.#timerDue = true;
    this.#kick();
  };

  #kick(): void {
    if (this.#live) return;
    this.#live = this.#runLive().finally(() => {
      this.#live = null;
      if (this.#queue.length > 0 && !this.#closed) {
        if (this.#queue.length >= this.#batchSize) this.#kick();
        else if (this.#timer === null) {
          this.#timer = setTimeout(this.#onTimer, this.#flushIntervalMs);
          this.#timer.unref();
        }
      }
    });
  }

  async #runLive(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    for (;;) {
      const due =
        this.#queue.length >= this.#batchSize ||
        (this.#queue.length > 0 && (this.#timerDue || this.#draining > 0));
      const slots = this.#dbUp ? this.#concurrency : 1;
      if (due && inflight.size < slots) {
        const batch = this.#queue.splice(0, this.#batchSize);
        this.#inflight += batch.length;
        const delivery: Promise<void> = this.#deliver(batch).finally(() => {
          this.#inflight -= batch.length;
          inflight.delete(delivery);
        });
        inflight.add(delivery);
        continue;
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight);
    }
    this.#timerDue = false;
  }

  /** To the database if it answers (or it is time to ask again), else to the spool. */
  async #deliver(batch: ActivityEvent[]): Promise<void> {
    if (this.#dbUp || (!this.#spool.hasBacklog && Date.now() >= this.#nextProbe)) {
      if (await this.#toDatabase(batch, true)) return;
    }
    await this.#toSpool(batch);
  }

  /**
   * True when the batch is now in the database (or rejected); false when it is unreachable.
   * `fresh`: the batch comes straight from `emit` (see `InsertActivityOptions.fresh`), not from
   * the spool.
   */
  async #toDatabase(batch: ActivityEvent[], fresh: boolean): Promise<boolean> {
    try {
      await this.#ensurePartitionsFor(batch);
      const { inserted, rejected } = await this.#insertIsolating(batch, fresh);
      this.#written += inserted;
      this.#duplicates += batch.length - inserted - rejected;
      this.#markUp();
      return true;
    } catch (error) {
      this.#markDown(error);
      return false;
    }
  }

  /**
   * Insert a batch; when the database refuses the data itself, halve the batch until the events
   * it refuses are found, reject those and write the rest.
   */
  async #insertIsolating(
    events: ActivityEvent[],
    fresh: boolean,
  ): Promise<{ inserted: number; rejected: number }> {
    try {
      return { inserted: await insertActivityEvents(this.#db, events, { fresh }), rejected: 0 };
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (events.length === 1) {
        this.#reject(events, `the database refused it: ${messageOf(error)}`);
        return { inserted: 0, rejected: 1 };
      }
      const middle = events.length >> 1;
      const first = await this.#insertIsolating(events.slice(0, middle), fresh);
      const second = await this.#insertIsolating(events.slice(middle), fresh);
      return {
        inserted: first.inserted + second.inserted,
        rejected: first.rejected + second.rejected,
      };
    }
  }

  async #toSpool(batch: ActivityEvent[]): Promise<void> {
    try {
      await this.#spool.append(batch);
      this.#spooled += batch.length;
      this.#checkPressure();
      this.#scheduleReplay();
    } catch (error) {
      if (error instanceof SpoolFullError) {
        this.#spoolFull = true;
        this.#checkPressure();
      }
      this.#drop(
        batch.length,
        error instanceof SpoolFullError
          ? `the database is unreachable and ${error.message}`
          : `the database is unreachable and the spool cannot be written: ${messageOf(error)}`,
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Partitions

  async #ensurePartitionsFor(events: readonly ActivityEvent[]): Promise<void> {
    const today = dayNumber(this.#now());
    let known = this.#knownDays;
    if (known === null) {
      known = new Set((await listActivityPartitions(this.#db)).map((p) => p.day));
      this.#knownDays = known;
    }
    let missing: number[] | null = null;
    if (!known.has(today + this.#ahead) || !known.has(today)) {
      missing = [];
      for (let day = today - 1; day <= today + this.#ahead; day++)
        if (!known.has(day)) missing.push(day);
    }
    let last = Number.NaN;
    for (const event of events) {
      const day = Math.floor(event.at.getTime() / DAY_MS);
      if (day === last) continue;
      last = day;
      if (!known.has(day) && day >= today - this.#behind && day <= today + this.#ahead)
        (missing ??= []).push(day);
    }
    if (missing === null || missing.length === 0) return;
    await ensureActivityPartitions(this.#db, missing);
    for (const day of missing) known.add(day);
  }

  // -------------------------------------------------------------------------------------------
  // Replay

  #scheduleReplay(): void {
    if (this.#replaying || this.#closed || !this.#spool.hasBacklog) return;
    this.#replaying = this.#runReplay().finally(() => {
      this.#replaying = null;
      this.#notifyReplayIdle();
    });
  }

  #notifyReplayIdle(): void {
    const waiting = this.#replayIdle;
    this.#replayIdle = [];
    for (const resolve of waiting) resolve();
  }

  async #runReplay(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      const file = await this.#spool.oldest();
      if (!file) return;
      if (!this.#dbUp) {
        const wait = this.#nextProbe - Date.now();
        if (wait > 0) {
          this.#notifyReplayIdle();
          await this.#sleep(wait);
          continue;
        }
      }
      const offset = this.#replayOffsets.get(file) ?? 0;
      let chunk;
      try {
        chunk = await this.#spool.read(file, offset, this.#batchSize);
      } catch (error) {
        this.#setError(`cannot read the spool file ${file.path}: ${messageOf(error)}`, 'error');
        this.#notifyReplayIdle();
        await this.#sleep(this.#retryMaxMs);
        continue;
      }
      for (const bad of chunk.badLines) this.#rejectLine(bad.line, bad.reason);
      if (chunk.events.length > 0) {
        if (!(await this.#toDatabase(chunk.events, false))) continue;
        this.#replayed += chunk.events.length;
      }
      if (chunk.end) {
        await this.#spool.remove(file);
        this.#replayOffsets.delete(file);
        this.#spoolFull = false;
        this.#checkPressure();
        if (!this.#spool.hasBacklog)
          this.#log('info', 'the activity spool has been replayed into the database');
      } else this.#replayOffsets.set(file, chunk.nextOffset);
    }
  }

  /** Wait for the next probe; `flush()` and `close()` wake the replay early. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#replayWake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#replayWake = done;
    });
  }

  // -------------------------------------------------------------------------------------------
  // State and accounting

  #markDown(error: unknown): void {
    const message = messageOf(error);
    if (this.#dbUp) {
      this.#dbUp = false;
      this.#retryMs = this.#retryMinMs;
      this.#setError(
        `the database is unreachable (${message}): activity events go to the spool in ${this.#spool.dir}`,
        'warn',
      );
    } else {
      this.#lastError = { at: new Date().toISOString(), message };
      if (Date.now() >= this.#nextProbe)
        this.#retryMs = Math.min(this.#retryMaxMs, this.#retryMs * 2);
    }
    this.#nextProbe = Date.now() + this.#retryMs;
  }

  #markUp(): void {
    this.#retryMs = this.#retryMinMs;
    if (this.#dbUp) return;
    this.#dbUp = true;
    this.#dropStreak = false;
    this.#log(
      'info',
      `the database answers again${this.#spool.hasBacklog ? `: replaying ${this.#spool.bytes} bytes of spooled events` : ''}`,
    );
    this.#scheduleReplay();
  }

  #setError(message: string, level: WriterLogLevel): void {
    this.#lastError = { at: new Date().toISOString(), message };
    this.#log(level, message);
  }

  #drop(count: number, reason: string): void {
    this.#dropped += count;
    const message = `${count} activity event(s) dropped: ${reason} (${this.#dropped} dropped in all)`;
    this.#lastError = { at: new Date().toISOString(), message };
    if (!this.#dropStreak) {
      this.#dropStreak = true;
      this.#log('error', message);
    }
  }

  #checkPressure(): void {
    const bytes = this.#spool.bytes;
    const cap = this.#spool.capBytes;
    const ratio = bytes / cap;
    const level = this.#spoolFull ? 2 : ratio >= this.#alertRatio ? 1 : 0;
    if (level > this.#pressureLevel) {
      try {
        this.#onSpoolPressure({ bytes, cap, ratio, full: level === 2 });
      } catch {
        // the alert is best effort; the stats still say it
      }
      this.#log(
        level === 2 ? 'error' : 'warn',
        `the activity spool holds ${bytes} of ${cap} bytes (${Math.round(ratio * 100)} %)${level === 2 ? ': it is full and events are being dropped' : ''}`,
      );
    } else if (level === 0 && this.#pressureLevel > 0) {
      try {
        this.#onSpoolPressureCleared();
      } catch {
        // best effort, as above
      }
      this.#log('info', `the activity spool has drained to ${bytes} of ${cap} bytes`);
    }
    this.#pressureLevel = level;
  }

  #reject(events: readonly ActivityEvent[], reason: string): void {
    this.#rejected += events.length;
    this.#setError(`${events.length} activity event(s) rejected: ${reason}`, 'error');
    let text = '';
    for (const event of events) text += `${JSON.stringify({ reason, event })}\n`;
    this.#keepRejected(text);
  }

  #rejectLine(line: string, reason: string): void {
    this.#rejected += 1;
    this.#setError(`a spooled line could not be read back: ${reason}`, 'error');
    this.#keepRejected(`${JSON.stringify({ reason, line })}\n`);
  }

  #keepRejected(text: string): void {
    if (this.#rejectedBytes >= REJECTED_MAX_BYTES) return;
    this.#rejectedBytes += Buffer.byteLength(text);
    this.#rejectWrites = this.#rejectWrites
      .then(() => appendFile(this.#rejectedPath, text, { mode: 0o640 }))
      .catch(() => undefined);
  }
}

/** Open the activity writer (see `EventWriter`). */
export function createEventWriter(options: EventWriterOptions): Promise<EventWriter> {
  return EventWriter.open(options);
}
