import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { loadBlocklistSnapshot } from '../blocklist-snapshot.ts';
import type { ActivityEvent, ClientIdentity } from '../filter-context.ts';
import { createLeafKey, issueLeafCertificate, LeafCertificates } from '../tls/leaf-certs.ts';
import { NoInspectionList } from '../tls/no-inspection.ts';
import { createSchoolCa } from '../tls/school-ca.ts';
import { createProxyServer, type ProxyServer } from './proxy-server.ts';

/**
 * `runInspectionBench()` (for `haven bench proxy --inspect`): an HTTPS origin with its own test CA
 * and the proxy with inspection, in this process, on 127.0.0.1. It measures
 *
 *   - handshakes per second through the proxy (CONNECT, TLS with a leaf certificate, one small
 *     GET), with the leaf cache (hosts repeat) and without it (a new host every time);
 *   - the added latency of inspection for a small page: p50 / p99 of sequential keep-alive GETs
 *     over an inspected connection and over a plain tunnel;
 *   - throughput of a large download inspected and through a plain tunnel.
 *
 * Client, proxy and origin share one process (and so one core): the figures compare the two
 * paths with each other rather than give the proxy's ceiling.
 */

export interface InspectionBenchOptions {
  /** Handshakes measured for each of the two cache cases. Default 200. */
  readonly handshakes?: number;
  /** Small-page requests measured on each path. Default 1,000. */
  readonly requests?: number;
  /** Size of the large download in MB. Default 64. */
  readonly downloadMb?: number;
  /**
   * Another inspecting proxy measured with the same client load in the same run (e.g. Squid
   * with ssl-bump, `bench/squid-bump-peer.ts`): started with the origin's CA and every host
   * name the bench uses (all 127.0.0.1), stopped at the end.
   */
  readonly peer?: (setup: {
    readonly originCaPem: string;
    readonly hosts: readonly string[];
  }) => Promise<InspectionPeer>;
}

export interface InspectionPeer {
  readonly name: string;
  readonly version?: string;
  readonly port: number;
  /** The CA its bumped certificates chain to (the client trusts it). */
  readonly caPem: string;
  stop(): Promise<void>;
}

/** The peer's figures, measured as Haven's inspected ones. */
export interface InspectionPeerResult {
  readonly name: string;
  readonly version: string | null;
  readonly handshakes_per_sec_cached: number;
  readonly handshakes_per_sec_uncached: number;
  readonly small_p50_ms: number;
  readonly small_p99_ms: number;
  readonly download_mb_per_sec: number;
}

export interface InspectionBenchResult {
  readonly handshakes_per_sec_cached: number;
  readonly handshakes_per_sec_uncached: number;
  readonly small_p50_ms_inspected: number;
  readonly small_p99_ms_inspected: number;
  readonly small_p50_ms_tunnel: number;
  readonly small_p99_ms_tunnel: number;
  /** p99 inspected minus p99 tunnelled. */
  readonly added_p99_ms: number;
  readonly download_mb_per_sec_inspected: number;
  readonly download_mb_per_sec_tunnel: number;
  readonly leaf_certificates_issued: number;
  /** The peer's figures (`options.peer`), or null. */
  readonly peer: InspectionPeerResult | null;
}

const SCHOOL = 'bench-school';
const MANAGED: ClientIdentity = {
  schoolId: SCHOOL,
  userId: null,
  username: null,
  groups: ['ks2'],
  deviceClass: 'school-single-user',
  via: 'address-range',
};
const UNMANAGED: ClientIdentity = { ...MANAGED, deviceClass: null };
const PLAIN_AUTH = `Basic ${Buffer.from('plain:tunnel').toString('base64')}`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? 0;
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Opens a CONNECT tunnel through the proxy and a TLS connection inside it. */
function openTls(
  proxyPort: number,
  host: string,
  port: number,
  ca: string,
  plain: boolean,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const raw = netConnect({ host: '127.0.0.1', port: proxyPort, noDelay: true });
    raw.once('error', reject);
    raw.once('connect', () => {
      raw.write(
        `CONNECT ${host}:${port} HTTP/1.1\r\nHost: ${host}:${port}\r\n` +
          (plain ? `Proxy-Authorization: ${PLAIN_AUTH}\r\n` : '') +
          '\r\n',
      );
    });
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      raw.removeListener('data', onData);
      if (!head.startsWith('HTTP/1.1 200')) {
        raw.destroy();
        reject(new Error(`CONNECT refused: ${head.split('\r\n')[0] ?? ''}`));
        return;
      }
      const tls = tlsConnect({ socket: raw, servername: host, ca, ALPNProtocols: ['http/1.1'] });
      tls.once('secureConnect', () => resolve(tls));
      tls.once('error', reject);
    };
    raw.on('data', onData);
  });
}

