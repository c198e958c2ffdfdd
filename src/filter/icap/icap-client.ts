import { connect, type Socket } from 'node:net';
import type { Action } from '../../policy/engine/decision.ts';
import {
  hostOf,
  unavailableVerdict,
  type FilterDecide,
  type FilterRequest,
  type FilterVerdict,
} from '../squid/squid-decider.ts';
import {
  encodeChunk,
  hasControlCharacter,
  headerValue,
  IcapProtocolError,
  LAST_CHUNK,
  parseIcapResponseHead,
  type HeaderMap,
} from './icap-message.ts';
import { SocketReader, writeTo } from './socket-reader.ts';

/**
 * A small ICAP client with a pool of persistent connections, one transaction at a time on each.
 * The Squid helper uses it to ask Haven's ICAP service for decisions (so the helper processes
 * Squid starts hold no policy, lists or database connection of their own), and the tests use it
 * to speak to the server.
 */

export interface IcapClientOptions {
  /** The service, e.g. `icap://127.0.0.1:1344/reqmod`. */
  readonly url: string;
  /** Most connections open at once (default 4). */
  readonly connections?: number;
  /** Longest wait for an answer, in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** Longest response head accepted (default 64 KiB). */
  readonly maxHeaderBytes?: number;
}

export interface IcapReply {
  readonly status: number;
  readonly reason: string;
  readonly headers: HeaderMap;
  /** The encapsulated HTTP head (`res-hdr` or `req-hdr`), when the reply carries one. */
  readonly httpHead: string | null;
  /** The encapsulated body, de-chunked, when the reply carries one. */
  readonly body: Buffer | null;
}

export interface ReqmodRequest {
  /** The HTTP request head, through its empty line. */
  readonly httpHead: string;
  readonly body?: Buffer;
  /** Extra ICAP headers (`X-Client-IP`, …). */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** Offer `Allow: 204` (default true). */
  readonly allow204?: boolean;
  /** Send this many body bytes as a preview first (default: no preview). */
  readonly preview?: number;
}

interface Pooled {
  readonly socket: Socket;
  readonly reader: SocketReader;
}

export class IcapClient {
  private readonly host: string;
  private readonly port: number;
  private readonly uri: string;
  private readonly max: number;
  private readonly timeoutMs: number;
  private readonly maxHeader: number;
  private readonly idle: Pooled[] = [];
  private readonly waiting: Array<(pooled: Pooled | null) => void> = [];
  private open = 0;
  private closed = false;

