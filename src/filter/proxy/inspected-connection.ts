import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, rootCertificates, TLSSocket, type SecureContext } from 'node:tls';
import type { ClientRequest } from 'node:http';
import type { Decision } from '../../policy/engine/decision.ts';
import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import type { ClientIdentity } from '../filter-context.ts';
import type { SafeSearchSettings } from '../safe-search.ts';
import { forwardRequestHeaders, forwardResponseHeaders, rawHeader } from './forward-headers.ts';
import { engineUrlOf } from './http-target.ts';
import {
  renderInternalErrorPage,
  renderNotReadyPage,
  renderProxyHelpPage,
  renderUpstreamErrorPage,
  upstreamProblemOf,
  upstreamStatusOf,
} from './proxy-pages.ts';
import { safeSearchRequest, safeSearchTunnelHost, searchServiceOf } from './safe-search.ts';
import { searchTermsOf } from './search-terms.ts';
import type { HostResolver, UpstreamOptions } from './upstream.ts';
import { sendPage } from './page-layout.ts';
import { isHtmlType, TITLE_SCAN_BYTES, titleOfBody, TitleSniffer } from './page-title.ts';

/**
 * HTTPS inspection inside the proxy (ENF-5). A CONNECT from a managed device (its device class is
 * in `filter.inspection.deviceClasses`) to a host that is allowed and not on the no-inspection
 * list is answered `200`; then the proxy is the TLS server, with a leaf certificate for the host
 * signed by the school CA (ALPN: `http/1.1` only), reads the HTTP/1.1 requests (keep-alive) and
 * passes each through the same stages as plain HTTP:
 *
 *   safe search  Google `safe=active`, Bing `adlt=strict`, DuckDuckGo `kp=1` in the URL; YouTube
 *                `YouTube-Restrict`; the site is reached at its enforced-safe address as well
 *   decide       on the full URL, so URL-level entries (IWF `host/path`) block just that page —
 *                answered with the block page over the inspected connection
 *   forward      over a *verified* TLS connection (system CAs + `filter.inspection.extraRoots`);
 *                a certificate the proxy cannot verify gets the "certificate is not valid" block
 *                page, never a silent pass; bodies are streamed both ways
 *   log          one activity event per request, with the full URL and search terms
 */

/** What the proxy needs to inspect (built by `src/filter/tls/inspection-setup.ts`). */
export interface HttpsInspection {
  /** Device classes whose tunnels are inspected ("managed" devices). */
  readonly deviceClasses: readonly string[];
  /** Hosts passed as plain tunnels; `match` answers non-null for them. */
  readonly noInspection: { match(host: string): object | null };
  /** Leaf certificates signed by the school CA. */
  readonly leafCerts: { contextFor(host: string): Promise<SecureContext> };
  /** Extra PEM roots trusted for upstream sites, on top of the system store. */
  readonly extraRoots: readonly string[];
  /** Page content scoring for groups with a threshold (`filter.inspection.contentThresholds`). */
  readonly contentScoring?: ContentScoring | null;
}

/** What content scoring found on a page: logged with the event, never the page itself. */
export interface ContentFindingLog {
  readonly score: number;
  readonly category: string;
  readonly phrases: readonly string[];
}

/** Scores HTML pages (src/filter/tls/page-content.ts). */
/** What the proxy logs about one request, besides who asked and what was decided. */
export interface RequestLogFields {
  at: Date;
  clientIp: string;
  method: string;
  url: string | null;
  status: number | null;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  searchTerms: string | null;
  /** Inspected pages: what content scoring found (never the page itself). */
  content?: ContentFindingLog;
  /** HTML pages: the `<title>` (cleaned and capped by the caller). */
  title?: string | null;
}

export interface ContentScoring {
  /** Largest body (as received) held for scoring; larger pages pass unscored. */
  readonly maxBytes: number;
  /** The threshold for someone in these groups, or null when their pages are not scored. */
  thresholdFor(groups: readonly string[]): number | null;
  score(
    body: Buffer,
    contentType: string | undefined,
    contentEncoding: string | undefined,
  ): ContentFindingLog | null;
}

