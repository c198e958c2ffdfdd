import type { Kysely } from 'kysely';
import { dayNumber, ensureActivityPartitions } from '../store/activity-repository.ts';
import type { Database } from '../store/schema.ts';
import { runRetention, type RetentionPeriods, type RetentionReport } from './retention.ts';

/**
 * The activity tables' housekeeping, run by the server (one process per deployment):
 *
 *   partitions  every hour, the day partitions from yesterday to `partitionsAhead` days ahead
 *               exist (the writer also creates them on demand for the days it sees)
 *   retention   once a day (the first run after start, then each new UTC day), `runRetention`
 */

export interface ActivityMaintenanceOptions {
  readonly db: Kysely<Database>;
  readonly now?: () => Date;
  readonly defaults?: RetentionPeriods;
  /** Day partitions kept ready ahead of today (default 7). */
  readonly partitionsAhead?: number;
  /** How often to look (default one hour). */
  readonly intervalMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Told after each retention run. */
  readonly onRetention?: (report: RetentionReport) => void;
}

export interface MaintenanceReport {
  readonly partitionsCreated: readonly string[];
  readonly retention: RetentionReport | null;
}

export interface ActivityMaintenance {
  /** Run now (partitions, and retention if it has not run today). */
  runOnce(options?: { forceRetention?: boolean }): Promise<MaintenanceReport>;
  /** Stop the timer and wait for a run in progress. */
  stop(): Promise<void>;
}

/** Create the partitions for yesterday to `ahead` days after `now`; returns the days created. */
export async function prepareActivityPartitions(
  db: Kysely<Database>,
  now: Date,
  ahead = 7,
): Promise<string[]> {
  const today = dayNumber(now);
  const days: number[] = [];
  for (let day = today - 1; day <= today + ahead; day++) days.push(day);
  const created = await ensureActivityPartitions(db, days);
  return created.map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));
}

export function startActivityMaintenance(options: ActivityMaintenanceOptions): ActivityMaintenance {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const intervalMs = Math.max(1000, options.intervalMs ?? 3_600_000);
  let lastRetentionDay: number | null = null;
  let running: Promise<MaintenanceReport> | null = null;
  let stopped = false;

  const run = async (forceRetention: boolean): Promise<MaintenanceReport> => {
    const at = now();
    const partitionsCreated = await prepareActivityPartitions(
      options.db,
      at,
      options.partitionsAhead,
    );
    let retention: RetentionReport | null = null;
    if (forceRetention || lastRetentionDay !== dayNumber(at)) {
      retention = await runRetention(options.db, {
        now: at,
        ...(options.defaults ? { defaults: options.defaults } : {}),
      });
      lastRetentionDay = dayNumber(at);
      options.onRetention?.(retention);
      if (retention.purgedEvents > 0 || retention.clearedSearchTerms > 0)
        log(
          'info',
          `retention: ${retention.purgedEvents} activity event(s) purged, search terms removed from ${retention.clearedSearchTerms}, ${retention.heldEvents} kept by legal holds`,
        );
    }
    return { partitionsCreated, retention };
  };

  const runOnce = (opts: { forceRetention?: boolean } = {}): Promise<MaintenanceReport> => {
    const previous = running ?? Promise.resolve(null);
    const next: Promise<MaintenanceReport> = previous
      .catch(() => null)
      .then(() => run(opts.forceRetention ?? false))
      .finally(() => {
        if (running === next) running = null;
      });
    running = next;
    return next;
  };

  const tick = (): void => {
    if (stopped) return;
    runOnce().catch((error: unknown) => {
      log(
        'error',
        `activity maintenance failed (tried again in ${Math.round(intervalMs / 60_000)} min): ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  setImmediate(tick);

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
