import { randomBytes } from 'node:crypto';
import { isIP, createServer, type Server, type Socket } from 'node:net';
import { blockPageLinks, renderBlockPage, renderIwfPage } from '../proxy/block-page.ts';
import {
  createSquidDecider,
  type FilterDecide,
  type FilterRequest,
  type FilterVerdict,
  type SquidDeciderDeps,
  UNAVAILABLE_RULE,
} from '../squid/squid-decider.ts';
import {
  decisionTarget,
  encodeChunk,
  icapResponseHead,
  IcapProtocolError,
  LAST_CHUNK,
  parseHttpRequestHead,
  parseIcapRequestHead,
  type HttpRequestHead,
  type IcapRequestHead,
} from './icap-message.ts';
import { ConnectionEnded, SocketReader, writeTo as write } from './socket-reader.ts';

/**
 * Haven's ICAP service (RFC 3507) for schools that run Squid: a REQMOD service backed by the
 * same decision chain as the proxy (identify → decide → log). Squid asks it about each request
 * before fetching anything:
 *
 * - allowed → `204 No Content` (Squid goes ahead unchanged), or, when the client did not offer
 *   `Allow: 204` and sent no preview, the request echoed back unchanged (`200 OK`);
 * - blocked → `200 OK` carrying an HTTP `403 Forbidden` response with Haven's block page.
 *
 * The service never reads more of a request body than it must: it advertises `Preview: 0`, so
 * Squid sends only the HTTP head and the decision is made on the URL (or the CONNECT host).
 * Every answer carries `X-Haven-Action`, `X-Haven-Rule`, `X-Haven-Category` and
 * `X-Haven-Reason` (percent-encoded) ICAP headers, which Squid can log with
 * `%{X-Haven-Rule}adapt::<last_h` and which the Squid helper reads when it asks this service.
 *
 * Connections are persistent; one message is handled at a time per connection. A malformed
 * message is answered `400 Bad Request` and the connection closed; nothing a client sends can
 * stop the server. `listen()` is the caller's (the composition root's) business.
 */

export interface IcapServerOptions {
  /** The service path of `icap://host:port/<path>` (default `/reqmod`). */
  readonly servicePath?: string;
  /** The service tag; changes when the service changes (default: random per start). */
  readonly istag?: string;
  /** Advertised in OPTIONS and enforced (default 200). */
  readonly maxConnections?: number;
  /** How long Squid may keep the OPTIONS answer, in seconds (default 300). */
  readonly optionsTtlSeconds?: number;
  /** Longest ICAP head and longest encapsulated HTTP head, each (default 64 KiB). */
  readonly maxHeaderBytes?: number;
  /** A connection idle this long (or stuck inside a message) is closed (default 5 minutes). */
  readonly idleTimeoutMs?: number;
  /** The Haven web app, for the block page's "Report a worry" and "Ask for a review" links. */
  readonly publicUrl?: string;
  /** How Squid sends `X-Client-Username`: as is, or base64 (`icap_client_username_encode on`). */
  readonly usernameEncoding?: 'plain' | 'base64';
  /** Decides instead of the built-in chain (tests, or another composition). */
  readonly decide?: FilterDecide;
}

export interface IcapServerDeps extends SquidDeciderDeps, IcapServerOptions {}

export interface IcapService {
  readonly server: Server;
  /** Stops accepting, closes every connection, and resolves when the server has closed. */
  close(): Promise<void>;
}

const DEFAULT_MAX_HEADER = 64 * 1024;

/**
 * The client address Squid reports (`adaptation_send_client_ip on`); the peer's address only
 * when the header is missing altogether. A header that is not an address means "not known"
 * (the identifier then treats the client as a guest), never the proxy's own address.
 */
function clientIpOf(head: IcapRequestHead, socket: Socket): string {
  const reported = head.headers.get('x-client-ip');
  if (reported === undefined) return socket.remoteAddress ?? '';
  const address = reported.trim();
  return isIP(address) === 0 ? '' : address;
}

function usernameOf(head: IcapRequestHead, encoding: 'plain' | 'base64'): string | null {
  const raw = head.headers.get('x-client-username')?.trim();
  if (raw === undefined || raw.length === 0 || raw === '-') return null;
  // The head was read byte for byte (latin1); a name is UTF-8.
  if (encoding === 'plain') return Buffer.from(raw, 'latin1').toString('utf8');
  const decoded = Buffer.from(raw, 'base64').toString('utf8').trim();
  return decoded.length === 0 ? null : decoded;
}

