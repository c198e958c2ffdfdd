import dgram from 'node:dgram';
import { getRandomValues } from 'node:crypto';
import net from 'node:net';
import { DnsType, Flag, HEADER_LENGTH, Rcode } from './dns-wire.ts';

/**
 * Forwarding to the upstream resolvers: UDP first (from a few connected sockets per upstream, so
 * the kernel drops answers from anyone else and reports a closed port at once), TCP when the
 * UDP answer is truncated, a timeout per attempt, and failover in the configured order. An
 * upstream that timed out or refused is tried last for `retryAfterMs`.
 *
 * Every query gets a random id; an answer is taken only when its id and question match.
 */

export interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
}

export interface UpstreamSettings {
  /** Milliseconds to wait for a UDP answer from one upstream. Default 1,500. */
  readonly timeoutMs: number;
  /** Milliseconds for a TCP retry (connect + answer). Default 3,000. */
  readonly tcpTimeoutMs: number;
  /** Milliseconds an upstream that failed is tried after the others. Default 10,000. */
  readonly retryAfterMs: number;
  /** Connected UDP sockets per upstream (more source ports, more ids). Default 2. */
  readonly socketsPerUpstream: number;
  /** EDNS UDP size we advertise upstream. Default 1,232. */
  readonly udpPayload: number;
}

export const DEFAULT_UPSTREAM_SETTINGS: UpstreamSettings = Object.freeze({
  timeoutMs: 1_500,
  tcpTimeoutMs: 3_000,
  retryAfterMs: 10_000,
  socketsPerUpstream: 2,
  udpPayload: 1_232,
});

export interface UpstreamStats {
  /** Questions asked (one per cache miss). */
  queries: number;
  udpSent: number;
  tcpSent: number;
  /** UDP answers with TC set, asked again over TCP. */
  truncated: number;
  timeouts: number;
  /** Closed ports (ICMP unreachable), connection errors. */
  errors: number;
  /** Attempts that moved on to the next upstream. */
  failovers: number;
  /** Questions no upstream answered (the client gets SERVFAIL). */
  unanswered: number;
  /** Datagrams whose id or question matched nothing we asked. */
  unmatched: number;
}

export class UpstreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamError';
  }
}