export const CONTENT_RULE = 'inspection:content-score';

/** The parts of the proxy an inspected connection uses (the proxy's core satisfies it). */
export interface InspectionHost {
  readonly clock: () => Date;
  readonly via: string;
  readonly safeSearch: SafeSearchSettings;
  readonly resolver: HostResolver;
  readonly upstream: UpstreamOptions;
  readonly snapshots: { current(schoolId: string): SchoolSnapshot | undefined };
  decide(
    snapshot: SchoolSnapshot,
    identity: ClientIdentity,
    host: string | undefined,
    url: string | undefined,
    at: Date,
  ): Decision;
  blockPage(
    snapshot: SchoolSnapshot | null,
    decision: Decision,
    url: string | null,
    title?: string,
  ): string;
  emit(identity: ClientIdentity, decision: Decision, fields: RequestLogFields): void;
  /**
   * True when capture is halted for this person or device (MON-4: marked for isolation by a
   * suspected-CSAM alert): their pages are neither scored nor read for a title.
   */
  captureHalted(identity: ClientIdentity, clientIp: string): boolean;
}

/** True when a CONNECT by `identity` to `host` is to be inspected. */
export function shouldInspect(
  inspection: HttpsInspection,
  identity: ClientIdentity,
  host: string,
): boolean {
  return (
    identity.deviceClass !== null &&
    inspection.deviceClasses.includes(identity.deviceClass) &&
    inspection.noInspection.match(host) === null
  );
}

/** Error codes of a TLS certificate that could not be verified. */
const CERTIFICATE_ERRORS = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isCertificateError(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return CERTIFICATE_ERRORS.has(code);
}

export const INVALID_CERTIFICATE_RULE = 'inspection:invalid-certificate';
export const INVALID_CERTIFICATE_TITLE = "This site's certificate is not valid";

const HTML = 'text/html; charset=utf-8';

const MAX_LOGGED_URL = 2048;

/** One inspected client connection: the CONNECT's identity, and the host it was opened to. */
export class InspectedSession {
  readonly host: string;
  readonly port: number;
  readonly authority: string;
  readonly identity: ClientIdentity;
  readonly clientIp: string;
  /** Requests decided on this connection so far. */
  requests = 0;
  tls: TLSSocket | null = null;
  readMark = 0;
  writeMark = 0;

  constructor(host: string, port: number, identity: ClientIdentity, clientIp: string) {
    this.host = host;
    this.port = port;
    const shown = host.includes(':') ? `[${host}]` : host;
    this.authority = port === 443 ? shown : `${shown}:${port}`;
    this.identity = identity;
    this.clientIp = clientIp;
  }
}

const SESSION = Symbol('haven.inspection.session');
interface WithSession {
  [SESSION]?: InspectedSession;
}

/** One request on an inspected connection. */
class InspectedExchange {
  readonly session: InspectedSession;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly at: Date;
  readonly started = performance.now();
  url: string;
  decision: Decision | null = null;
  searchTerms: string | null = null;
  upstream: ClientRequest | null = null;
  content: ContentFindingLog | null = null;
  /** The page's `<title>` (HTML pages only; never while capture is halted). */
  title: string | null = null;
  sniffer: TitleSniffer | null = null;
  logged = false;

  constructor(session: InspectedSession, req: IncomingMessage, res: ServerResponse, at: Date) {
    this.session = session;
    this.req = req;
    this.res = res;
    this.at = at;
    this.url = `https://${session.authority}${req.url ?? '/'}`;
  }
}

/** Serves inspected connections for one proxy: the TLS side, the HTTP parser and the upstream pool. */
export class Inspector {
  readonly host: InspectionHost;
  readonly inspection: HttpsInspection;
  readonly agent: HttpsAgent;
  readonly http: Server;
  /** The CAs trusted for sites: the system store and `extraRoots`. */
  readonly ca: readonly string[];

