import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ActivityEvent, ActivitySink } from '../filter-context.ts';

/**
 * The access log in Squid's native format (`logformat squid`), so the tools schools already use
 * on Squid logs (SARG, Lightsquid, GoAccess, fail2ban filters, a SIEM's Squid parser) read it:
 *
 *   time.ms elapsed client action/code bytes method URL user hierarchy/peer type
 *   1795428000.123    180 10.0.20.7 TCP_DENIED/403 0 GET http://bet365.com/ pupil HIER_NONE/- -
 *
 * Events are queued by `emit` (no I/O, never throws, never waits) and written in batches; the file
 * is rotated by size (`access.log` → `access.log.1` → …). DNS queries are not HTTP requests and
 * are left out unless asked for (Squid's tools would misread them).
 */

function clean(text: string): string {
  // One field per token: Squid escapes what would split the line.
  return text.replace(/[\s%]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function resultCode(event: ActivityEvent): string {
  const status = event.status ?? (event.action === 'block' ? 403 : 0);
  const code = String(status).padStart(3, '0');
  if (event.action === 'block') return `TCP_DENIED/${code}`;
  if (event.method === 'CONNECT') return `TCP_TUNNEL/${code}`;
  return `TCP_MISS/${code}`;
}

function urlOf(event: ActivityEvent): string {
  if (event.url) return clean(event.url);
  if (event.method === 'CONNECT') return clean(`${event.host}:443`);
  return clean(event.host);
}

/**
 * One line of Squid's native access log for an event. `bytes` is what reached the client
 * (`bytesIn`: the download, as Squid's `%<st`); the peer is the destination host (Haven does not
 * keep the address it connected to).
 */
export function squidLogLine(event: ActivityEvent): string {
  const time = (event.at.getTime() / 1000).toFixed(3);
  const elapsed = String(Math.max(0, Math.round(event.durationMs))).padStart(6, ' ');
  const hierarchy =
    event.action === 'block' ? 'HIER_NONE/-' : `HIER_DIRECT/${clean(event.host) || '-'}`;
  return [
    time,
    elapsed,
    clean(event.clientIp) || '-',
    resultCode(event),
    String(Math.max(0, event.bytesIn)),
    clean(event.method) || '-',
    urlOf(event) || '-',
    event.username ? clean(event.username) : '-',
    hierarchy,
    '-',
  ].join(' ');
}

export interface AccessLogOptions {
  /** `HAVEN_DATA/logs/access.log`. */
  path: string;
  /** Rotate when the file reaches this size (default 50 MiB). */
  maxBytes?: number;
  /** Rotated files kept (`access.log.1` … `.N`; default 5). */
  keep?: number;
  /** How long events wait before a batch is written (default 200 ms). */
  flushIntervalMs?: number;
  /** Events queued beyond this are dropped and counted (default 100,000). */
  maxQueued?: number;
  /** Also log DNS queries (method = query type, URL = the name). Default false. */
  includeDns?: boolean;
  /** Told once per failure streak when the file cannot be written. */
  onError?: (message: string) => void;
}

export class AccessLog implements ActivitySink {
  readonly path: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  readonly #flushIntervalMs: number;
  readonly #maxQueued: number;
  readonly #includeDns: boolean;
  readonly #onError: (message: string) => void;
  #queue: ActivityEvent[] = [];
  #timer: NodeJS.Timeout | null = null;
  #writing: Promise<void> | null = null;
  #handle: FileHandle | null = null;
  #size = 0;
  #failing = false;
  #closed = false;
  #written = 0;
  #dropped = 0;

  constructor(options: AccessLogOptions) {
    this.path = options.path;
    this.#maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    this.#keep = Math.max(1, options.keep ?? 5);
    this.#flushIntervalMs = options.flushIntervalMs ?? 200;
    this.#maxQueued = options.maxQueued ?? 100_000;
    this.#includeDns = options.includeDns ?? false;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Lines written and events dropped (queue full or write failed) so far. */
  get stats(): { written: number; dropped: number; queued: number } {
    return { written: this.#written, dropped: this.#dropped, queued: this.#queue.length };
  }

  emit(event: ActivityEvent): void {
    if (this.#closed || (event.source === 'dns' && !this.#includeDns)) return;
    if (this.#queue.length >= this.#maxQueued) {
      this.#dropped += 1;
      return;
    }
    this.#queue.push(event);
    if (this.#timer === null && this.#writing === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        void this.flush();
      }, this.#flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Write everything queued so far (one batch at a time). */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#writing) await this.#writing;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#writing = this.#write(batch).finally(() => {
      this.#writing = null;
    });
    await this.#writing;
    if (this.#queue.length > 0 && !this.#closed) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => undefined);
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    await mkdir(dirname(this.path), { recursive: true });
    const handle = await open(this.path, 'a', 0o640);
    this.#size = (await handle.stat()).size;
    this.#handle = handle;
    return handle;
  }

  async #rotate(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close();
    await rm(`${this.path}.${this.#keep}`, { force: true });
    for (let n = this.#keep - 1; n >= 1; n--) {
      try {
        await stat(`${this.path}.${n}`);
        await rename(`${this.path}.${n}`, `${this.path}.${n + 1}`);
      } catch {
        // no such generation yet
      }
    }
    await rename(this.path, `${this.path}.1`);
  }

  async #write(batch: readonly ActivityEvent[]): Promise<void> {
    try {
      let text = '';
      for (const event of batch) text += `${squidLogLine(event)}\n`;
      const handle = await this.#open();
      const data = Buffer.from(text, 'utf8');
      await handle.write(data);
      this.#size += data.length;
      this.#written += batch.length;
      this.#failing = false;
      if (this.#size >= this.#maxBytes) {
        // Someone else may have truncated it (logrotate's copytruncate): trust the file, not the count.
        this.#size = (await handle.stat()).size;
        if (this.#size >= this.#maxBytes) await this.#rotate();
      }
    } catch (error) {
      this.#dropped += batch.length;
      const handle = this.#handle;
      this.#handle = null;
      await handle?.close().catch(() => undefined);
      if (!this.#failing) {
        this.#failing = true;
        this.#onError(
          `cannot write the access log ${this.path}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
