/**
 * The DNS filter alone, for benchmarks (shared/bench-peers, `OSP_DNS_CMD`):
 *
 *   node --import tsx src/filter/dns/bench-entry.ts --port 5310 --blocklist domains \
 *        --upstream 127.0.0.1:53 [--host 127.0.0.1] [--block nxdomain|address]
 *        [--block-address 192.0.2.1] [--workers 1] [--group ks2] [--classifier]
 *
 * Every client is a Key Stage 2 pupil (`--group`) of a school whose policy is the demo policy
 * with the domains file as the `pornography` list (blocked for every group). Activity events
 * are made for every query, as in production, and counted instead of stored. Runs in the
 * foreground; prints `ready udp=<port> tcp=<port> entries=<n> load_ms=<ms> workers=<n>` once it
 * answers, and its statistics on SIGTERM/SIGINT before it exits.
 *
 * `--workers N` (N > 1) runs N processes (node:cluster) on the same port: with SO_REUSEPORT
 * where Node has it for UDP (22.12+, Linux), else sharing the primary's socket.
 */
import cluster, { type Worker } from 'node:cluster';
import { parseArgs } from 'node:util';
import type { ActivityEvent, ActivitySink, ClientIdentity } from '../filter-context.ts';
import { loadBlocklistSnapshot } from '../blocklist-snapshot.ts';
import { createDnsFilter, type DnsFilterStats } from './dns-filter.ts';
import { parseUpstream } from './resolv-conf.ts';
import { reusePortSupported } from './reuse-port.ts';

interface EntryOptions {
  port: number;
  host: string;
  blocklist: string;
  upstream: string;
  block: 'nxdomain' | 'address';
  blockAddress: string;
  workers: number;
  group: string;
  classifier: boolean;
}

function readOptions(argv: readonly string[]): EntryOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: process.env.OSP_DNS_PORT ?? '5310' },
      host: { type: 'string', default: '127.0.0.1' },
      blocklist: { type: 'string', default: process.env.OSP_BLOCKLIST ?? '' },
      upstream: { type: 'string', default: process.env.OSP_UPSTREAM_DNS ?? '127.0.0.1:53' },
      block: { type: 'string', default: process.env.OSP_DNS_BLOCK ?? 'nxdomain' },
      'block-address': { type: 'string', default: '192.0.2.1' },
      workers: { type: 'string', default: '1' },
      group: { type: 'string', default: 'ks2' },
      classifier: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const block = values.block === 'address' ? 'address' : 'nxdomain';
  const options: EntryOptions = {
    port: Number(values.port),
    host: values.host,
    blocklist: values.blocklist,
    upstream: values.upstream,
    block,
    blockAddress: values['block-address'],
    workers: Math.max(1, Number(values.workers) || 1),
    group: values.group,
    classifier: values.classifier,
  };
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`--port ${values.port} is not a port`);
  }
  if (options.blocklist === '') throw new Error('--blocklist FILE is required');
  return options;
}

/** Makes events as the filter does and counts them: the cost of MON-1 without a database. */
class CountingSink implements ActivitySink {
  count = 0;
  blocked = 0;
  emit(event: ActivityEvent): void {
    this.count++;
    if (event.action === 'block') this.blocked++;
  }
}

interface ReadyMessage {
  readonly kind: 'ready';
  readonly udpPort: number;
  readonly tcpPort: number;
  readonly entries: number;
  readonly loadMs: number;
}

function isReady(message: unknown): message is ReadyMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { kind?: unknown }).kind === 'ready'
  );
}