  constructor(host: InspectionHost, inspection: HttpsInspection, keepAliveTimeoutMs: number) {
    this.host = host;
    this.inspection = inspection;
    const upstream = host.upstream;
    this.ca = [...rootCertificates, ...inspection.extraRoots];
    this.agent = new HttpsAgent({
      keepAlive: true,
      maxSockets: upstream.maxSocketsPerOrigin,
      maxTotalSockets: upstream.maxTotalSockets,
      maxFreeSockets: upstream.maxFreeSockets,
      timeout: upstream.freeSocketTimeoutMs,
      ca: [...this.ca],
      ALPNProtocols: ['http/1.1'],
      minVersion: 'TLSv1.2',
    });
    this.http = createServer(
      { keepAliveTimeout: keepAliveTimeoutMs, requestTimeout: 0, maxHeaderSize: 64 * 1024 },
      (req, res) => this.handle(req, res),
    );
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
  }

  /**
   * Takes over a client socket that has just been answered `200` to its CONNECT: TLS with a leaf
   * certificate for the host, then HTTP/1.1. `head` is what the client sent after the CONNECT.
   */
  serve(client: Socket, head: Buffer, session: InspectedSession): void {
    client.pause();
    this.inspection.leafCerts.contextFor(session.host).then(
      (secureContext) => {
        if (client.destroyed) return;
        if (head.length > 0) client.unshift(head);
        const tls = new TLSSocket(client, {
          isServer: true,
          secureContext,
          ALPNProtocols: ['http/1.1'],
        });
        (tls as WithSession)[SESSION] = session;
        session.tls = tls;
        tls.on('error', () => {
          // a client that does not trust the school CA ends the handshake; nothing more to do
          client.destroy();
        });
        tls.once('close', () => client.destroy());
        this.http.emit('connection', tls);
      },
      () => client.destroy(),
    );
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const session = (req.socket as WithSession)[SESSION];
    if (session === undefined) {
      res.destroy();
      return;
    }
    const ex = new InspectedExchange(session, req, res, this.host.clock());
    res.once('close', () => this.closed(ex));
    try {
      this.decide(ex);
    } catch {
      sendPage(res, 500, renderInternalErrorPage());
    }
  }

  decide(ex: InspectedExchange): void {
    const { session, req, res } = ex;
    const host = this.host;
    const identity = session.identity;
    const path = req.url ?? '/';
    if (!path.startsWith('/')) {
      // an absolute URL or `*` inside the tunnel: only this site's paths may be asked for here
      sendPage(
        res,
        400,
        renderProxyHelpPage(
          `Only addresses on ${session.host} can be asked for on this connection.`,
        ),
      );
      return;
    }
    const snapshot = host.snapshots.current(identity.schoolId);
    if (snapshot === undefined) {
      sendPage(res, 503, renderNotReadyPage(), ['Retry-After', '5']);
      return;
    }
    session.requests++;

    // safe search, by URL parameters and headers as for plain HTTP
    const service = searchServiceOf(session.host);
    let forwardPath = path;
    let safeHeader: readonly [string, string] | null = null;
    if (service !== null) {
      const safe = safeSearchRequest(service, session.host, path, identity.groups, host.safeSearch);
      if (safe !== null) {
        forwardPath = safe.path;
        safeHeader = safe.header;
      }
      ex.searchTerms = searchTermsOf(service, path);
    }

    // decide on the full URL
    const decision = host.decide(
      snapshot,
      identity,
      undefined,
      engineUrlOf({ host: session.host, path }),
      ex.at,
    );
    ex.decision = decision;
    if (decision.action === 'block') {
      sendPage(res, 403, host.blockPage(snapshot, decision, ex.url));
      return;
    }

    // forward over verified TLS (to the enforced-safe address for search services)
    const connectHost =
      safeSearchTunnelHost(session.host, identity.groups, host.safeSearch) ?? session.host;
    const now = Date.now();
    const cached = host.resolver.cached(connectHost, now);
    if (cached !== undefined) this.forward(ex, snapshot, cached, forwardPath, safeHeader);
    else {
      host.resolver.resolve(connectHost, now).then(
        (address) => this.forward(ex, snapshot, address, forwardPath, safeHeader),
        (error: unknown) => this.fail(ex, snapshot, error),
      );
    }
  }

