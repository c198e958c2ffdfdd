import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * `haven bench dns`: dnsperf against the DNS filter.
 *
 * - `runDnsBench({ port, seconds })` drives a filter that is already listening: a warm-up pass,
 *   then `seconds` measured with `dnsperf -v`, whose per-query lines give the latency percentiles
 *   (dnsperf 2.10 prints only the average and standard deviation itself).
 * - `benchDnsFilter({ domains, seconds })` does the whole run on its own: a synthetic domains list,
 *   a query mix with 20 % blocked names (half of them subdomains of listed domains), a local
 *   upstream answering every name with A 127.0.0.1, and the filter in a child process
 *   (bench-entry.ts) so it does not share an event loop with the upstream.
 */

export interface DnsBenchOptions {
  /** The filter's port on `host`. */
  readonly port: number;
  readonly host?: string;
  /** Seconds measured. Default 10. */
  readonly seconds?: number;
  /** Seconds of unmeasured load first (fills the cache). Default 2; 0 for none. */
  readonly warmSeconds?: number;
  /** A dnsperf data file (`name TYPE` per line). */
  readonly queryFile?: string;
  /** Or names to write one from: blocked names take `blockedShare` of the queries. */
  readonly names?: { readonly allowed: readonly string[]; readonly blocked: readonly string[] };
  /** Default 0.2. */
  readonly blockedShare?: number;
  /** dnsperf `-c` (simulated clients, i.e. source ports). Default 4. */
  readonly clients?: number;
  /** dnsperf `-q` (queries outstanding). Default 100. */
  readonly outstanding?: number;
  readonly transport?: 'udp' | 'tcp';
  /** The dnsperf binary. Default `dnsperf` (on PATH). */
  readonly dnsperf?: string;
}

export interface DnsBenchResult {
  readonly queries_per_sec: number;
  readonly p50_ms: number | null;
  readonly p90_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  readonly avg_ms: number | null;
  readonly sent: number;
  readonly completed: number;
  readonly lost: number;
  readonly rcodes: Readonly<Record<string, number>>;
  /** Share of answers that were NXDOMAIN (the blocked share in NXDOMAIN mode). */
  readonly nxdomain_share: number | null;
  /** Per-query latencies the percentiles were computed from. */
  readonly samples: number;
  readonly seconds: number;
  readonly transport: 'udp' | 'tcp';
  readonly clients: number;
  readonly outstanding: number;
}

/** What dnsperf printed, read. */
export interface DnsperfOutput {
  readonly sent: number;
  readonly completed: number;
  readonly lost: number;
  readonly qps: number;
  readonly avgMs: number | null;
  readonly rcodes: Record<string, number>;
  /** Seconds, from `-v` lines (`> NOERROR name A 0.000123`). */
  readonly latencies: Float64Array;
}

function statNumber(text: string, pattern: RegExp): number {
  const m = pattern.exec(text);
  return m === null ? 0 : Number(m[1]);
}

