import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { applyDueChanges } from './change-requests.ts';
import { logEndedExemptions } from './exemptions.ts';

/**
 * The server's background job for change control: every few seconds, apply the approved change
 * requests whose effective time has come, and write the end of every exemption whose period is
 * over into the change log. (The filter does not wait for this job: exemptions end at their end
 * time because the engine decides with each one's window.)
 */
export interface ChangeControlJobs {
  /** One pass now (tests, and the first pass at start). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startChangeControlJobs(options: {
  db: Kysely<Database>;
  clock?: () => Date;
  intervalMs?: number;
  /** A school's enforced rules changed (to drop cached snapshots in this process). */
  onChange?: (schoolId: string) => void;
  onError?: (error: unknown) => void;
}): ChangeControlJobs {
  const clock = options.clock ?? (() => new Date());
  let running: Promise<void> | null = null;
  let stopped = false;
  const runOnce = async (): Promise<void> => {
    const now = clock();
    const applied = await applyDueChanges(options.db, now);
    for (const row of applied) options.onChange?.(row.school_id);
    await logEndedExemptions(options.db, now);
  };
  const tick = (): void => {
    if (stopped || running) return;
    running = runOnce()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? 5000);
  timer.unref();
  tick();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