  forward(
    ex: InspectedExchange,
    snapshot: SchoolSnapshot,
    address: string,
    path: string,
    safeHeader: readonly [string, string] | null,
  ): void {
    const { session, req, res } = ex;
    if (res.destroyed || res.headersSent) return;
    const upstream = httpsRequest({
      host: address,
      port: session.port,
      ...(isIP(session.host) === 0 ? { servername: session.host } : {}),
      method: req.method,
      path,
      headers: forwardRequestHeaders(req.rawHeaders, session.authority, this.host.via, safeHeader),
      agent: this.agent,
      setHost: false,
      maxHeaderSize: 64 * 1024,
      timeout: this.host.upstream.idleTimeoutMs,
    });
    ex.upstream = upstream;
    upstream.on('response', (response: IncomingMessage) => {
      if (res.destroyed) {
        upstream.destroy();
        return;
      }
      response.on('error', () => {
        // the 'close' below cuts the client's answer short
      });
      response.on('close', () => {
        if (!response.complete && !res.destroyed) res.destroy();
      });
      const halted = this.host.captureHalted(session.identity, session.clientIp);
      const threshold = halted ? null : this.scoredThreshold(ex, response);
      if (threshold !== null) {
        this.scoreThenAnswer(ex, snapshot, response, threshold);
        return;
      }
      res.writeHead(
        response.statusCode ?? 502,
        response.statusMessage ?? '',
        forwardResponseHeaders(response.rawHeaders, this.host.via),
      );
      if (!halted && titled(ex.req.method, response)) sniffTitle(ex, response);
      response.pipe(res);
    });
    upstream.on('timeout', () => {
      upstream.destroy(
        Object.assign(new Error('the site did not answer in time'), {
          code: 'HAVEN_RESPONSE_TIMEOUT',
        }),
      );
    });
    upstream.on('error', (error: Error) => this.fail(ex, snapshot, error));
    const hasBody =
      rawHeader(req.rawHeaders, 'content-length') !== undefined
        ? rawHeader(req.rawHeaders, 'content-length')?.trim() !== '0'
        : rawHeader(req.rawHeaders, 'transfer-encoding') !== undefined;
    if (hasBody) req.pipe(upstream);
    else upstream.end();
  }