interface Pending {
  readonly question: Buffer;
  readonly resolve: (answer: Buffer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const ID_POOL_SIZE = 4096;

/** Random 16-bit ids, drawn from the system generator in batches. */
class IdSource {
  readonly #pool = new Uint16Array(ID_POOL_SIZE);
  #next = ID_POOL_SIZE;
  take(): number {
    if (this.#next >= ID_POOL_SIZE) {
      getRandomValues(this.#pool);
      this.#next = 0;
    }
    return this.#pool[this.#next++] ?? 0;
  }
}

function sameQuestion(answer: Buffer, question: Buffer): boolean {
  const end = HEADER_LENGTH + question.length;
  if (answer.length < end) return false;
  for (let i = 0; i < question.length; i++) {
    let a = answer[HEADER_LENGTH + i] ?? 0;
    const b = question[i] ?? 0;
    if (a !== b) {
      if (a >= 65 && a <= 90) a += 32;
      if (a !== b) return false;
    }
  }
  return true;
}

/** A query message: header (RD), the question, and an OPT record with our UDP size. */
export function queryMessage(id: number, question: Buffer, udpPayload: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + question.length + 11);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(Flag.RD, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(0, 6);
  out.writeUInt16BE(0, 8);
  out.writeUInt16BE(1, 10);
  question.copy(out, HEADER_LENGTH);
  const at = HEADER_LENGTH + question.length;
  out[at] = 0;
  out.writeUInt16BE(DnsType.OPT, at + 1);
  out.writeUInt16BE(udpPayload, at + 3);
  out.writeUInt32BE(0, at + 5);
  out.writeUInt16BE(0, at + 9);
  return out;
}

class UdpChannel {
  readonly #socket: dgram.Socket;
  readonly #pending = new Map<number, Pending>();
  readonly #ready: Promise<void>;
  readonly #stats: UpstreamStats;

  constructor(address: UpstreamAddress, stats: UpstreamStats) {
    this.#stats = stats;
    this.#socket = dgram.createSocket(net.isIPv6(address.host) ? 'udp6' : 'udp4');
    this.#socket.on('message', (msg) => this.#onMessage(msg));
    this.#socket.on('error', (error) => this.#failAll(error));
    this.#ready = new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(new UpstreamError(`connect: ${error.message}`));
      this.#socket.once('error', onError);
      this.#socket.connect(address.port, address.host, () => {
        this.#socket.off('error', onError);
        resolve();
      });
    });
    this.#ready.catch(() => undefined);
    this.#socket.unref();
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  async ask(
    ids: IdSource,
    question: Buffer,
    udpPayload: number,
    timeoutMs: number,
  ): Promise<Buffer> {
    await this.#ready;
    let id = ids.take();
    for (let tries = 0; this.#pending.has(id) && tries < 16; tries++) id = ids.take();
    if (this.#pending.has(id)) throw new UpstreamError('no free query id');
    const message = queryMessage(id, question, udpPayload);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#stats.timeouts++;
        reject(new UpstreamError('timeout'));
      }, timeoutMs);
      this.#pending.set(id, { question, resolve, reject, timer });
      this.#stats.udpSent++;
      this.#socket.send(message, (error) => {
        if (error === null || error === undefined) return;
        const pending = this.#pending.get(id);
        if (pending === undefined) return;
        this.#pending.delete(id);
        clearTimeout(pending.timer);
        this.#stats.errors++;
        reject(new UpstreamError(`send: ${error.message}`));
      });
    });
  }

  #onMessage(msg: Buffer): void {
    if (msg.length < HEADER_LENGTH) {
      this.#stats.unmatched++;
      return;
    }
    const id = msg.readUInt16BE(0);
    const pending = this.#pending.get(id);
    if (pending === undefined || (msg[2] ?? 0) < 0x80 || !sameQuestion(msg, pending.question)) {
      this.#stats.unmatched++;
      return;
    }
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(msg);
  }

  /** A closed port (ECONNREFUSED) or other socket error: every question on it fails now. */
  #failAll(error: Error): void {
    if (this.#pending.size === 0) return;
    this.#stats.errors++;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new UpstreamError(error.message));
    }
    this.#pending.clear();
  }

  close(): void {
    this.#failAll(new UpstreamError('closed'));
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
  }
}

/** One question over a new TCP connection (RFC 7766 framing). */
export function tcpExchange(
  address: UpstreamAddress,
  message: Buffer,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port });
    let done = false;
    let received: Buffer = Buffer.alloc(0);
    const finish = (error: Error | null, answer?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (error !== null) reject(error);
      else if (answer !== undefined) resolve(answer);
    };
    const timer = setTimeout(() => finish(new UpstreamError('tcp timeout')), timeoutMs);
    socket.setNoDelay(true);
    socket.on('connect', () => {
      const frame = Buffer.allocUnsafe(message.length + 2);
      frame.writeUInt16BE(message.length, 0);
      message.copy(frame, 2);
      socket.write(frame);
    });
    socket.on('data', (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length < length + 2) return;
      finish(null, received.subarray(2, length + 2));
    });
    socket.on('error', (error) => finish(new UpstreamError(`tcp: ${error.message}`)));
    socket.on('close', () => finish(new UpstreamError('tcp: closed before an answer')));
  });
}

class UpstreamLink {
  readonly address: UpstreamAddress;
  readonly #channels: UdpChannel[] = [];
  readonly #count: number;
  readonly #stats: UpstreamStats;
  #next = 0;
  /** When it last failed (ms); -Infinity when healthy. */
  failedAt = Number.NEGATIVE_INFINITY;

  constructor(address: UpstreamAddress, sockets: number, stats: UpstreamStats) {
    this.address = address;
    this.#count = Math.max(1, sockets);
    this.#stats = stats;
  }

