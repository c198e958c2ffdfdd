import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';

/**
 * Using every core: `startProxyWorkers()` runs the proxy in `workers` processes that share one
 * listening port through `node:cluster` (the primary accepts connections and hands them to the
 * workers in turn). Each worker builds its own proxy — and so its own policy snapshot — with
 * `start()`; nothing is shared between them but the port.
 *
 * Call it from the entry module with the same arguments in every process: cluster starts the
 * workers by running the entry again (same script, same `--import tsx`), and the function does
 * the primary's or a worker's part. With `workers: 1` the proxy runs in this process, no cluster.
 *
 * The primary restarts a worker that dies (at most once a second), and on SIGTERM/SIGINT stops
 * the workers and exits. A worker stops on SIGTERM, or when the primary goes away.
 *
 * Note for `haven start` with PGlite: only one process may open the data folder, so run the proxy
 * in the server process (one worker). `haven filter` against PostgreSQL can use every core.
 */

export interface RunningProxy {
  close(): Promise<void>;
}

export interface ProxyWorkersOptions {
  /** Processes to run; default the number of CPUs. */
  readonly workers?: number;
  /** Builds the proxy and starts listening (runs in each worker). */
  readonly start: () => Promise<RunningProxy>;
  /** Called in the primary when a worker exits (for the log). */
  readonly onWorkerExit?: (info: {
    pid: number | undefined;
    code: number | null;
    signal: string | null;
  }) => void;
  /** Handle SIGTERM/SIGINT (stop and exit). Default true. */
  readonly handleSignals?: boolean;
}

export interface ProxyWorkers {
  /** `primary` (forked the workers), `worker` (serves), or `single` (served in this process). */
  readonly role: 'primary' | 'worker' | 'single';
  /** Process ids of the workers (primary only). */
  pids(): number[];
  stop(): Promise<void>;
}

/** How many workers to run by default: one per CPU. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

export async function startProxyWorkers(options: ProxyWorkersOptions): Promise<ProxyWorkers> {
  const count = Math.max(1, Math.floor(options.workers ?? defaultWorkerCount()));
  const handleSignals = options.handleSignals ?? true;

  if (count === 1 || cluster.isWorker) {
    const running = await options.start();
    let stopping: Promise<void> | null = null;
    const stop = (): Promise<void> => (stopping ??= running.close());
    const role = cluster.isWorker ? 'worker' : 'single';
    if (cluster.isWorker) {
      // the primary went away: nobody hands out connections any more
      process.once('disconnect', () => void stop().finally(() => process.exit(0)));
    }
    if (handleSignals) {
      const onSignal = (): void => void stop().finally(() => process.exit(0));
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    }
    return { role, pids: () => [], stop };
  }

  let stopping = false;
  const workers = new Set<Worker>();
  let lastRestart = 0;
  const fork = (): Worker => {
    const worker = cluster.fork();
    workers.add(worker);
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    workers.delete(worker);
    options.onWorkerExit?.({ pid: worker.process.pid, code, signal });
    if (stopping) return;
    const wait = Math.max(0, lastRestart + 1000 - Date.now());
    lastRestart = Date.now() + wait;
    setTimeout(() => {
      if (!stopping) fork();
    }, wait).unref();
  });

  const listening: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const worker = fork();
    listening.push(
      new Promise((resolve, reject) => {
        worker.once('listening', () => resolve());
        worker.once('exit', (code) =>
          reject(
            new Error(
              `proxy worker ${worker.process.pid ?? '?'} exited (${code}) before listening`,
            ),
          ),
        );
      }),
    );
  }

  const stop = async (): Promise<void> => {
    stopping = true;
    const exits = [...workers].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) resolve();
          else {
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }
        }),
    );
    await Promise.all(exits);
  };

  if (handleSignals) {
    const onSignal = (): void => void stop().finally(() => process.exit(0));
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  try {
    await Promise.all(listening);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    role: 'primary',
    pids: () => [...workers].map((w) => w.process.pid ?? 0).filter((pid) => pid > 0),
    stop,
  };
}