  /**
   * An `Upgrade` request (WebSocket): decided on its full URL like any request; when allowed,
   * a verified TLS connection to the site carries the request, and then bytes both ways. One
   * event when the connection ends.
   */
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const session = (socket as WithSession)[SESSION];
    const path = req.url ?? '/';
    const at = this.host.clock();
    const started = performance.now();
    const identity = session?.identity;
    const snapshot =
      identity === undefined ? undefined : this.host.snapshots.current(identity.schoolId);
    if (session === undefined || identity === undefined || snapshot === undefined) {
      socket.destroy();
      return;
    }
    session.requests++;
    const url = `https://${session.authority}${path}`;
    let status: number | null = null;
    let decision = this.host.decide(
      snapshot,
      identity,
      undefined,
      engineUrlOf({ host: session.host, path }),
      at,
    );
    const answer = (code: number, html: string): void => {
      status = code;
      socket.end(rawPage(code, html));
    };
    socket.once('close', () => {
      this.host.emit(identity, decision, {
        at,
        clientIp: session.clientIp,
        method: req.method ?? 'GET',
        url: url.length <= MAX_LOGGED_URL ? url : url.slice(0, MAX_LOGGED_URL),
        status,
        bytesIn: socket.bytesRead - session.readMark,
        bytesOut: socket.bytesWritten - session.writeMark,
        durationMs: performance.now() - started,
        searchTerms: null,
      });
    });
    socket.on('error', () => socket.destroy());
    if (decision.action === 'block') {
      answer(403, this.host.blockPage(snapshot, decision, url));
      return;
    }
    const open = (address: string): void => {
      if (socket.destroyed) return;
      const upstream = tlsConnect({
        host: address,
        port: session.port,
        ...(isIP(session.host) === 0 ? { servername: session.host } : {}),
        ca: [...this.ca],
        ALPNProtocols: ['http/1.1'],
        minVersion: 'TLSv1.2',
      });
      upstream.setTimeout(this.host.upstream.connectTimeoutMs);
      upstream.once('timeout', () => upstream.destroy());
      upstream.once('secureConnect', () => {
        upstream.setTimeout(0);
        status = 101;
        const headers = forwardRequestHeaders(req.rawHeaders, session.authority, this.host.via);
        let text = `${req.method ?? 'GET'} ${path} HTTP/1.1\r\n`;
        for (let i = 0; i + 1 < headers.length; i += 2)
          text += `${headers[i]}: ${headers[i + 1]}\r\n`;
        text += `Connection: Upgrade\r\nUpgrade: ${req.headers.upgrade ?? 'websocket'}\r\n\r\n`;
        upstream.write(text);
        if (head.length > 0) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', (error: Error) => {
        if (status === 101) {
          socket.destroy();
          return;
        }
        if (isCertificateError(error)) {
          decision = invalidCertificateDecision(session.host, error);
          answer(502, this.host.blockPage(snapshot, decision, url, INVALID_CERTIFICATE_TITLE));
          return;
        }
        const problem = upstreamProblemOf(error);
        answer(upstreamStatusOf(problem), renderUpstreamErrorPage(session.host, problem));
      });
      upstream.once('close', () => socket.destroy());
      socket.once('close', () => upstream.destroy());
    };
    const now = Date.now();
    const cached = this.host.resolver.cached(session.host, now);
    if (cached !== undefined) open(cached);
    else {
      this.host.resolver.resolve(session.host, now).then(open, (error: unknown) => {
        const problem = upstreamProblemOf(error);
        answer(upstreamStatusOf(problem), renderUpstreamErrorPage(session.host, problem));
      });
    }
  }

  /** The content threshold when this response is to be scored, else null. */
  scoredThreshold(ex: InspectedExchange, response: IncomingMessage): number | null {
    const scoring = this.inspection.contentScoring;
    if (scoring === undefined || scoring === null) return null;
    if (response.statusCode !== 200 || ex.req.method !== 'GET') return null;
    if (!isHtmlType(response.headers['content-type'])) return null;
    const length = Number(response.headers['content-length'] ?? '0');
    if (length > scoring.maxBytes) return null;
    return scoring.thresholdFor(ex.session.identity.groups);
  }

  /**
   * Holds an HTML page (up to the size limit) and scores its text: above the threshold the
   * person gets the block page; otherwise the page as it came. A page that grows past the limit
   * is passed on unscored. The body is dropped as soon as it is answered.
   */
  scoreThenAnswer(
    ex: InspectedExchange,
    snapshot: SchoolSnapshot,
    response: IncomingMessage,
    threshold: number,
  ): void {
    const scoring = this.inspection.contentScoring;
    const res = ex.res;
    if (scoring === undefined || scoring === null) return;
    let chunks: Buffer[] = [];
    let size = 0;
    let streaming = false;
    const head = (): void => {
      res.writeHead(
        response.statusCode ?? 200,
        response.statusMessage ?? '',
        forwardResponseHeaders(response.rawHeaders, this.host.via),
      );
    };
    response.on('data', (chunk: Buffer) => {
      if (streaming) return;
      size += chunk.length;
      chunks.push(chunk);
      if (size > scoring.maxBytes) {
        streaming = true;
        head();
        const sniffer = new TitleSniffer(
          response.headers['content-type'],
          response.headers['content-encoding'],
        );
        for (const c of chunks) {
          sniffer.push(c);
          res.write(c);
        }
        ex.sniffer = sniffer;
        chunks = [];
        response.pipe(res);
      }
    });
    response.on('end', () => {
      if (streaming || res.destroyed) return;
      const body = Buffer.concat(chunks);
      chunks = [];
      ex.title = titleOfBody(
        body.subarray(0, TITLE_SCAN_BYTES),
        response.headers['content-type'],
        response.headers['content-encoding'],
      );
      const finding = scoring.score(
        body,
        response.headers['content-type'],
        response.headers['content-encoding'],
      );
      if (finding !== null && finding.score >= threshold) {
        body.fill(0);
        ex.content = finding;
        const decision: Decision = {
          action: 'block',
          ruleId: CONTENT_RULE,
          category: finding.category,
          categories: [finding.category],
          list: null,
          confidence: 1,
          level: null,
          group: null,
          band: null,
          reason: `The words on this page match the school's safeguarding phrase lists (${finding.category}, score ${finding.score}), so it is blocked.`,
          host: ex.session.host,
        };
        ex.decision = decision;
        sendPage(res, 403, this.host.blockPage(snapshot, decision, ex.url));
        return;
      }
      if (finding !== null) ex.content = finding;
      head();
      res.end(body);
    });
  }

  fail(ex: InspectedExchange, snapshot: SchoolSnapshot, error: unknown): void {
    const { session, res } = ex;
    if (res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (isCertificateError(error)) {
      const decision = invalidCertificateDecision(session.host, error);
      ex.decision = decision;
      sendPage(
        res,
        502,
        this.host.blockPage(snapshot, decision, ex.url, INVALID_CERTIFICATE_TITLE),
      );
      return;
    }
    const problem = upstreamProblemOf(error);
    sendPage(res, upstreamStatusOf(problem), renderUpstreamErrorPage(session.host, problem));
  }

  /** The answer is done or the client went away: stop the upstream request, log the request. */
  closed(ex: InspectedExchange): void {
    if (ex.logged) return;
    ex.logged = true;
    const { session, res } = ex;
    if (ex.upstream !== null && !res.writableFinished) ex.upstream.destroy();
    const decision = ex.decision;
    const tls = session.tls;
    if (decision === null || tls === null) return;
    if (ex.sniffer !== null) {
      ex.title = ex.sniffer.title();
      ex.sniffer = null;
    }
    const bytesIn = tls.bytesRead - session.readMark;
    const bytesOut = tls.bytesWritten - session.writeMark;
    session.readMark = tls.bytesRead;
    session.writeMark = tls.bytesWritten;
    this.host.emit(session.identity, decision, {
      at: ex.at,
      clientIp: session.clientIp,
      method: ex.req.method ?? 'GET',
      url: ex.url.length <= MAX_LOGGED_URL ? ex.url : ex.url.slice(0, MAX_LOGGED_URL),
      status: res.headersSent ? res.statusCode : null,
      bytesIn,
      bytesOut,
      durationMs: performance.now() - ex.started,
      searchTerms: ex.searchTerms,
      title: ex.title,
      ...(ex.content === null ? {} : { content: ex.content }),
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** True for a response whose title is worth reading: a successful HTML answer to a GET. */
function titled(method: string | undefined, response: IncomingMessage): boolean {
  return (
    method === 'GET' && response.statusCode === 200 && isHtmlType(response.headers['content-type'])
  );
}

/** Reads the title from the first bytes of a page as it streams to the client. */
function sniffTitle(ex: InspectedExchange, response: IncomingMessage): void {
  const sniffer = new TitleSniffer(
    response.headers['content-type'],
    response.headers['content-encoding'],
  );
  ex.sniffer = sniffer;
  const onData = (chunk: Buffer): void => {
    if (!sniffer.push(chunk)) response.removeListener('data', onData);
  };
  response.on('data', onData);
}

/** The decision for a site whose certificate could not be verified. */
function invalidCertificateDecision(host: string, error: unknown): Decision {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return {
    action: 'block',
    ruleId: INVALID_CERTIFICATE_RULE,
    category: null,
    categories: [],
    list: null,
    confidence: 1,
    level: null,
    group: null,
    band: null,
    reason: `This site's certificate is not valid (${code}), so the school web filter cannot check that the site is the one it claims to be. Nothing was sent to it.`,
    host,
  };
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  403: 'Forbidden',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
};

/** A whole HTTP/1.1 page on a socket that Node's HTTP server has handed over (upgrade). */
function rawPage(status: number, html: string): string {
  return (
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
    `Content-Type: ${HTML}\r\nContent-Length: ${Buffer.byteLength(html)}\r\n` +
    'Cache-Control: no-store\r\nConnection: close\r\n\r\n' +
    html
  );
}
