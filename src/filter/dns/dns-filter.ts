import dgram from 'node:dgram';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { ActivitySink, Identifier, SnapshotSource } from '../filter-context.ts';
import { DEFAULT_SAFE_SEARCH, type SafeSearchSettings } from '../safe-search.ts';
import { blockRecords } from './dns-answers.ts';
import { DnsCache, type DnsCacheSettings, type DnsCacheStats } from './dns-cache.ts';
import {
  DEFAULT_CANARIES,
  newExchange,
  newStageStats,
  resolveExchange,
  type DnsContext,
  type DnsStageStats,
} from './dns-stages.ts';
import { ipv4Bytes, parseQuery } from './dns-wire.ts';
import { pointsAtItself } from './resolv-conf.ts';
import type { ReusePortListenOptions, ReusePortSocketOptions } from './reuse-port.ts';
import {
  UpstreamResolver,
  type UpstreamAddress,
  type UpstreamSettings,
  type UpstreamStats,
} from './upstream.ts';

/**
 * The DNS filter (ENF-2): a resolver for school devices over UDP and TCP that answers blocked
 * names itself, rewrites search engines to their safe versions, and forwards the rest to the
 * upstream resolvers through a cache. The stages each query goes through are in dns-stages.ts;
 * this file holds the sockets.
 *
 * - UDP: one datagram, one query; unreadable datagrams are dropped and counted.
 * - TCP (RFC 7766): 2-byte length-prefixed messages, several (pipelined) per connection, answered
 *   as they are ready; an unreadable or cut-off message closes the connection and is counted;
 *   a connection with no query in flight is closed after `tcpIdleMs`.
 * - EDNS(0): see dns-answers.ts.
 */

export interface DnsFilterTimeouts {
  /** Milliseconds to wait for one upstream's UDP answer before trying the next. Default 1,500. */
  readonly upstreamMs?: number;
  /** Milliseconds for a TCP retry to an upstream after a truncated answer. Default 3,000. */
  readonly upstreamTcpMs?: number;
  /** Milliseconds an upstream that failed is tried after the others. Default 10,000. */
  readonly upstreamRetryAfterMs?: number;
  /** Milliseconds a client TCP connection may sit idle. Default 10,000. */
  readonly tcpIdleMs?: number;
}

export interface DnsFilterDeps {
  readonly identifier: Identifier;
  readonly snapshots: SnapshotSource;
  readonly events: ActivitySink;
  readonly clock: () => Date;
  readonly upstreams: readonly UpstreamAddress[];
  /** NXDOMAIN (with SOA), or the block page's IPv4 address for A queries (NODATA otherwise). */
  readonly blockAnswer: 'nxdomain' | { readonly address: string };
  readonly cache?: Partial<DnsCacheSettings>;
  readonly timeouts?: DnsFilterTimeouts;
  /** Who gets safe search (default: everyone but staff; staff get YouTube moderate). */
  readonly safeSearch?: SafeSearchSettings;
  /** Names answered NXDOMAIN for everyone (default: Firefox DoH and iCloud Private Relay canaries). */
  readonly canaries?: readonly string[];
  /** TTL of block answers and their negative caching, in seconds. Default 60. */
  readonly blockTtl?: number;
  /** Largest UDP answer to an EDNS client, and the size advertised. Default 1,232. */
  readonly maxUdpPayload?: number;
  /** Open TCP connections at most. Default 1,000. */
  readonly maxTcpConnections?: number;
  /** Queries in flight per TCP connection before reading pauses. Default 100. */
  readonly maxTcpPipeline?: number;
  /** Distinct questions waiting for upstream at most; beyond, SERVFAIL. Default 10,000. */
  readonly maxUpstreamInFlight?: number;
  /** Upstream connected UDP sockets per upstream. Default 2. */
  readonly upstreamSockets?: number;
  readonly newEventId?: () => string;
  /**
   * Bind with SO_REUSEPORT (each process of a cluster its own sockets, spread by the kernel).
   * Only where `reusePortSupported()` says so; otherwise cluster workers share one socket.
   */
  readonly reusePort?: boolean;
}

export interface DnsFilterStats {
  readonly queries: { readonly udp: number; readonly tcp: number };
  /** Unreadable datagrams dropped (udp), and TCP connections closed on an unreadable or cut-off message (tcp). */
  readonly malformed: { readonly udp: number; readonly tcp: number };
  readonly answers: DnsStageStats;
  readonly cache: DnsCacheStats & { readonly inFlight: number };
  readonly upstream: UpstreamStats;
  readonly tcp: {
    readonly open: number;
    readonly accepted: number;
    readonly idleClosed: number;
    /** Connections refused because `maxTcpConnections` were open. */
    readonly refused: number;
    readonly acceptErrors: number;
  };
  /** UDP sends that failed (the client's problem, e.g. an unreachable port). */
  readonly sendErrors: number;
}