  constructor(options: IcapClientOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'icap:') throw new Error(`not an icap:// URL: ${options.url}`);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = url.port === '' ? 1344 : Number(url.port);
    this.uri = url.toString();
    this.max = Math.max(1, options.connections ?? 4);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxHeader = options.maxHeaderBytes ?? 64 * 1024;
  }

  /** `OPTIONS`: what the service offers. */
  options(): Promise<IcapReply> {
    return this.transact(async ({ socket, reader }) => {
      await writeTo(
        socket,
        `OPTIONS ${this.uri} ICAP/1.0\r\nHost: ${this.host}:${this.port}\r\nEncapsulated: null-body=0\r\n\r\n`,
      );
      return this.readReply(reader);
    });
  }

  /** `REQMOD` for one HTTP request. */
  reqmod(request: ReqmodRequest): Promise<IcapReply> {
    return this.transact(async ({ socket, reader }) => {
      const http = Buffer.from(request.httpHead);
      const body = request.body ?? null;
      const lines = [`REQMOD ${this.uri} ICAP/1.0`, `Host: ${this.host}:${this.port}`];
      if (request.allow204 ?? true) lines.push('Allow: 204');
      const preview = body === null ? null : (request.preview ?? null);
      if (preview !== null) lines.push(`Preview: ${preview}`);
      for (const [name, value] of request.headers ?? [])
        lines.push(`${name}: ${headerValue(value)}`);
      lines.push(
        `Encapsulated: req-hdr=0, ${body === null ? 'null-body' : 'req-body'}=${http.length}`,
      );
      const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
      if (body === null) {
        await writeTo(socket, Buffer.concat([head, http]));
        return this.readReply(reader);
      }
      if (preview === null) {
        await writeTo(socket, Buffer.concat([head, http, encodeChunk(body), LAST_CHUNK]));
        return this.readReply(reader);
      }
      const first = body.subarray(0, preview);
      const whole = first.length === body.length;
      await writeTo(
        socket,
        Buffer.concat([
          head,
          http,
          encodeChunk(first),
          Buffer.from(whole ? '0; ieof\r\n\r\n' : '0\r\n\r\n'),
        ]),
      );
      const reply = await this.readReply(reader);
      if (reply.status !== 100 || whole) return reply;
      await writeTo(socket, Buffer.concat([encodeChunk(body.subarray(preview)), LAST_CHUNK]));
      return this.readReply(reader);
    });
  }

  /** Closes idle connections and refuses new transactions. */
  close(): void {
    this.closed = true;
    for (const pooled of this.idle.splice(0)) pooled.socket.destroy();
    for (const wake of this.waiting.splice(0)) wake(null);
  }

  private async readReply(reader: SocketReader): Promise<IcapReply> {
    const headBytes = await reader.head(this.maxHeader);
    if (headBytes === null) throw new Error('the ICAP service closed the connection');
    const head = parseIcapResponseHead(headBytes.toString('latin1'));
    if (head.status === 100) {
      return {
        status: 100,
        reason: head.reason,
        headers: head.headers,
        httpHead: null,
        body: null,
      };
    }
    let httpHead: string | null = null;
    let body: Buffer | null = null;
    const parts = head.encapsulated;
    const last = parts[parts.length - 1];
    const firstHead = parts[0];
    if (last !== undefined && firstHead !== undefined && firstHead.name.endsWith('-hdr')) {
      const length = last.offset - firstHead.offset;
      if (length < 0 || length > this.maxHeader) {
        throw new IcapProtocolError(400, 'encapsulated head too long');
      }
      httpHead = (await reader.exactly(length)).toString('utf8');
    }
    if (last !== undefined && (last.name === 'res-body' || last.name === 'req-body')) {
      const pieces: Buffer[] = [];
      await reader.chunked((data) => {
        pieces.push(Buffer.from(data));
      });
      body = Buffer.concat(pieces);
    }
    return { status: head.status, reason: head.reason, headers: head.headers, httpHead, body };
  }

  private async transact(work: (pooled: Pooled) => Promise<IcapReply>): Promise<IcapReply> {
    const pooled = await this.acquire();
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await Promise.race([
        work(pooled),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            pooled.socket.destroy();
            reject(new Error(`no answer from the ICAP service within ${this.timeoutMs} ms`));
          }, this.timeoutMs);
        }),
      ]);
      const close = (reply.headers.get('connection') ?? '').toLowerCase().includes('close');
      this.release(pooled, !close && reply.status < 400);
      return reply;
    } catch (error) {
      this.release(pooled, false);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private acquire(): Promise<Pooled> {
    if (this.closed) return Promise.reject(new Error('the ICAP client is closed'));
    for (;;) {
      const pooled = this.idle.pop();
      if (pooled === undefined) break;
      if (!pooled.socket.destroyed && pooled.reader.unread === 0) return Promise.resolve(pooled);
      pooled.socket.destroy();
      this.open -= 1;
    }
    if (this.open < this.max) {
      this.open += 1;
      return this.connect().catch((error: unknown) => {
        this.open -= 1;
        this.wakeNext();
        throw error;
      });
    }
    return new Promise((resolve, reject) => {
      this.waiting.push((pooled) => {
        if (pooled === null) reject(new Error('the ICAP client is closed'));
        else resolve(pooled);
      });
    });
  }

  private release(pooled: Pooled, reuse: boolean): void {
    if (reuse && !this.closed && !pooled.socket.destroyed) {
      const next = this.waiting.shift();
      if (next !== undefined) next(pooled);
      else this.idle.push(pooled);
      return;
    }
    pooled.socket.destroy();
    this.open -= 1;
    this.wakeNext();
  }

  /** A waiter gets a fresh connection when one has been closed. */
  private wakeNext(): void {
    const next = this.waiting.shift();
    if (next === undefined) return;
    this.open += 1;
    this.connect().then(next, () => {
      this.open -= 1;
      next(null);
    });
  }

  private connect(): Promise<Pooled> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`cannot connect to the ICAP service at ${this.host}:${this.port}`));
      }, this.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.on('error', () => undefined);
        resolve({ socket, reader: new SocketReader(socket) });
      });
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once('error', onError);
    });
  }
}