/** One GET on a kept-alive TLS connection (`host` with its port, as the Host header must be); resolves with the body length when it has all arrived. */
function get(tls: TLSSocket, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    let bodyLength = -1;
    let received = 0;
    const onData = (chunk: Buffer): void => {
      if (bodyLength < 0) {
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (length?.[1] === undefined) {
          cleanup();
          reject(new Error('the bench origin always sends Content-Length'));
          return;
        }
        bodyLength = Number(length[1]);
        received = buffered.length - end - 4;
        buffered = Buffer.alloc(0);
      } else {
        received += chunk.length;
      }
      if (received >= bodyLength) {
        cleanup();
        resolve(bodyLength);
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      tls.removeListener('data', onData);
      tls.removeListener('error', onError);
    };
    tls.on('data', onData);
    tls.once('error', onError);
    tls.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  });
}

export async function runInspectionBench(
  options: InspectionBenchOptions = {},
): Promise<InspectionBenchResult> {
  const handshakes = options.handshakes ?? 200;
  const requests = options.requests ?? 1000;
  const downloadBytes = (options.downloadMb ?? 64) * 1024 * 1024;
  const dir = mkdtempSync(join(tmpdir(), 'haven-inspection-bench-'));
  let origin: HttpsServer | null = null;
  let proxy: ProxyServer | null = null;
  let peer: InspectionPeer | null = null;
  try {
    // the origin: its own CA and a wildcard certificate for *.bench.test
    const now = new Date();
    const originCa = await createSchoolCa({ schoolName: 'Bench origin', now });
    const originKey = await createLeafKey();
    const originCert = await issueLeafCertificate(originCa, originKey, '*.bench.test', now);
    const small = Buffer.from('<!doctype html><title>small</title><p>A small page.</p>');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    origin = createHttpsServer(
      { key: originKey.keyPem, cert: originCert.toString('pem'), keepAliveTimeout: 60_000 },
      (req, res) => {
        if (req.url === '/large') {
          res.writeHead(200, {
            'content-type': 'application/octet-stream',
            'content-length': downloadBytes,
          });
          let sent = 0;
          const pump = (): void => {
            while (sent < downloadBytes) {
              const piece = chunk.subarray(0, Math.min(chunk.length, downloadBytes - sent));
              sent += piece.length;
              if (!res.write(piece)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          pump();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': small.length });
        res.end(small);
      },
    );
    await new Promise<void>((resolve) => origin?.listen(0, '127.0.0.1', resolve));
    const originPort = (origin.address() as AddressInfo).port;

    // the proxy, inspecting managed devices, with an empty block list
    const list = join(dir, 'domains');
    writeFileSync(list, 'listed.example\n');
    const { snapshot } = await loadBlocklistSnapshot(list, { schoolId: SCHOOL });
    const schoolCa = await createSchoolCa({ schoolName: 'Bench school', now });
    const leafCerts = await LeafCertificates.create(schoolCa, { cacheSize: 100 });
    const managed = Promise.resolve({ ok: true as const, identity: MANAGED });
    const unmanaged = Promise.resolve({ ok: true as const, identity: UNMANAGED });
    proxy = createProxyServer({
      identifier: {
        identify: (request) => (request.proxyAuthorization === PLAIN_AUTH ? unmanaged : managed),
      },
      snapshots: { current: (id) => (id === SCHOOL ? snapshot : undefined) },
      events: { emit: (_event: ActivityEvent) => undefined },
      clock: () => new Date(),
      blockPage: { publicUrl: 'http://127.0.0.1:8080' },
      limits: { connectPorts: null },
      upstream: { lookup: () => Promise.resolve({ address: '127.0.0.1', family: 4 }) },
      inspection: {
        deviceClasses: ['school-single-user'],
        noInspection: new NoInspectionList([], { defaults: false }),
        leafCerts,
        extraRoots: [originCa.certPem],
      },
    });
    const proxyPort = await proxy.listen(0);
    const schoolPem = schoolCa.certPem;
    const originPem = originCa.certPem;

    // handshakes per second, with the cache (20 hosts repeating) and without (a new host each)
    const handshakeRun = async (
      hostOf: (i: number) => string,
      port = proxyPort,
      ca = schoolPem,
    ): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < handshakes; i++) {
        const host = hostOf(i);
        const tls = await openTls(port, host, originPort, ca, false);
        await get(tls, `${host}:${originPort}`, '/small');
        tls.destroy();
      }
      return handshakes / ((performance.now() - started) / 1000);
    };
    await handshakeRun((i) => `h${i % 20}.bench.test`);
    const cached = await handshakeRun((i) => `h${i % 20}.bench.test`);
    const uncached = await handshakeRun((i) => `u${i}.bench.test`);

    // added latency for a small page: sequential keep-alive requests on each path
    const latencies = async (
      plain: boolean,
      port = proxyPort,
      ca = plain ? originPem : schoolPem,
    ): Promise<number[]> => {
      const host = 'page.bench.test';
      const tls = await openTls(port, host, originPort, ca, plain);
      for (let i = 0; i < 50; i++) await get(tls, `${host}:${originPort}`, '/small');
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const started = performance.now();
        await get(tls, `${host}:${originPort}`, '/small');
        times.push(performance.now() - started);
      }
      tls.destroy();
      return times.sort((a, b) => a - b);
    };
    const inspected = await latencies(false);
    const tunnel = await latencies(true);

    // throughput of a large download on each path
    const download = async (
      plain: boolean,
      port = proxyPort,
      ca = plain ? originPem : schoolPem,
    ): Promise<number> => {
      const host = 'large.bench.test';
      const tls = await openTls(port, host, originPort, ca, plain);
      const started = performance.now();
      const bytes = await get(tls, `${host}:${originPort}`, '/large');
      const seconds = (performance.now() - started) / 1000;
      tls.destroy();
      return bytes / 1024 / 1024 / seconds;
    };
    const downloadInspected = await download(false);
    const downloadTunnel = await download(true);

    // the peer, with the same load (after Haven's runs: one proxy at a time)
    let peerResult: InspectionPeerResult | null = null;
    if (options.peer) {
      const hosts = [
        ...Array.from({ length: 20 }, (_, i) => `h${i}.bench.test`),
        ...Array.from({ length: handshakes }, (_, i) => `u${i}.bench.test`),
        'page.bench.test',
        'large.bench.test',
      ];
      peer = await options.peer({ originCaPem: originPem, hosts });
      const p = peer;
      await handshakeRun((i) => `h${i % 20}.bench.test`, p.port, p.caPem);
      const peerCached = await handshakeRun((i) => `h${i % 20}.bench.test`, p.port, p.caPem);
      const peerUncached = await handshakeRun((i) => `u${i}.bench.test`, p.port, p.caPem);
      const peerSmall = await latencies(false, p.port, p.caPem);
      const peerDownload = await download(false, p.port, p.caPem);
      peerResult = {
        name: p.name,
        version: p.version ?? null,
        handshakes_per_sec_cached: round(peerCached, 0),
        handshakes_per_sec_uncached: round(peerUncached, 0),
        small_p50_ms: round(percentile(peerSmall, 0.5), 3),
        small_p99_ms: round(percentile(peerSmall, 0.99), 3),
        download_mb_per_sec: round(peerDownload, 1),
      };
    }

    return {
      handshakes_per_sec_cached: round(cached, 0),
      handshakes_per_sec_uncached: round(uncached, 0),
      small_p50_ms_inspected: round(percentile(inspected, 0.5), 3),
      small_p99_ms_inspected: round(percentile(inspected, 0.99), 3),
      small_p50_ms_tunnel: round(percentile(tunnel, 0.5), 3),
      small_p99_ms_tunnel: round(percentile(tunnel, 0.99), 3),
      added_p99_ms: round(percentile(inspected, 0.99) - percentile(tunnel, 0.99), 3),
      download_mb_per_sec_inspected: round(downloadInspected, 1),
      download_mb_per_sec_tunnel: round(downloadTunnel, 1),
      leaf_certificates_issued: leafCerts.stats().issued,
      peer: peerResult,
    };
  } finally {
    await peer?.stop();
    await proxy?.close();
    const server = origin;
    if (server !== null) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