  channel(): UdpChannel {
    if (this.#channels.length < this.#count) {
      const channel = new UdpChannel(this.address, this.#stats);
      this.#channels.push(channel);
      return channel;
    }
    const channel = this.#channels[this.#next % this.#channels.length];
    this.#next++;
    if (channel === undefined) throw new UpstreamError('no channel');
    return channel;
  }

  get inFlight(): number {
    let n = 0;
    for (const c of this.#channels) n += c.inFlight;
    return n;
  }

  close(): void {
    for (const c of this.#channels) c.close();
    this.#channels.length = 0;
  }
}

export class UpstreamResolver {
  readonly settings: UpstreamSettings;
  readonly #links: UpstreamLink[];
  readonly #ids = new IdSource();
  readonly #now: () => number;
  readonly #stats: UpstreamStats = {
    queries: 0,
    udpSent: 0,
    tcpSent: 0,
    truncated: 0,
    timeouts: 0,
    errors: 0,
    failovers: 0,
    unanswered: 0,
    unmatched: 0,
  };

  constructor(
    upstreams: readonly UpstreamAddress[],
    settings: Partial<UpstreamSettings> = {},
    now: () => number = Date.now,
  ) {
    if (upstreams.length === 0) throw new UpstreamError('no upstream resolvers configured');
    this.settings = { ...DEFAULT_UPSTREAM_SETTINGS, ...settings };
    this.#links = upstreams.map(
      (u) => new UpstreamLink(u, this.settings.socketsPerUpstream, this.#stats),
    );
    this.#now = now;
  }

  get upstreams(): readonly UpstreamAddress[] {
    return this.#links.map((l) => l.address);
  }

  /** Upstreams in the order to try: healthy ones as configured, then recently failed ones. */
  #order(): UpstreamLink[] {
    const now = this.#now();
    const retryAfter = this.settings.retryAfterMs;
    const healthy: UpstreamLink[] = [];
    const failed: UpstreamLink[] = [];
    for (const link of this.#links)
      (now - link.failedAt < retryAfter ? failed : healthy).push(link);
    if (failed.length > 1) failed.sort((a, b) => a.failedAt - b.failedAt);
    return failed.length === 0 ? healthy : healthy.concat(failed);
  }

  /**
   * Asks the question (wire format: name, type, class) and returns the first usable answer.
   * SERVFAIL and REFUSED move on to the next upstream, and are returned when none does better.
   * Throws `UpstreamError` when no upstream answered at all.
   */
  async query(question: Buffer): Promise<Buffer> {
    this.#stats.queries++;
    const order = this.#order();
    let fallback: Buffer | null = null;
    const s = this.settings;
    for (let i = 0; i < order.length; i++) {
      const link = order[i];
      if (link === undefined) continue;
      try {
        let answer = await link.channel().ask(this.#ids, question, s.udpPayload, s.timeoutMs);
        if (((answer[2] ?? 0) & 0x02) !== 0) {
          this.#stats.truncated++;
          this.#stats.tcpSent++;
          const id = this.#ids.take();
          answer = await tcpExchange(
            link.address,
            queryMessage(id, question, s.udpPayload),
            s.tcpTimeoutMs,
          );
          if (
            answer.length < HEADER_LENGTH ||
            answer.readUInt16BE(0) !== id ||
            !sameQuestion(answer, question)
          ) {
            throw new UpstreamError('tcp: answer does not match the question');
          }
        }
        link.failedAt = Number.NEGATIVE_INFINITY;
        const rcode = (answer[3] ?? 0) & Flag.RCODE;
        if ((rcode === Rcode.SERVFAIL || rcode === Rcode.REFUSED) && i < order.length - 1) {
          fallback = answer;
          this.#stats.failovers++;
          continue;
        }
        return answer;
      } catch (error) {
        if (!(error instanceof UpstreamError)) throw error;
        link.failedAt = this.#now();
        if (i < order.length - 1) this.#stats.failovers++;
      }
    }
    if (fallback !== null) return fallback;
    this.#stats.unanswered++;
    throw new UpstreamError('no upstream resolver answered');
  }

  /** Questions waiting for an upstream answer. */
  get inFlight(): number {
    let n = 0;
    for (const l of this.#links) n += l.inFlight;
    return n;
  }

  stats(): UpstreamStats {
    return { ...this.#stats };
  }

  close(): void {
    for (const l of this.#links) l.close();
  }
}