async function serve(options: EntryOptions, reusePort: boolean): Promise<void> {
  const upstream = parseUpstream(options.upstream);
  if (upstream === null) throw new Error(`--upstream ${options.upstream} is not an address`);
  const loaded = await loadBlocklistSnapshot(options.blocklist, { classifier: options.classifier });
  const snapshot = loaded.snapshot;
  const who: ClientIdentity = {
    schoolId: snapshot.schoolId,
    userId: null,
    username: null,
    groups: [options.group],
    deviceClass: null,
    via: 'address-range',
  };
  const sink = new CountingSink();
  let eventSeq = 0;
  const filter = createDnsFilter({
    identifier: { identify: () => Promise.resolve({ ok: true, identity: who }) },
    snapshots: { current: (id) => (id === snapshot.schoolId ? snapshot : undefined) },
    events: sink,
    clock: () => new Date(),
    upstreams: [upstream],
    blockAnswer: options.block === 'nxdomain' ? 'nxdomain' : { address: options.blockAddress },
    reusePort,
    // a per-process counter: cheaper than a UUID and enough for a benchmark
    newEventId: () => `${process.pid}-${++eventSeq}`,
  });
  const ports = await filter.listen(options.port, options.host);
  const ready: ReadyMessage = {
    kind: 'ready',
    ...ports,
    entries: loaded.entries,
    loadMs: loaded.loadMs,
  };
  const stop = () => {
    const stats: DnsFilterStats = filter.stats();
    process.stderr.write(
      `${JSON.stringify({ pid: process.pid, events: sink.count, ...summary(stats) })}\n`,
    );
    void filter.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (cluster.isWorker && process.send !== undefined) {
    process.send(ready);
    process.on('disconnect', stop);
  } else {
    process.stdout.write(
      `ready udp=${ports.udpPort} tcp=${ports.tcpPort} entries=${loaded.entries} load_ms=${Math.round(loaded.loadMs)} workers=1\n`,
    );
  }
}

function summary(stats: DnsFilterStats): Record<string, number> {
  return {
    udp: stats.queries.udp,
    tcp: stats.queries.tcp,
    malformed: stats.malformed.udp + stats.malformed.tcp,
    blocked: stats.answers.blocked,
    allowed: stats.answers.allowed,
    servfail: stats.answers.servfail,
    cache_hits: stats.cache.hits,
    cache_misses: stats.cache.misses,
    coalesced: stats.answers.coalesced,
    upstream_queries: stats.upstream.queries,
    upstream_timeouts: stats.upstream.timeouts,
  };
}

function forkWorker(port: number): Promise<{ worker: Worker; ready: ReadyMessage }> {
  const worker = cluster.fork({ HAVEN_DNS_BENCH_PORT: String(port) });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: unknown) => {
      if (isReady(message)) resolve({ worker, ready: message });
    });
    worker.once('exit', (code) =>
      reject(new Error(`worker ${worker.process.pid ?? '?'} exited (${code}) before it was ready`)),
    );
  });
}

async function primary(options: EntryOptions, reusePort: boolean): Promise<void> {
  // the first worker picks the port (when 0); the others join it: with SO_REUSEPORT on the port
  // it got, else by asking for the same address and port as it did (node:cluster then hands
  // every worker the primary's one socket)
  const first = await forkWorker(options.port);
  const port = reusePort ? first.ready.udpPort : options.port;
  const rest = await Promise.all(
    Array.from({ length: options.workers - 1 }, () => forkWorker(port)),
  );
  const workers = [first, ...rest];
  const stop = () => {
    for (const { worker } of workers) worker.process.kill('SIGTERM');
    let left = workers.length;
    for (const { worker } of workers) {
      worker.once('exit', () => {
        if (--left === 0) process.exit(0);
      });
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const r = first.ready;
  process.stdout.write(
    `ready udp=${r.udpPort} tcp=${r.tcpPort} entries=${r.entries} load_ms=${Math.round(Math.max(...workers.map((w) => w.ready.loadMs)))} workers=${workers.length} reuse_port=${reusePort}\n`,
  );
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  if (options.workers <= 1) return serve(options, false);
  const reusePort = await reusePortSupported();
  if (cluster.isPrimary) return primary(options, reusePort);
  const port = Number(process.env.HAVEN_DNS_BENCH_PORT ?? options.port);
  return serve({ ...options, port }, reusePort);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `dns bench entry: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
