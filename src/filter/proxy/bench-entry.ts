import { isIP } from 'node:net';
import type { ActivityEvent, ActivitySink, ClientIdentity } from '../filter-context.ts';
import { startProxyWorkers } from './proxy-workers.ts';

/**
 * A stand-alone proxy for benchmarks (the peer kit's `OSP_PROXY_CMD`, and `runProxyBench`):
 *
 *   node --import tsx src/filter/proxy/bench-entry.ts --port P --blocklist FILE
 *        [--host 127.0.0.1] [--workers N] [--group ks2] [--connect-ports 443|any]
 *        [--resolve-all 127.0.0.1] [--classifier]
 *
 * The demo school's policy, with every domain of FILE (one a line, squidGuard `domains` style;
 * hosts-file lines `0.0.0.0 name` work too) listed as `gambling`, which the demo policy blocks for
 * pupils; lists only, like the peers (`--classifier` adds the host-name classifier). Every client is a Key Stage 2 pupil (`--group`). Names resolve through the system
 * resolver, or all to one address with `--resolve-all` (for a machine without a test resolver). Events are counted and dropped: the activity pipeline is not part of this figure.
 * Prints one line when listening; stops on SIGTERM.
 */

interface BenchEntryOptions {
  port: number;
  host: string;
  blocklist: string;
  workers: number;
  group: string;
  connectPorts: readonly number[] | null;
  /** Answer every name with this address instead of asking the system resolver. */
  resolveAll: string | null;
  classifier: boolean;
}

/** The school the proxy benchmark filters for. */
const BENCH_SCHOOL_ID = 'bench-school';

function parseArguments(argv: readonly string[]): BenchEntryOptions {
  const options: BenchEntryOptions = {
    port: 3140,
    host: '127.0.0.1',
    blocklist: '',
    workers: 1,
    group: 'ks2',
    connectPorts: [443],
    resolveAll: null,
    classifier: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1] ?? '';
    switch (name) {
      case '--port':
        options.port = Number(value);
        i++;
        break;
      case '--host':
        options.host = value;
        i++;
        break;
      case '--blocklist':
        options.blocklist = value;
        i++;
        break;
      case '--workers':
        options.workers = Number(value);
        i++;
        break;
      case '--group':
        options.group = value;
        i++;
        break;
      case '--connect-ports':
        options.connectPorts = value === 'any' ? null : value.split(',').map(Number);
        i++;
        break;
      case '--resolve-all':
        options.resolveAll = value;
        i++;
        break;
      case '--classifier':
        options.classifier = true;
        break;
      default:
        throw new Error(`unknown argument ${name ?? ''}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error('--port must be a port number');
  }
  if (options.blocklist === '') throw new Error('--blocklist FILE is required');
  return options;
}

/** Counts events and drops them. */
class CountingSink implements ActivitySink {
  count = 0;
  emit(_event: ActivityEvent): void {
    this.count++;
  }
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const workers = await startProxyWorkers({
    workers: options.workers,
    async start() {
      // loaded here, not at the top: the cluster primary only forks, and stays small
      const { loadBlocklistSnapshot } = await import('../blocklist-snapshot.ts');
      const { createProxyServer } = await import('./proxy-server.ts');
      // Lists only, like the peers: the host-name classifier is off unless asked for.
      const { snapshot } = await loadBlocklistSnapshot(options.blocklist, {
        schoolId: BENCH_SCHOOL_ID,
        category: 'gambling',
        classifier: options.classifier,
      });
      const pupil: ClientIdentity = {
        schoolId: BENCH_SCHOOL_ID,
        userId: null,
        username: null,
        groups: [options.group],
        deviceClass: null,
        via: 'address-range',
      };
      const resolveAll = options.resolveAll;
      const answer = Promise.resolve({ ok: true as const, identity: pupil });
      const proxy = createProxyServer({
        identifier: { identify: () => answer },
        snapshots: { current: (id) => (id === BENCH_SCHOOL_ID ? snapshot : undefined) },
        events: new CountingSink(),
        clock: () => new Date(),
        blockPage: { publicUrl: 'http://127.0.0.1:8080' },
        limits: { connectPorts: options.connectPorts },
        ...(resolveAll === null
          ? {}
          : {
              upstream: {
                lookup: () =>
                  Promise.resolve({ address: resolveAll, family: isIP(resolveAll) === 6 ? 6 : 4 }),
              },
            }),
      });
      const port = await proxy.listen(options.port, options.host);
      process.stdout.write(
        `haven proxy listening on ${options.host}:${port} (pid ${process.pid}, ${options.blocklist})\n`,
      );
      return proxy;
    },
  });
  if (workers.role === 'primary') {
    process.stdout.write(
      `haven proxy: ${workers.pids().length} workers on ${options.host}:${options.port}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
