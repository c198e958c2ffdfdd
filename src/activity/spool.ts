import { mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ACTIVITY_SOURCES,
  eventProblem,
  type ActivityEvent,
  type ActivitySource,
} from './activity-event.ts';

/**
 * The local spool (MON-1): while the database is unreachable, batches of events are appended to
 * `HAVEN_DATA/spool/activity-<sequence>.jsonl` — one JSON event per line, one write and one
 * `fdatasync` per batch, a new file when the current one reaches its size — and read back oldest
 * file first, in the order they were written, when the database answers again.
 *
 * A crash can tear at most the last line of the newest file: that line is skipped (and counted)
 * when it is read back. The batch it belonged to was never acknowledged as stored.
 */

const FILE_PATTERN = /^activity-(\d{10})\.jsonl$/;

export interface SpoolOptions {
  /** The folder (`HAVEN_DATA/spool`). */
  dir: string;
  /** Start a new file when the current one reaches this size (default 32 MiB). */
  fileBytes?: number;
  /** Refuse appends that would take the spool past this size (default 2 GiB). */
  capBytes?: number;
}

export class SpoolFullError extends Error {
  constructor(bytes: number, cap: number) {
    super(`the activity spool is full (${bytes} of ${cap} bytes)`);
    this.name = 'SpoolFullError';
  }
}

export interface SpoolFile {
  readonly name: string;
  readonly path: string;
  readonly sequence: number;
  size: number;
}

export interface SpoolChunk {
  readonly events: ActivityEvent[];
  /** Lines that could not be read back as events (torn by a crash, or edited by hand). */
  readonly badLines: { readonly line: string; readonly reason: string }[];
  /** Where the next chunk starts. */
  readonly nextOffset: number;
  /** True when this chunk reaches the end of the file. */
  readonly end: boolean;
}

const sources = new Set<string>(ACTIVITY_SOURCES);
const actions = new Set(['allow', 'block', 'allow-with-alert']);

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;
}

function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** An event read back from a spool line, or the reason it cannot be. */
export function reviveSpooledEvent(line: string): ActivityEvent | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'not JSON (a line torn by a crash?)';
  }
  if (typeof raw !== 'object' || raw === null) return 'not a JSON object';
  const o = raw as Record<string, unknown>;
  const source = str(o.source);
  const action = str(o.action);
  if (source === null || !sources.has(source)) return 'unknown source';
  if (action === null || !actions.has(action)) return 'unknown action';
  const event: ActivityEvent = {
    id: str(o.id) ?? '',
    at: new Date(str(o.at) ?? Number.NaN),
    source: source as ActivitySource,
    schoolId: str(o.schoolId) ?? '',
    userId: str(o.userId),
    username: str(o.username),
    group: str(o.group),
    deviceClass: str(o.deviceClass),
    clientIp: str(o.clientIp) ?? '',
    method: str(o.method) ?? '',
    host: str(o.host) ?? '',
    url: str(o.url),
    action: action as ActivityEvent['action'],
    category: str(o.category),
    ruleId: str(o.ruleId) ?? '',
    status: typeof o.status === 'number' ? o.status : null,
    bytesIn: int(o.bytesIn),
    bytesOut: int(o.bytesOut),
    durationMs: int(o.durationMs),
    searchTerms: str(o.searchTerms),
    // MON-2 fields, only when the line has them (an event without them reads back the same)
    ...('title' in o ? { title: str(o.title) } : {}),
    ...('riskScore' in o
      ? {
          riskScore:
            typeof o.riskScore === 'number' && Number.isFinite(o.riskScore) ? o.riskScore : null,
        }
      : {}),
    ...('riskCategories' in o ? { riskCategories: strings(o.riskCategories) } : {}),
    ...('riskPhrases' in o ? { riskPhrases: strings(o.riskPhrases) } : {}),
  };
  return eventProblem(event) ?? event;
}

/** Events as spool lines (the same JSON the events have: `at` as an ISO string). */
export function spoolLines(events: readonly ActivityEvent[]): string {
  let text = '';
  for (const event of events) text += `${JSON.stringify(event)}\n`;
  return text;
}

export class Spool {
  readonly dir: string;
  readonly fileBytes: number;
  readonly capBytes: number;
  readonly #files: SpoolFile[] = [];
  #active: { file: SpoolFile; handle: FileHandle } | null = null;
  #nextSequence = 1;
  #lock: Promise<unknown> = Promise.resolve();
  #opened = false;

  constructor(options: SpoolOptions) {
    this.dir = options.dir;
    this.fileBytes = Math.max(1024, options.fileBytes ?? 32 * 1024 * 1024);
    this.capBytes = Math.max(1024, options.capBytes ?? 2 * 1024 * 1024 * 1024);
  }