/** The HTTP request head the ICAP service is asked about. */
export function httpHeadFor(request: FilterRequest): string | null {
  const method = /^[A-Z-]{1,20}$/.test(request.method) ? request.method : 'GET';
  if (request.url !== undefined) {
    if (/\s/.test(request.url) || hasControlCharacter(request.url)) return null;
    const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(request.url);
    const authority = match?.[1];
    if (authority === undefined || authority.length === 0) return null;
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    return `${method} ${request.url} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
  }
  const target = request.host ?? '';
  if (target.length === 0 || /[\s/]/.test(target) || hasControlCharacter(target)) return null;
  return `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`;
}

function decoded(headers: HeaderMap, name: string): string | null {
  const raw = headers.get(name);
  if (raw === undefined || raw === '-') return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const ACTIONS: ReadonlySet<string> = new Set(['allow', 'block', 'allow-with-alert']);

/** A verdict from the `X-Haven-*` headers of a Haven ICAP reply; null when they are missing. */
export function verdictFromReply(reply: IcapReply): FilterVerdict | null {
  const action = reply.headers.get('x-haven-action');
  if (action === undefined || !ACTIONS.has(action)) return null;
  const ruleId = decoded(reply.headers, 'x-haven-rule');
  const reason = decoded(reply.headers, 'x-haven-reason');
  if (ruleId === null || reason === null) return null;
  return {
    action: action as Action,
    ruleId,
    category: decoded(reply.headers, 'x-haven-category'),
    categoryLabel: decoded(reply.headers, 'x-haven-category-label'),
    reason,
    host: decoded(reply.headers, 'x-haven-host') ?? '',
    illegal: reply.headers.get('x-haven-illegal') === '1',
    schoolName: decoded(reply.headers, 'x-haven-school'),
    band: null,
  };
}

const UNREACHABLE_REASON =
  "Haven's filter service could not be reached, so the request is blocked. Try again in a minute.";
const INVALID_REASON = 'The address could not be read, so it is blocked.';

/**
 * Decides by asking Haven's ICAP service. Fails closed: when the service cannot be reached, does
 * not answer in time, or answers without a verdict, the request is blocked (`unavailable`).
 */
export function icapDecider(
  client: IcapClient,
  onError: (error: unknown) => void = () => undefined,
): FilterDecide {
  return async (request) => {
    const httpHead = httpHeadFor(request);
    if (httpHead === null) {
      return { ...unavailableVerdict(hostOf(request), INVALID_REASON), ruleId: 'invalid' };
    }
    const headers: Array<[string, string]> = [
      ['X-Client-IP', request.clientIp],
      ['X-Haven-Source', request.source],
    ];
    if (request.username !== null) headers.push(['X-Client-Username', request.username]);
    if (request.blockStatus !== undefined) {
      headers.push(['X-Haven-Block-Status', String(request.blockStatus)]);
    }
    try {
      const reply = await client.reqmod({ httpHead, headers, allow204: true });
      const verdict = verdictFromReply(reply);
      if (verdict !== null) return verdict;
      onError(new Error(`the ICAP service answered ${reply.status} without a Haven verdict`));
    } catch (error) {
      onError(error);
    }
    return unavailableVerdict(hostOf(request), UNREACHABLE_REASON);
  };
}
