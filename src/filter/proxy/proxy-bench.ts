import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRandom } from '../../policy/engine/seeded-random.ts';

/**
 * `haven bench proxy`: requests per second, latency and memory of the proxy, measured through
 * it against a local origin, on loopback only.
 *
 * - origin: a small Node HTTP server in its own process (keep-alive, `200 ORIGIN-OK`).
 * - proxy: `bench-entry.ts` in its own process (unless `proxyPort` names a running one), with
 *   `domains` synthetic listed domains; `workers` processes (default 1).
 * - load: `connections` keep-alive client connections from this process, each sending one
 *   absolute-URI GET after the other (closed loop, as wrk does), over a mix of `hosts` names of
 *   which 20 % are listed (blocked, answered by the block page) and 80 % are not (forwarded).
 *   One second of warm-up is not measured.
 * - memory: the resident set of the proxy's whole process tree (primary + workers) at the end,
 *   and its peak (`VmHWM`).
 *
 * The figures are for comparing runs on the same machine; `/work/shared/bench-peers` compares the
 * proxy with Squid and e2guardian in one run.
 */

export interface ProxyBenchOptions {
  /** A proxy already listening on 127.0.0.1 (then `rss_mb` is measured only with `proxyPid`). */
  readonly proxyPort?: number;
  readonly proxyPid?: number;
  /** Measured seconds (after a 1 s warm-up). */
  readonly seconds: number;
  /** Client connections at once. */
  readonly connections: number;
  /** Listed domains given to the proxy it starts. Default 100,000. */
  readonly domains?: number;
  /** Distinct request host names. Default 2,000. */
  readonly hosts?: number;
  /** Worker processes of the proxy it starts. Default 1. */
  readonly workers?: number;
}

export interface ProxyBenchResult {
  readonly requests_per_sec: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly rss_mb: number;
  readonly peak_rss_mb: number;
  readonly requests: number;
  readonly errors: number;
  readonly blocked_share: number;
  readonly connections: number;
  readonly seconds: number;
  readonly workers: number;
  readonly domains: number;
}

const ORIGIN_SOURCE = `
const http = require('node:http');
const body = Buffer.from('ORIGIN-OK');
const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length, 'X-Bench-Origin': '1' });
  res.end(body);
});
server.maxHeadersCount = 0;
server.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/** A synthetic domain name, deterministic in `i`. */
function benchDomain(i: number): string {
  const random = createRandom(i * 7919 + 17);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let name = '';
  const length = 6 + random.int(10);
  for (let k = 0; k < length; k++) name += letters[random.int(26)] ?? 'a';
  return `${name}${i}.${random.pick(['com', 'net', 'org', 'co.uk', 'de', 'io'])}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a child and waits for a line matching `ready`; returns the child and the match. */
async function startChild(
  args: readonly string[],
  ready: RegExp,
  timeoutMs: number,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out waiting for ${ready}: ${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        child.stdout?.removeListener('data', onData);
        child.stdout?.resume();
        resolve({ child, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ready: ${output}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The process and its descendants (from /proc). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i] ?? 0) ?? []));
  return out;
}

/** Sum of a `/proc/PID/status` field (kB) over a process tree, in MB. */
function treeMemoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(
        readFileSync(`/proc/${p}/status`, 'utf8'),
      );
      kb += Number(m?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round((kb / 1024) * 10) / 10;
}