/** The ICAP headers that tell Squid (and the helper) what Haven decided. */
export function verdictHeaders(verdict: FilterVerdict): Array<[string, string]> {
  return [
    ['X-Haven-Action', verdict.action],
    ['X-Haven-Rule', encodeURIComponent(verdict.ruleId)],
    ['X-Haven-Category', verdict.category === null ? '-' : encodeURIComponent(verdict.category)],
    [
      'X-Haven-Category-Label',
      verdict.categoryLabel === null ? '-' : encodeURIComponent(verdict.categoryLabel),
    ],
    ['X-Haven-Reason', encodeURIComponent(verdict.reason)],
    ['X-Haven-Host', encodeURIComponent(verdict.host)],
    ['X-Haven-Illegal', verdict.illegal ? '1' : '0'],
    ['X-Haven-School', verdict.schoolName === null ? '-' : encodeURIComponent(verdict.schoolName)],
  ];
}

/** The block page for a blocked request (the proxy's renderer: the same page either way). */
export function icapBlockPage(
  verdict: FilterVerdict,
  url: string | null,
  publicUrl: string | undefined,
): string {
  if (verdict.category === 'child-abuse') return renderIwfPage();
  const links =
    publicUrl === undefined
      ? null
      : blockPageLinks(publicUrl, {
          host: verdict.host,
          category: verdict.category,
          ruleId: verdict.ruleId,
        });
  return renderBlockPage({
    schoolName: verdict.schoolName ?? 'Your school',
    host: verdict.host,
    url: verdict.illegal ? null : url,
    category: verdict.category,
    categoryLabel: verdict.categoryLabel,
    ruleId: verdict.ruleId,
    reason: verdict.reason,
    band: verdict.band,
    illegal: verdict.illegal,
    reportUrl: links?.reportUrl ?? null,
    reviewUrl: verdict.illegal ? null : (links?.reviewUrl ?? null),
    signUrl: links?.signUrl ?? null,
    ...(verdict.ruleId === UNAVAILABLE_RULE
      ? { title: 'Haven cannot check this page right now' }
      : {}),
  });
}

