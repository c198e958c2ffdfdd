import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { listActiveIsolations } from '../store/alert-repository.ts';
import type { AlertIsolation, Database } from '../store/schema.ts';
import { haltedCapture, type ActivityEvent, type ActivitySink } from './activity-event.ts';

/**
 * Halting capture (MON-4). A suspected-CSAM alert marks the person and the device for isolation
 * (`alert_isolations`, one row per alert). From then on, until the DSL lifts the isolation, the
 * filter nodes record for them only what safeguarding needs to show that something happened —
 * time, person, device address, host, decision and category — and nothing of what was looked at:
 * no URL path, search terms, page title or content findings, and their pages are not scored.
 *
 * Each filter node holds the isolations in force in memory (read synchronously on the hot path):
 * loaded at start, reloaded every `refreshMs` (default 5 s) and at once when this process raises
 * or lifts one (`announceIsolationChange`). On PGlite the node and the app share one process, so
 * a change applies at once; a separate `haven filter` node on PostgreSQL applies it within
 * `refreshMs`. While the database cannot be read the last isolations loaded stay in force.
 */

const changes = new EventEmitter();
changes.setMaxListeners(0);

/** Tell the capture halts of this process that an isolation was raised or lifted. */
export function announceIsolationChange(): void {
  setImmediate(() => changes.emit('change'));
}

export interface CaptureHaltOptions {
  readonly db: Kysely<Database>;
  /** How often isolations are read again (default 5,000 ms). */
  readonly refreshMs?: number;
  readonly log?: (message: string) => void;
}

/** Isolations in force, as lookups: by school and person, and by school and device address. */
export class IsolationIndex {
  readonly #users = new Set<string>();
  readonly #devices = new Set<string>();

  constructor(isolations: readonly Pick<AlertIsolation, 'school_id' | 'user_id' | 'client_ip'>[]) {
    for (const i of isolations) {
      if (i.user_id !== null) this.#users.add(`${i.school_id}|${i.user_id}`);
      if (i.client_ip !== '') this.#devices.add(`${i.school_id}|${i.client_ip}`);
    }
  }

  get size(): number {
    return this.#users.size + this.#devices.size;
  }

  /** True when the person or the device is marked for isolation in this school. */
  halted(schoolId: string, userId: string | null, clientIp: string): boolean {
    if (this.#users.size === 0 && this.#devices.size === 0) return false;
    return (
      (userId !== null && this.#users.has(`${schoolId}|${userId}`)) ||
      (clientIp !== '' && this.#devices.has(`${schoolId}|${clientIp}`))
    );
  }
}

export class CaptureHalt {
  readonly #db: Kysely<Database>;
  readonly #refreshMs: number;
  readonly #log: (message: string) => void;
  #index = new IsolationIndex([]);
  #timer: NodeJS.Timeout | null = null;
  #loading: Promise<void> | null = null;
  #again = false;
  #stopped = false;
  readonly #onChange = (): void => {
    void this.refresh();
  };

  constructor(options: CaptureHaltOptions) {
    this.#db = options.db;
    this.#refreshMs = Math.max(50, options.refreshMs ?? 5_000);
    this.#log = options.log ?? (() => undefined);
  }

  /** Load the isolations in force and keep them up to date. Never throws. */
  async start(): Promise<void> {
    changes.on('change', this.#onChange);
    await this.refresh();
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.refresh().finally(() => this.#schedule());
    }, this.#refreshMs);
    this.#timer.unref();
  }

  /** Read the isolations again (a read already under way is followed by one more). */
  refresh(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      do {
        this.#again = false;
        try {
          this.#index = new IsolationIndex(await listActiveIsolations(this.#db));
        } catch (error) {
          this.#log(
            `could not read the isolations in force (the last ones read stay in force): ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  /** True when capture is halted for this person or device. Synchronous: the hot path asks. */
  halted(schoolId: string, userId: string | null, clientIp: string): boolean {
    return this.#index.halted(schoolId, userId, clientIp);
  }

  /** A sink that cuts down the events of isolated people and devices before `next` sees them. */
  sink(next: ActivitySink): ActivitySink {
    return {
      emit: (event: ActivityEvent) => next.emit(this.reduce(event)),
    };
  }

  /** The event as it may be recorded. */
  reduce(event: ActivityEvent): ActivityEvent {
    return this.#index.halted(event.schoolId, event.userId, event.clientIp)
      ? haltedCapture(event)
      : event;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    changes.off('change', this.#onChange);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#loading;
  }
}