  /** Create the folder and find the files a previous run left (they are replayed first). */
  async open(): Promise<void> {
    if (this.#opened) return;
    await mkdir(this.dir, { recursive: true, mode: 0o750 });
    const found: SpoolFile[] = [];
    for (const name of await readdir(this.dir)) {
      const match = FILE_PATTERN.exec(name);
      if (!match) continue;
      const path = join(this.dir, name);
      const info = await stat(path);
      found.push({ name, path, sequence: Number(match[1]), size: info.size });
    }
    found.sort((a, b) => a.sequence - b.sequence);
    this.#files.push(...found);
    this.#nextSequence = (found.at(-1)?.sequence ?? 0) + 1;
    this.#opened = true;
  }

  /** Bytes in every spool file, including what has been read back but not yet removed. */
  get bytes(): number {
    let total = 0;
    for (const file of this.#files) total += file.size;
    return total;
  }

  get fileCount(): number {
    return this.#files.length;
  }

  /** True while there is anything to read back. */
  get hasBacklog(): boolean {
    return this.#files.some((f) => f.size > 0);
  }

  /** Run `work` alone: appends, rotation and removal never interleave. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(work, work);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Append a batch as one write followed by `fdatasync`: once this resolves, the batch survives
   * a crash or a power cut. Throws `SpoolFullError` when the cap would be passed (nothing is
   * written then), or the file system's error.
   */
  append(events: readonly ActivityEvent[]): Promise<number> {
    if (events.length === 0) return Promise.resolve(0);
    const data = Buffer.from(spoolLines(events), 'utf8');
    return this.#exclusive(async () => {
      const total = this.bytes;
      if (total + data.length > this.capBytes) throw new SpoolFullError(total, this.capBytes);
      const active = await this.#activeFile();
      await active.handle.write(data, 0, data.length, null);
      await active.handle.datasync();
      active.file.size += data.length;
      if (active.file.size >= this.fileBytes) await this.#closeActive();
      return data.length;
    });
  }

  async #activeFile(): Promise<{ file: SpoolFile; handle: FileHandle }> {
    if (this.#active) return this.#active;
    const sequence = this.#nextSequence++;
    const name = `activity-${String(sequence).padStart(10, '0')}.jsonl`;
    const path = join(this.dir, name);
    const handle = await open(path, 'a', 0o640);
    const file: SpoolFile = { name, path, sequence, size: 0 };
    this.#files.push(file);
    this.#active = { file, handle };
    return this.#active;
  }

  async #closeActive(): Promise<void> {
    const active = this.#active;
    this.#active = null;
    await active?.handle.close();
  }

  /**
   * The oldest file to read back, closing it for appends first if it is the one being written
   * (later batches then go to a new file). Undefined when the spool is empty.
   */
  oldest(): Promise<SpoolFile | undefined> {
    return this.#exclusive(async () => {
      const file = this.#files[0];
      if (file && this.#active?.file === file) await this.#closeActive();
      return file;
    });
  }

  /** Read up to `maxEvents` events of `file` from `offset` (a line boundary). */
  async read(file: SpoolFile, offset: number, maxEvents: number): Promise<SpoolChunk> {
    const handle = await open(file.path, 'r');
    try {
      const size = (await handle.stat()).size;
      const events: ActivityEvent[] = [];
      const badLines: { line: string; reason: string }[] = [];
      let position = offset;
      let pending = Buffer.alloc(0);
      const block = Buffer.alloc(1024 * 1024);
      while (events.length + badLines.length < maxEvents && position < size) {
        const { bytesRead } = await handle.read(block, 0, block.length, position + pending.length);
        if (bytesRead === 0) break;
        pending = Buffer.concat([pending, block.subarray(0, bytesRead)]);
        let start = 0;
        for (;;) {
          if (events.length + badLines.length >= maxEvents) break;
          const newline = pending.indexOf(10, start);
          if (newline < 0) break;
          const line = pending.toString('utf8', start, newline);
          start = newline + 1;
          if (line.trim() === '') continue;
          const event = reviveSpooledEvent(line);
          if (typeof event === 'string') badLines.push({ line, reason: event });
          else events.push(event);
        }
        position += start;
        pending = pending.subarray(start);
        if (position + pending.length >= size) break;
      }
      // A last line without its newline: torn by a crash while it was being written.
      const limited = events.length + badLines.length >= maxEvents;
      if (
        !limited &&
        pending.length > 0 &&
        pending.indexOf(10) < 0 &&
        position + pending.length >= size &&
        !this.#isActive(file)
      ) {
        badLines.push({ line: pending.toString('utf8'), reason: 'incomplete last line' });
        position += pending.length;
      }
      return { events, badLines, nextOffset: position, end: position >= size };
    } finally {
      await handle.close();
    }
  }

  #isActive(file: SpoolFile): boolean {
    return this.#active?.file === file;
  }

  /** Remove a file whose every event is in the database. */
  remove(file: SpoolFile): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#active?.file === file) await this.#closeActive();
      const index = this.#files.indexOf(file);
      if (index >= 0) this.#files.splice(index, 1);
      await unlink(file.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    });
  }

  async close(): Promise<void> {
    await this.#exclusive(() => this.#closeActive());
  }
}