export function createIcapServer(deps: IcapServerDeps): IcapService {
  const servicePath = deps.servicePath ?? '/reqmod';
  const istag = `"${(deps.istag ?? `haven-${randomBytes(6).toString('hex')}`).replace(/"/g, '').slice(0, 30)}"`;
  const maxConnections = deps.maxConnections ?? 200;
  const optionsTtl = deps.optionsTtlSeconds ?? 300;
  const maxHeader = deps.maxHeaderBytes ?? DEFAULT_MAX_HEADER;
  const idleTimeout = deps.idleTimeoutMs ?? 5 * 60_000;
  const usernameEncoding = deps.usernameEncoding ?? 'plain';
  const decide = deps.decide ?? createSquidDecider(deps);
  const onError = deps.onError ?? (() => undefined);
  const sockets = new Set<Socket>();

  function optionsResponse(): string {
    return icapResponseHead(200, [
      ['Methods', 'REQMOD'],
      ['Service', 'Haven web filter'],
      ['ISTag', istag],
      ['Max-Connections', String(maxConnections)],
      ['Options-TTL', String(optionsTtl)],
      ['Allow', '204'],
      ['Preview', '0'],
      ['Transfer-Preview', '*'],
      ['X-Include', 'X-Client-IP, X-Client-Username'],
      ['Date', new Date().toUTCString()],
      ['Encapsulated', 'null-body=0'],
    ]);
  }

  function closing(head: IcapRequestHead): Array<[string, string]> {
    return head.keepAlive ? [] : [['Connection', 'close']];
  }

  async function reqmod(
    reader: SocketReader,
    socket: Socket,
    head: IcapRequestHead,
  ): Promise<void> {
    const [first, second, extra] = head.encapsulated;
    if (
      first?.name !== 'req-hdr' ||
      first.offset !== 0 ||
      (second?.name !== 'req-body' && second?.name !== 'null-body') ||
      extra !== undefined
    ) {
      throw new IcapProtocolError(
        400,
        'REQMOD needs Encapsulated: req-hdr=0, req-body|null-body=N',
      );
    }
    const httpLength = second.offset;
    if (httpLength > maxHeader) throw new IcapProtocolError(400, 'encapsulated HTTP head too long');
    const httpBytes = await reader.exactly(httpLength);
    const http: HttpRequestHead = parseHttpRequestHead(httpBytes.toString('utf8'));
    const hasBody = second.name === 'req-body';
    const target = decisionTarget(http);
    // The Squid helper asks on Squid's behalf: its events say so, with the status it answers.
    const viaHelper = head.headers.get('x-haven-source') === 'squid-helper';
    const request: FilterRequest = {
      source: viaHelper ? 'squid-helper' : 'icap',
      clientIp: clientIpOf(head, socket),
      username: usernameOf(head, usernameEncoding),
      method: http.method,
      ...target,
      blockStatus: viaHelper && head.headers.get('x-haven-block-status') === '302' ? 302 : 403,
    };
    const verdict = await decide(request);
    const haven = verdictHeaders(verdict);

    if (verdict.action === 'block') {
      if (hasBody) await reader.chunked(() => undefined);
      const html = Buffer.from(
        icapBlockPage(verdict, 'url' in target ? target.url : null, deps.publicUrl),
      );
      const withBody = http.method !== 'HEAD';
      const httpHead =
        'HTTP/1.1 403 Forbidden\r\n' +
        'Content-Type: text/html; charset=utf-8\r\n' +
        `Content-Length: ${html.length}\r\n` +
        'Cache-Control: no-store\r\n' +
        'Content-Language: en-GB\r\n\r\n';
      const httpHeadBytes = Buffer.byteLength(httpHead);
      await write(
        socket,
        Buffer.concat([
          Buffer.from(
            icapResponseHead(200, [
              ['ISTag', istag],
              [
                'Encapsulated',
                withBody
                  ? `res-hdr=0, res-body=${httpHeadBytes}`
                  : `res-hdr=0, null-body=${httpHeadBytes}`,
              ],
              ...haven,
              ...closing(head),
            ]),
          ),
          Buffer.from(httpHead),
          ...(withBody ? [encodeChunk(html), LAST_CHUNK] : []),
        ]),
      );
      return;
    }

    const preview = head.preview !== null;
    if (hasBody && !preview && !head.allow204) {
      // The client cannot take a 204 here: hand the request back unchanged, body and all.
      await write(
        socket,
        Buffer.concat([
          Buffer.from(
            icapResponseHead(200, [
              ['ISTag', istag],
              ['Encapsulated', `req-hdr=0, req-body=${httpLength}`],
              ...haven,
              ...closing(head),
            ]),
          ),
          httpBytes,
        ]),
      );
      await reader.chunked((data) => write(socket, encodeChunk(data)));
      await write(socket, LAST_CHUNK);
      return;
    }
    if (hasBody) await reader.chunked(() => undefined);
    if (preview || head.allow204) {
      await write(
        socket,
        icapResponseHead(204, [
          ['ISTag', istag],
          ['Encapsulated', 'null-body=0'],
          ...haven,
          ...closing(head),
        ]),
      );
      return;
    }
    await write(
      socket,
      Buffer.concat([
        Buffer.from(
          icapResponseHead(200, [
            ['ISTag', istag],
            ['Encapsulated', `req-hdr=0, null-body=${httpLength}`],
            ...haven,
            ...closing(head),
          ]),
        ),
        httpBytes,
      ]),
    );
  }

  async function serve(socket: Socket): Promise<void> {
    const reader = new SocketReader(socket);
    /** Bytes written before the current message: more means its answer has started. */
    let messageStart = 0;
    try {
      for (;;) {
        messageStart = socket.bytesWritten;
        const headBytes = await reader.head(maxHeader);
        if (headBytes === null) break;
        const head = parseIcapRequestHead(headBytes.toString('latin1'));
        if (head.path !== servicePath) {
          throw new IcapProtocolError(404, `no ICAP service at ${head.path}`);
        }
        switch (head.method) {
          case 'OPTIONS':
            if (head.encapsulated.some((part) => part.name === 'opt-body')) {
              await reader.chunked(() => undefined);
            }
            await write(socket, optionsResponse());
            break;
          case 'REQMOD':
            await reqmod(reader, socket, head);
            break;
          case 'RESPMOD':
            throw new IcapProtocolError(405, 'this service only does REQMOD');
          default:
            throw new IcapProtocolError(
              501,
              `method ${head.method} is not offered: this service answers OPTIONS and REQMOD`,
            );
        }
        if (!head.keepAlive) break;
      }
      socket.end();
    } catch (error) {
      if (error instanceof ConnectionEnded || socket.destroyed) {
        socket.destroy();
        return;
      }
      if (!(error instanceof IcapProtocolError)) onError(error);
      if (socket.bytesWritten !== messageStart) {
        // The answer had started: the client can only learn of the failure by the close.
        socket.destroy();
        return;
      }
      socket.end(
        icapResponseHead(error instanceof IcapProtocolError ? error.status : 500, [
          ['ISTag', istag],
          ['Connection', 'close'],
          ['Encapsulated', 'null-body=0'],
        ]),
      );
      // Linger so the answer is read before the close (a reset could drop it).
      setTimeout(() => socket.destroy(), 2000).unref();
    }
  }

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeout, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    serve(socket).catch((error: unknown) => {
      onError(error);
      socket.destroy();
    });
  });
  server.maxConnections = maxConnections;

  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) {
          for (const socket of sockets) socket.destroy();
          resolve();
          return;
        }
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