export interface DnsFilter {
  /** Listens on UDP and TCP on `port` (0: an ephemeral port, the same for both) and `host`. */
  listen(port: number, host?: string): Promise<{ udpPort: number; tcpPort: number }>;
  close(): Promise<void>;
  stats(): DnsFilterStats;
}

export class DnsFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsFilterError';
  }
}

const MAX_TCP_MESSAGE = 65_535;
const HEADER = 12;

/** `::ffff:10.0.0.1` → `10.0.0.1`: identities are keyed by plain IPv4 addresses. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function createDnsFilter(deps: DnsFilterDeps): DnsFilter {
  const timeouts = deps.timeouts ?? {};
  let blockAddress: Buffer | null = null;
  if (deps.blockAnswer !== 'nxdomain') {
    blockAddress = ipv4Bytes(deps.blockAnswer.address);
    if (blockAddress === null) {
      throw new DnsFilterError(
        `block page address "${deps.blockAnswer.address}" is not an IPv4 address`,
      );
    }
  }
  const maxUdpPayload = Math.max(512, Math.min(deps.maxUdpPayload ?? 1232, 65_535));
  const upstreamSettings: Partial<UpstreamSettings> = {
    ...(timeouts.upstreamMs === undefined ? {} : { timeoutMs: timeouts.upstreamMs }),
    ...(timeouts.upstreamTcpMs === undefined ? {} : { tcpTimeoutMs: timeouts.upstreamTcpMs }),
    ...(timeouts.upstreamRetryAfterMs === undefined
      ? {}
      : { retryAfterMs: timeouts.upstreamRetryAfterMs }),
    ...(deps.upstreamSockets === undefined ? {} : { socketsPerUpstream: deps.upstreamSockets }),
  };
  const upstream = new UpstreamResolver(deps.upstreams, upstreamSettings, () =>
    deps.clock().getTime(),
  );
  const ctx: DnsContext = {
    identifier: deps.identifier,
    snapshots: deps.snapshots,
    events: deps.events,
    clock: deps.clock,
    newEventId: deps.newEventId ?? randomUUID,
    answers: { maxUdpPayload },
    block: blockRecords(deps.blockTtl ?? 60, blockAddress),
    blockMode: deps.blockAnswer === 'nxdomain' ? 'nxdomain' : 'block-page',
    safeSearch: deps.safeSearch ?? DEFAULT_SAFE_SEARCH,
    canaries: new Set((deps.canaries ?? DEFAULT_CANARIES).map((n) => n.toLowerCase())),
    cache: new DnsCache(deps.cache ?? {}),
    upstream,
    inflight: new Map(),
    maxInFlight: deps.maxUpstreamInFlight ?? 10_000,
    stats: newStageStats(),
  };
  const tcpIdleMs = timeouts.tcpIdleMs ?? 10_000;
  const maxPipeline = deps.maxTcpPipeline ?? 100;
  const counters = {
    udp: 0,
    tcp: 0,
    malformedUdp: 0,
    malformedTcp: 0,
    sendErrors: 0,
    accepted: 0,
    idleClosed: 0,
    refused: 0,
    acceptErrors: 0,
  };
  const connections = new Set<net.Socket>();
  let udpSocket: dgram.Socket | null = null;
  let tcpServer: net.Server | null = null;
  let closed = false;

  function onDatagram(socket: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo): void {
    counters.udp++;
    const query = parseQuery(msg);
    if (query === null) {
      counters.malformedUdp++;
      return;
    }
    const x = newExchange(msg, query, 'udp', plainAddress(rinfo.address), deps.clock());
    resolveExchange(ctx, x)
      .then((answer) => {
        // no callback: a failed send is reported through the socket's 'error' event (counted)
        if (!closed) socket.send(answer, rinfo.port, rinfo.address);
      })
      .catch(() => {
        counters.sendErrors++;
      });
  }

  function onConnection(socket: net.Socket): void {
    if (closed) {
      socket.destroy();
      return;
    }
    counters.accepted++;
    connections.add(socket);
    const clientIp = plainAddress(socket.remoteAddress ?? '');
    let buffered: Buffer = Buffer.alloc(0);
    let inFlight = 0;
    let paused = false;
    let broken = false;
    socket.setNoDelay(true);
    socket.setTimeout(tcpIdleMs, () => {
      if (inFlight > 0) return; // still answering: not idle
      counters.idleClosed++;
      socket.destroy();
    });
    const fail = () => {
      if (broken) return;
      broken = true;
      counters.malformedTcp++;
      socket.destroy();
    };
    const resumeIfRoom = () => {
      if (paused && inFlight < maxPipeline && socket.writableLength < 1 << 20) {
        paused = false;
        socket.resume();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && !broken) {
        const length = buffered.readUInt16BE(0);
        if (length < HEADER) return fail();
        if (buffered.length < length + 2) break;
        const message = buffered.subarray(2, length + 2);
        buffered = buffered.subarray(length + 2);
        counters.tcp++;
        const query = parseQuery(message);
        if (query === null) return fail();
        inFlight++;
        const x = newExchange(message, query, 'tcp', clientIp, deps.clock());
        resolveExchange(ctx, x)
          .then((answer) => {
            inFlight--;
            if (socket.destroyed) return;
            const frame = Buffer.allocUnsafe(Math.min(answer.length, MAX_TCP_MESSAGE) + 2);
            frame.writeUInt16BE(frame.length - 2, 0);
            answer.copy(frame, 2, 0, frame.length - 2);
            socket.write(frame);
            if (inFlight === 0 && socket.readableEnded) socket.end();
            else resumeIfRoom();
          })
          .catch(() => {
            counters.sendErrors++;
            socket.destroy();
          });
        if (inFlight >= maxPipeline || socket.writableLength >= 1 << 20) {
          paused = true;
          socket.pause();
        }
      }
    });
    socket.on('drain', resumeIfRoom);
    socket.on('end', () => {
      // the client closed its side: a message cut short is malformed; answers still go out
      if (buffered.length > 0 && !broken) fail();
      else if (inFlight === 0) socket.end();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
  }

  function bindUdp(port: number, host: string): Promise<dgram.Socket> {
    return new Promise((resolve, reject) => {
      const reusePort = deps.reusePort === true;
      const options: ReusePortSocketOptions = {
        type: net.isIPv6(host) ? 'udp6' : 'udp4',
        ...(reusePort ? { reusePort } : {}),
      };
      const socket = dgram.createSocket(options);
      const onError = (error: Error) => {
        socket.close();
        reject(error);
      };
      socket.once('error', onError);
      socket.bind({ port, address: host, exclusive: reusePort }, () => {
        socket.off('error', onError);
        socket.on('error', () => {
          counters.sendErrors++;
        });
        try {
          socket.setRecvBufferSize(4 << 20);
          socket.setSendBufferSize(4 << 20);
        } catch {
          // the kernel's limits apply
        }
        socket.on('message', (msg, rinfo) => onDatagram(socket, msg, rinfo));
        resolve(socket);
      });
    });
  }

  function listenTcp(port: number, host: string): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer({ noDelay: true, allowHalfOpen: true }, onConnection);
      server.maxConnections = deps.maxTcpConnections ?? 1000;
      server.on('drop', () => {
        counters.refused++;
      });
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      const reusePort = deps.reusePort === true;
      const options: ReusePortListenOptions = {
        port,
        host,
        ...(reusePort ? { reusePort, exclusive: true } : {}),
      };
      server.listen(options, () => {
        server.off('error', onError);
        // later errors (e.g. out of file descriptors on accept) are counted, never thrown
        server.on('error', () => {
          counters.acceptErrors++;
        });
        resolve(server);
      });
    });
  }

  async function listen(
    port: number,
    host = '127.0.0.1',
  ): Promise<{ udpPort: number; tcpPort: number }> {
    if (udpSocket !== null) throw new DnsFilterError('the DNS filter is already listening');
    for (let attempt = 0; ; attempt++) {
      const udp = await bindUdp(port, host);
      const udpPort = udp.address().port;
      const loop = deps.upstreams.find((u) => pointsAtItself(u, host, udpPort));
      if (loop !== undefined) {
        udp.close();
        throw new DnsFilterError(
          `upstream ${loop.host}:${loop.port} is this filter itself (${host}:${udpPort}): set filter.dnsUpstreams to the school's or ISP's resolvers`,
        );
      }
      try {
        const tcp = await listenTcp(udpPort, host);
        udpSocket = udp;
        tcpServer = tcp;
        const address = tcp.address();
        const tcpPort = typeof address === 'object' && address !== null ? address.port : udpPort;
        return { udpPort, tcpPort };
      } catch (error) {
        udp.close();
        // an ephemeral UDP port whose TCP twin is taken: pick another
        const code = (error as NodeJS.ErrnoException).code;
        if (port !== 0 || code !== 'EADDRINUSE' || attempt >= 20) throw error;
      }
    }
  }

  async function close(): Promise<void> {
    closed = true;
    const waits: Promise<void>[] = [];
    const udp = udpSocket;
    if (udp !== null) waits.push(new Promise((resolve) => udp.close(() => resolve())));
    const tcp = tcpServer;
    if (tcp !== null) waits.push(new Promise((resolve) => tcp.close(() => resolve())));
    for (const socket of connections) socket.destroy();
    upstream.close();
    udpSocket = null;
    tcpServer = null;
    await Promise.all(waits);
  }

  function stats(): DnsFilterStats {
    return {
      queries: { udp: counters.udp, tcp: counters.tcp },
      malformed: { udp: counters.malformedUdp, tcp: counters.malformedTcp },
      answers: { ...ctx.stats },
      cache: { ...ctx.cache.stats(), inFlight: ctx.inflight.size },
      upstream: upstream.stats(),
      tcp: {
        open: connections.size,
        accepted: counters.accepted,
        idleClosed: counters.idleClosed,
        refused: counters.refused,
        acceptErrors: counters.acceptErrors,
      },
      sendErrors: counters.sendErrors,
    };
  }

  return { listen, close, stats };
}