/** Reads dnsperf's summary (and, with `-v`, its per-query lines). */
export function parseDnsperf(lines: Iterable<string>): DnsperfOutput {
  let latencies = new Float64Array(1 << 16);
  let samples = 0;
  const summary: string[] = [];
  for (const line of lines) {
    if (line.startsWith('> ')) {
      const space = line.lastIndexOf(' ');
      const value = Number(line.slice(space + 1));
      if (line.charCodeAt(2) === 84 /* T: timeout */ || !Number.isFinite(value)) continue;
      if (samples === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[samples++] = value;
    } else {
      summary.push(line);
    }
  }
  const text = summary.join('\n');
  const rcodes: Record<string, number> = {};
  const rc = /Response codes:\s+(.*)/.exec(text);
  if (rc !== null)
    for (const m of (rc[1] ?? '').matchAll(/([A-Z]+) (\d+)/g)) rcodes[m[1] ?? '?'] = Number(m[2]);
  const avg = /Average Latency \(s\):\s+([\d.]+)/.exec(text);
  return {
    sent: statNumber(text, /Queries sent:\s+(\d+)/),
    completed: statNumber(text, /Queries completed:\s+(\d+)/),
    lost: statNumber(text, /Queries lost:\s+(\d+)/),
    qps: statNumber(text, /Queries per second:\s+([\d.]+)/),
    avgMs: avg === null ? null : Number(avg[1]) * 1000,
    rcodes,
    latencies: latencies.subarray(0, samples),
  };
}

/** The q-quantile (0..1) of sorted seconds, in milliseconds to 3 places; null when empty. */
export function percentileMs(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const at = Math.min(sorted.length - 1, Math.floor(q * sorted.length));
  return Math.round((sorted[at] ?? 0) * 1e6) / 1e3;
}

/**
 * Runs dnsperf with its output going to a file, read only once it has finished, so parsing the
 * per-query lines takes no CPU from the run being measured.
 */
async function runDnsperf(
  bin: string,
  args: readonly string[],
  outputFile: string,
): Promise<DnsperfOutput> {
  const out = openSync(outputFile, 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ['ignore', out, out] });
      child.on('error', (error) =>
        reject(new Error(`dnsperf could not start (${bin}): ${error.message}`)),
      );
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new Error(`dnsperf exited with ${code}: ${readTail(outputFile)}`));
      });
    });
  } finally {
    closeSync(out);
  }
  const lines: string[] = [];
  let latencyLines: string[] = [];
  const chunks: Float64Array[] = [];
  const rl = createInterface({ input: createReadStream(outputFile, { encoding: 'latin1' }) });
  for await (const line of rl) {
    if (line.startsWith('> ')) {
      latencyLines.push(line);
      if (latencyLines.length >= 50_000) {
        chunks.push(parseDnsperf(latencyLines).latencies);
        latencyLines = [];
      }
    } else lines.push(line);
  }
  chunks.push(parseDnsperf(latencyLines).latencies);
  const summary = parseDnsperf(lines);
  const latencies = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    latencies.set(c, at);
    at += c.length;
  }
  return { ...summary, latencies };
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/** Writes a dnsperf data file: `blockedShare` of the lines blocked names, spread evenly. */
export function writeQueryFile(
  path: string,
  names: { readonly allowed: readonly string[]; readonly blocked: readonly string[] },
  blockedShare = 0.2,
  type = 'A',
): number {
  const lines: string[] = [];
  const total = Math.max(
    names.allowed.length,
    Math.ceil(names.blocked.length / Math.max(blockedShare, 1e-9)),
  );
  let blockedSoFar = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < total; i++) {
    const wantBlocked =
      names.blocked.length > 0 && blockedSoFar < Math.round((i + 1) * blockedShare);
    if (wantBlocked) {
      lines.push(`${names.blocked[b++ % names.blocked.length] ?? ''} ${type}`);
      blockedSoFar++;
    } else if (names.allowed.length > 0) {
      lines.push(`${names.allowed[a++ % names.allowed.length] ?? ''} ${type}`);
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return lines.length;
}

/** Drives dnsperf against a filter already listening on `port`. */
export async function runDnsBench(options: DnsBenchOptions): Promise<DnsBenchResult> {
  const host = options.host ?? '127.0.0.1';
  const seconds = options.seconds ?? 10;
  const warm = options.warmSeconds ?? 2;
  const clients = options.clients ?? 4;
  const outstanding = options.outstanding ?? 100;
  const transport = options.transport ?? 'udp';
  const bin = options.dnsperf ?? 'dnsperf';
  const tmp = mkdtempSync(join(tmpdir(), 'haven-dns-bench-'));
  let file = options.queryFile;
  try {
    if (file === undefined) {
      if (options.names === undefined) throw new Error('runDnsBench: give queryFile or names');
      file = join(tmp, 'queries.txt');
      writeQueryFile(file, options.names, options.blockedShare ?? 0.2);
    }
    const output = join(tmp, 'dnsperf.out');
    const common = [
      '-s',
      host,
      '-p',
      String(options.port),
      '-d',
      file,
      '-c',
      String(clients),
      '-q',
      String(outstanding),
    ];
    if (transport === 'tcp') common.push('-m', 'tcp');
    if (warm > 0) await runDnsperf(bin, [...common, '-l', String(warm)], output);
    const out = await runDnsperf(bin, [...common, '-l', String(seconds), '-v'], output);
    const sorted = Float64Array.from(out.latencies).sort();
    const answered = Object.values(out.rcodes).reduce((x, y) => x + y, 0);
    return {
      queries_per_sec: Math.round(out.qps),
      p50_ms: percentileMs(sorted, 0.5),
      p90_ms: percentileMs(sorted, 0.9),
      p99_ms: percentileMs(sorted, 0.99),
      max_ms: percentileMs(sorted, 1),
      avg_ms: out.avgMs === null ? null : Math.round(out.avgMs * 1000) / 1000,
      sent: out.sent,
      completed: out.completed,
      lost: out.lost,
      rcodes: out.rcodes,
      nxdomain_share:
        answered === 0
          ? null
          : Math.round(((out.rcodes.NXDOMAIN ?? 0) / answered) * 10_000) / 10_000,
      samples: sorted.length,
      seconds,
      transport,
      clients,
      outstanding,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A local upstream that answers every A question with 127.0.0.1 (TTL 86,400), NODATA otherwise. */
export interface StubUpstream {
  readonly port: number;
  /** Questions answered so far. */
  readonly queries: () => number;
  close(): Promise<void>;
}

export function startStubUpstream(port = 0, host = '127.0.0.1'): Promise<StubUpstream> {
  const socket = dgram.createSocket('udp4');
  let queries = 0;
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 17) return;
    // the question ends after its name and 4 bytes; answer with the header, question, one A
    let p = 12;
    while (p < msg.length && (msg[p] ?? 0) !== 0) p += (msg[p] ?? 0) + 1;
    const end = p + 5;
    if (end > msg.length) return;
    queries++;
    const isA = msg.readUInt16BE(p + 1) === 1;
    const out = Buffer.alloc(end + (isA ? 16 : 0));
    msg.copy(out, 0, 0, end);
    out.writeUInt16BE(0x8180, 2); // QR RD RA
    out.writeUInt16BE(1, 4);
    out.writeUInt16BE(isA ? 1 : 0, 6);
    out.writeUInt32BE(0, 8);
    if (isA) {
      out.writeUInt16BE(0xc00c, end);
      out.writeUInt16BE(1, end + 2);
      out.writeUInt16BE(1, end + 4);
      out.writeUInt32BE(86_400, end + 6);
      out.writeUInt16BE(4, end + 10);
      out.set([127, 0, 0, 1], end + 12);
    }
    socket.send(out, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      resolve({
        port: socket.address().port,
        queries: () => queries,
        close: () => new Promise((done) => socket.close(() => done())),
      });
    });
  });
}