/** One keep-alive client connection of the load driver (closed loop). */
class LoadConnection {
  readonly socket: Socket;
  readonly requests: readonly Buffer[];
  next: number;
  sent = 0;
  buffer = '';
  started = 0;
  constructor(port: number, requests: readonly Buffer[], offset: number) {
    this.requests = requests;
    this.next = offset;
    this.socket = connect({ host: '127.0.0.1', port, noDelay: true });
  }
  send(): void {
    this.started = performance.now();
    const request = this.requests[this.next % this.requests.length];
    this.next++;
    if (request !== undefined) this.socket.write(request);
  }
  /** Returns the status when a whole response has arrived, else 0. */
  take(chunk: string): number {
    this.buffer += chunk;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return 0;
    const head = this.buffer.slice(0, end);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const length = Number(m?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return 0;
    this.buffer = this.buffer.slice(end + 4 + length);
    return Number(head.slice(9, 12));
  }
}

export async function runProxyBench(options: ProxyBenchOptions): Promise<ProxyBenchResult> {
  const domains = options.domains ?? 100_000;
  const hostCount = options.hosts ?? 2_000;
  const workers = options.workers ?? 1;
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'haven-proxy-bench-'));
  try {
    const origin = await startChild(['-e', ORIGIN_SOURCE], /PORT (\d+)/, 10_000);
    children.push(origin.child);
    const originPort = Number(origin.match[1]);

    let proxyPort = options.proxyPort;
    let proxyPid = options.proxyPid;
    const listed: string[] = [];
    for (let i = 0; i < domains; i++) listed.push(benchDomain(i));
    if (proxyPort === undefined) {
      const file = join(dir, 'domains');
      writeFileSync(file, `${listed.join('\n')}\n`);
      proxyPort = await freePort();
      const entry = fileURLToPath(new URL('./bench-entry.ts', import.meta.url));
      const proxy = await startChild(
        [
          ...process.execArgv,
          entry,
          '--port',
          String(proxyPort),
          '--blocklist',
          file,
          '--workers',
          String(workers),
          '--resolve-all',
          '127.0.0.1',
        ],
        workers > 1 ? /workers on/ : /listening on/,
        120_000,
      );
      children.push(proxy.child);
      proxyPid = proxy.child.pid;
    }

    // the request mix: 20 % listed names (half as a subdomain), 80 % names in no list
    const random = createRandom(42);
    const requests: Buffer[] = [];
    for (let i = 0; i < hostCount; i++) {
      let host: string;
      if (i % 5 === 0 && listed.length > 0) {
        const d = listed[random.int(listed.length)] ?? 'blocked.test';
        host = i % 10 === 0 ? `www.${d}` : d;
      } else {
        host = `site${i}-${random.int(1_000_000)}.example`;
      }
      const authority = `${host}:${originPort}`;
      requests.push(
        Buffer.from(
          `GET http://${authority}/bench/${i} HTTP/1.1\r\nHost: ${authority}\r\nUser-Agent: haven-bench/1\r\nAccept: */*\r\n\r\n`,
          'latin1',
        ),
      );
    }

    const samples = new Float64Array(Math.min(20_000_000, Math.max(1, options.seconds) * 400_000));
    let count = 0;
    let blocked = 0;
    let errors = 0;
    let measuring = false;
    let running = true;
    const clients: LoadConnection[] = [];
    await Promise.all(
      Array.from({ length: options.connections }, (_, i) => {
        const c = new LoadConnection(proxyPort, requests, i * 7919);
        clients.push(c);
        return new Promise<void>((resolve) => {
          c.socket.once('connect', () => resolve());
          c.socket.once('error', () => {
            errors++;
            resolve();
          });
        });
      }),
    );
    for (const c of clients) {
      c.socket.setEncoding('latin1');
      c.socket.on('data', (chunk: string) => {
        const status = c.take(chunk);
        if (status === 0) return;
        if (measuring) {
          if (count < samples.length) samples[count] = performance.now() - c.started;
          count++;
          if (status === 403) blocked++;
          else if (status !== 200) errors++;
        }
        if (running) c.send();
      });
      c.socket.on('error', () => {
        errors++;
      });
      c.send();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    measuring = true;
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
    measuring = false;
    const elapsed = (performance.now() - t0) / 1000;
    running = false;
    const rss = proxyPid === undefined ? 0 : treeMemoryMb(proxyPid, 'VmRSS');
    const peak = proxyPid === undefined ? 0 : treeMemoryMb(proxyPid, 'VmHWM');
    for (const c of clients) c.socket.destroy();

    const n = Math.min(count, samples.length);
    const sorted = samples.subarray(0, n).sort();
    const pct = (p: number): number =>
      n === 0
        ? 0
        : Math.round((sorted[Math.min(n - 1, Math.floor((p / 100) * n))] ?? 0) * 1000) / 1000;
    return {
      requests_per_sec: Math.round(count / elapsed),
      p50_ms: pct(50),
      p99_ms: pct(99),
      rss_mb: rss,
      peak_rss_mb: peak,
      requests: count,
      errors,
      blocked_share: count === 0 ? 0 : Math.round((blocked / count) * 1000) / 1000,
      connections: options.connections,
      seconds: Math.round(elapsed * 100) / 100,
      workers,
      domains: options.proxyPort === undefined ? domains : 0,
    };
  } finally {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}
