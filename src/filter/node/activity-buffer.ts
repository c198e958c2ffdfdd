import type { ActivityEvent, ActivitySink } from '../filter-context.ts';
import { AccessLog, type AccessLogOptions } from './access-log.ts';

/**
 * Where a filter node's activity events go (MON-1): a bounded ring of recent events in memory
 * (for the UI and tests), the access log file, and — when the monitoring issue adds it — the
 * database writer, all behind the one `ActivitySink` the adapters call. `emit` never throws and
 * never waits: logging never blocks a request.
 */

/** The most recent events, oldest overwritten first. */
export class ActivityRing implements ActivitySink {
  readonly capacity: number;
  readonly #events: (ActivityEvent | undefined)[];
  #next = 0;
  #total = 0;

  constructor(capacity = 1000) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.#events = new Array<ActivityEvent | undefined>(this.capacity);
  }

  emit(event: ActivityEvent): void {
    this.#events[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    this.#total += 1;
  }

  /** Events seen since start (including those overwritten). */
  get total(): number {
    return this.#total;
  }

  /** Up to `limit` events, newest first. */
  recent(limit = this.capacity): ActivityEvent[] {
    const out: ActivityEvent[] = [];
    const count = Math.min(limit, this.#total, this.capacity);
    for (let i = 1; i <= count; i++) {
      const event = this.#events[(this.#next - i + this.capacity) % this.capacity];
      if (event) out.push(event);
    }
    return out;
  }
}

/**
 * One sink that hands each event to every sink given, in order. A sink that throws is skipped
 * for that event (and counted): it can neither block the request nor starve the others.
 */
export function composeSinks(
  ...sinks: readonly ActivitySink[]
): ActivitySink & { readonly failures: number } {
  let failures = 0;
  return {
    emit(event: ActivityEvent): void {
      for (const sink of sinks) {
        try {
          sink.emit(event);
        } catch {
          failures += 1;
        }
      }
    },
    get failures(): number {
      return failures;
    },
  };
}

export interface ActivityBuffer extends ActivitySink {
  readonly ring: ActivityRing;
  readonly accessLog: AccessLog | null;
  /** Up to `limit` recent events, newest first. */
  recent(limit?: number): ActivityEvent[];
  /** Write what is queued and close the files. */
  close(): Promise<void>;
}

export interface ActivityBufferOptions {
  /** Recent events kept in memory (default 1000). */
  capacity?: number;
  /** The Squid-format access log, or null for none. */
  accessLog: AccessLogOptions | null;
  /** Further sinks (the monitoring issue's database writer). */
  sinks?: readonly ActivitySink[];
}

/** The node's activity sink: the ring, the access log and any further sinks, composed. */
export function createActivityBuffer(options: ActivityBufferOptions): ActivityBuffer {
  const ring = new ActivityRing(options.capacity);
  const accessLog = options.accessLog ? new AccessLog(options.accessLog) : null;
  const all = composeSinks(ring, ...(accessLog ? [accessLog] : []), ...(options.sinks ?? []));
  return {
    ring,
    accessLog,
    emit: (event) => all.emit(event),
    recent: (limit) => ring.recent(limit),
    close: async () => {
      await accessLog?.close();
    },
  };
}