export interface DnsFilterBenchOptions {
  /** Listed domains. Default 100,000. */
  readonly domains?: number;
  /** Distinct names queried. Default 10,000. */
  readonly names?: number;
  readonly seconds?: number;
  readonly warmSeconds?: number;
  /** Filter processes (bench-entry `--workers`). Default 1. */
  readonly workers?: number;
  readonly transport?: 'udp' | 'tcp';
  readonly dnsperf?: string;
}

export interface DnsFilterBenchResult extends DnsBenchResult {
  readonly domains: number;
  readonly names: number;
  readonly workers: number;
  readonly load_ms: number;
}

/** A deterministic domain for index i (base-36 labels, a few TLDs). */
function syntheticDomain(i: number): string {
  const tlds = ['com', 'net', 'org', 'co.uk', 'de', 'info'];
  const label = ((i * 2_654_435_761) >>> 0).toString(36);
  return `${label}${(i % 997).toString(36)}.${tlds[i % tlds.length] ?? 'com'}`;
}

/** The whole run on its own: list, mix, local upstream, the filter in a child process, dnsperf. */
export async function benchDnsFilter(
  options: DnsFilterBenchOptions = {},
): Promise<DnsFilterBenchResult> {
  const domains = options.domains ?? 100_000;
  const names = options.names ?? 10_000;
  const workers = options.workers ?? 1;
  const tmp = mkdtempSync(join(tmpdir(), 'haven-dns-bench-'));
  const upstream = await startStubUpstream();
  try {
    const list: string[] = [];
    for (let i = 0; i < domains; i++) list.push(syntheticDomain(i));
    const listFile = join(tmp, 'domains');
    writeFileSync(listFile, `${list.join('\n')}\n`);
    const blockedCount = Math.round(names * 0.2);
    const blocked: string[] = [];
    for (let i = 0; i < blockedCount; i++) {
      const d = list[(i * 7919) % domains] ?? 'x.com';
      blocked.push(i % 2 === 0 ? d : `www${i}.${d}`);
    }
    const allowed: string[] = [];
    for (let i = 0; i < names - blockedCount; i++)
      allowed.push(`allowed${i}.example-${i % 50}.org`);
    const queryFile = join(tmp, 'queries.txt');
    writeQueryFile(queryFile, { allowed, blocked }, 0.2);
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(new URL('./bench-entry.ts', import.meta.url)),
        '--port',
        '0',
        '--blocklist',
        listFile,
        '--upstream',
        `127.0.0.1:${upstream.port}`,
        '--workers',
        String(workers),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const ready = await new Promise<{ port: number; loadMs: number }>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout });
        rl.on('line', (line) => {
          const m = /^ready udp=(\d+) .*load_ms=(\d+)/.exec(line);
          if (m !== null) resolve({ port: Number(m[1]), loadMs: Number(m[2]) });
        });
        child.once('exit', (code) =>
          reject(new Error(`the DNS filter exited (${code}) before it was ready`)),
        );
      });
      const result = await runDnsBench({
        port: ready.port,
        queryFile,
        ...(options.seconds === undefined ? {} : { seconds: options.seconds }),
        ...(options.warmSeconds === undefined ? {} : { warmSeconds: options.warmSeconds }),
        ...(options.transport === undefined ? {} : { transport: options.transport }),
        ...(options.dnsperf === undefined ? {} : { dnsperf: options.dnsperf }),
      });
      return { ...result, domains, names, workers, load_ms: ready.loadMs };
    } finally {
      if (child.exitCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
  } finally {
    await upstream.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
