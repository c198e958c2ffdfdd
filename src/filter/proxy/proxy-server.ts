import { randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type Agent,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Decision } from '../../policy/engine/decision.ts';
import { evaluate } from '../../policy/engine/evaluate.ts';
import { normaliseHost } from '../../policy/engine/host-name.ts';
import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import type {
  ActivityEvent,
  ActivitySink,
  ClientIdentity,
  Identifier,
  IdentifyResult,
  SnapshotSource,
} from '../filter-context.ts';
import { blockPageLinks, renderBlockPage, renderIwfPage } from './block-page.ts';
import { readClientHello } from './client-hello.ts';
import type { DeviceAccessLookup } from './device-access.ts';
import {
  forwardRequestHeaders,
  forwardResponseHeaders,
  rawHeader,
  viaNames,
} from './forward-headers.ts';
import {
  engineUrlOf,
  isAbsoluteHttp,
  parseAuthority,
  parseHttpTarget,
  schemeOf,
  type ConnectTarget,
  type HttpTarget,
} from './http-target.ts';
import {
  InspectedSession,
  Inspector,
  shouldInspect,
  type HttpsInspection,
  type RequestLogFields,
} from './inspected-connection.ts';
import {
  renderLoopPage,
  renderInternalErrorPage,
  renderNotReadyPage,
  renderPac,
  renderProxyHelpPage,
  renderSignInPage,
  renderUpstreamErrorPage,
  upstreamProblemOf,
  upstreamStatusOf,
} from './proxy-pages.ts';
import { safeSearchRequest, safeSearchTunnelHost, searchServiceOf } from './safe-search.ts';
import { DEFAULT_SAFE_SEARCH, type SafeSearchSettings } from '../safe-search.ts';
import { searchTermsOf } from './search-terms.ts';
import {
  codedError,
  createUpstreamAgent,
  DEFAULT_UPSTREAM,
  HostResolver,
  type UpstreamOptions,
} from './upstream.ts';
import { sendPage } from './page-layout.ts';
import { isHtmlType, TitleSniffer } from './page-title.ts';

/**
 * Haven's explicit HTTP/1.1 forward proxy (ENF-1). Every request passes the same named stages:
 *
 *   identify     who is asking (Proxy-Authorization or the client's address) → 407 when refused
 *   device       a device class with no network access (mobile technologies table) → block page
 *   safe search  search URLs get the service's strict parameter; YouTube gets YouTube-Restrict;
 *                CONNECT tunnels to search services open to their enforced-safe names (per group,
 *                with the DNS filter's settings)
 *   decide       `evaluate(snapshot, …)`: plain HTTP on the whole URL, CONNECT on the host, and
 *                again on the TLS server name (SNI) when it differs from the CONNECT host
 *   log          one activity event per decision, when the response (or tunnel) ends, with bytes
 *                and duration; for illegal categories only the matched list entry is kept
 *
 * Then: allowed plain HTTP is forwarded with streamed bodies over a bounded keep-alive pool;
 * allowed CONNECT becomes a byte tunnel; blocked requests get the block page (403).
 *
 * `createProxyServer()` builds the server; listening is separate (`listen()`), so tests use port 0
 * and `startProxyWorkers()` can share one port between processes.
 */

export interface ProxyLimits {
  /** Request line and headers together, at most (→ 431). Default 32 KB. */
  readonly maxHeaderBytes: number;
  /** Time a client has to send the request line and headers (→ 408). Default 20 s. */
  readonly headersTimeoutMs: number;
  /** Idle time allowed between two requests on one client connection. Default 30 s. */
  readonly keepAliveTimeoutMs: number;
  /** Time a client connection may be silent in both directions mid-request. Default 120 s. */
  readonly clientIdleTimeoutMs: number;
  /** Client connections at once; more are refused. Default 20,000. */
  readonly maxConnections: number;
  /** Time an HTTPS tunnel may carry nothing either way. Default 10 minutes. */
  readonly tunnelIdleTimeoutMs: number;
  /** Ports CONNECT may open (null: any). Default [443]: HTTPS only, as Squid's `SSL_ports`. */
  readonly connectPorts: readonly number[] | null;
  /** How long a connection reuses the identity found for its `Proxy-Authorization`. Default 2 s. */
  readonly identityCacheMs: number;
  /** Bytes of a tunnel's first data held while looking for the TLS server name. Default 128 KB. */
  readonly maxPeekBytes: number;
}

export const DEFAULT_LIMITS: ProxyLimits = {
  maxHeaderBytes: 32 * 1024,
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 30_000,
  clientIdleTimeoutMs: 120_000,
  maxConnections: 20_000,
  tunnelIdleTimeoutMs: 600_000,
  connectPorts: [443],
  identityCacheMs: 2_000,
  maxPeekBytes: 128 * 1024,
};

export interface ProxyDeps {
  readonly identifier: Identifier;
  readonly snapshots: SnapshotSource;
  readonly events: ActivitySink;
  readonly clock: () => Date;
  /** The Haven web app's public address, for the block page's "Report a worry" and "Ask for a review". */
  readonly blockPage: { readonly publicUrl: string };
  /** The mobile technologies table: device classes with no network access are blocked. */
  readonly deviceAccess?: DeviceAccessLookup;
  readonly limits?: Partial<ProxyLimits>;
  readonly upstream?: Partial<UpstreamOptions>;
  /** Event ids; default random UUIDs. */
  readonly newEventId?: () => string;
  /** This proxy's name in `Via` (and for loop detection). Default `haven`. */
  readonly viaName?: string;
  /** `host:port` written into `/proxy.pac`; default the address the browser used to fetch it. */
  readonly pacProxy?: string;
  /** Who gets safe search (the DNS filter's settings); default `DEFAULT_SAFE_SEARCH`. */
  readonly safeSearch?: SafeSearchSettings;
  /** HTTPS inspection for managed devices (ENF-5, docs/https-inspection.md); default off. */
  readonly inspection?: HttpsInspection;
  /**
   * True when capture is halted for a person or device (MON-4: marked for isolation by a
   * suspected-CSAM alert): no page title is read and no page content scored for them. Default:
   * never halted. (Their events are cut down by the sink: see `activity/capture-halt.ts`.)
   */
  readonly captureHalted?: (schoolId: string, userId: string | null, clientIp: string) => boolean;
}

export interface ProxyStats {
  /** Client connections open now (HTTP keep-alive and tunnels). */
  readonly connections: number;
  /** CONNECT tunnels open now. */
  readonly tunnels: number;
  /** Requests decided since start (plain HTTP and CONNECT). */
  readonly decisions: number;
  readonly blocked: number;
  /** Names in the DNS cache. */
  readonly cachedNames: number;
}

export interface ProxyServer {
  readonly server: Server;
  /** Starts listening; resolves with the port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  stats(): ProxyStats;
  /** Stops listening, ends every connection and tunnel, and empties the upstream pool. */
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------------------
// Per-connection and per-exchange state. Event handlers are module-level functions that find
// their state through a symbol on the emitter, so the hot path creates no closures.

const STATE = Symbol('haven.proxy.state');
const CONNECTION = Symbol('haven.proxy.connection');

interface Tagged<T> {
  [STATE]?: T;
  [CONNECTION]?: Connection;
}

function tag<T>(target: object, value: T): void {
  (target as Tagged<T>)[STATE] = value;
}

function stateOf<T>(target: object): T | undefined {
  return (target as Tagged<T>)[STATE];
}

/** What a client connection remembers between its requests. */
class Connection {
  readonly core: ProxyCore;
  readonly clientIp: string;
  readMark = 0;
  writeMark = 0;
  auth: string | undefined = undefined;
  identified: IdentifyResult | null = null;
  identifiedUntil = 0;

  constructor(core: ProxyCore, socket: Socket) {
    this.core = core;
    this.clientIp = clientAddressOf(socket);
  }
}

function connectionOf(socket: Socket): Connection | undefined {
  return (socket as Tagged<never>)[CONNECTION];
}

function onClientClose(this: Socket): void {
  const conn = connectionOf(this);
  if (conn !== undefined) conn.core.connections--;
}

/** Decisions of the proxy itself (not the engine) look like engine decisions in events. */
function proxyDecision(ruleId: string, reason: string, host: string): Decision {
  return {
    action: 'block',
    ruleId,
    category: null,
    categories: [],
    list: null,
    confidence: 1,
    level: null,
    group: null,
    band: null,
    reason,
    host,
  };
}

function isIllegal(decision: Decision): boolean {
  return decision.level === 'unacceptable-and-illegal';
}

const ACTION_RANK: Readonly<Record<Decision['action'], number>> = {
  allow: 0,
  'allow-with-alert': 1,
  block: 2,
};

/** Client address as the identifier expects it: IPv4 without the `::ffff:` prefix. */
function clientAddressOf(socket: Socket): string {
  const address = socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function bodyOf(req: IncomingMessage): boolean {
  const length = rawHeader(req.rawHeaders, 'content-length');
  if (length !== undefined) return length.trim() !== '0';
  return rawHeader(req.rawHeaders, 'transfer-encoding') !== undefined;
}

const HTML = 'text/html; charset=utf-8';
const MAX_LOGGED_URL = 2048;

/** One plain-HTTP request and its answer. */
class Exchange {
  readonly core: ProxyCore;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly socket: Socket;
  readonly conn: Connection;
  readonly started: number;
  readonly at: Date;
  readonly clientIp: string;
  target: HttpTarget | null = null;
  path = '/';
  /** A header safe search adds (YouTube-Restrict), or null. */
  safeHeader: readonly [string, string] | null = null;
  identity: ClientIdentity | null = null;
  decision: Decision | null = null;
  searchTerms: string | null = null;
  /** Reads the page title as the answer streams past (HTML answers only). */
  sniffer: TitleSniffer | null = null;
  address = '';
  upstream: ClientRequest | null = null;
  attempts = 0;
  logged = false;

  constructor(core: ProxyCore, req: IncomingMessage, res: ServerResponse, conn: Connection) {
    this.core = core;
    this.req = req;
    this.res = res;
    this.socket = req.socket;
    this.conn = conn;
    this.started = performance.now();
    this.at = core.clock();
    this.clientIp = conn.clientIp;
  }
}

// ------------------------------------------------------------------------------------------

class ProxyCore {
  readonly identifier: Identifier;
  readonly snapshots: SnapshotSource;
  readonly events: ActivitySink;
  readonly clock: () => Date;
  readonly publicUrl: string;
  readonly deviceAccess: DeviceAccessLookup | null;
  readonly limits: ProxyLimits;
  readonly upstream: UpstreamOptions;
  readonly agent: Agent;
  readonly resolver: HostResolver;
  readonly newEventId: () => string;
  readonly viaName: string;
  readonly via: string;
  readonly pacProxy: string | null;
  readonly safeSearch: SafeSearchSettings;
  readonly tunnels = new Set<Tunnel>();
  readonly inspector: Inspector | null;
  readonly halted: (schoolId: string, userId: string | null, clientIp: string) => boolean;
  connections = 0;
  decisions = 0;
  blocked = 0;

  constructor(deps: ProxyDeps) {
    this.identifier = deps.identifier;
    this.snapshots = deps.snapshots;
    this.events = deps.events;
    this.clock = deps.clock;
    this.publicUrl = deps.blockPage.publicUrl;
    this.deviceAccess = deps.deviceAccess ?? null;
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    this.upstream = { ...DEFAULT_UPSTREAM, ...deps.upstream };
    this.agent = createUpstreamAgent(this.upstream);
    this.resolver = new HostResolver(this.upstream);
    this.newEventId = deps.newEventId ?? randomUUID;
    this.viaName = deps.viaName ?? 'haven';
    this.via = `1.1 ${this.viaName}`;
    this.pacProxy = deps.pacProxy ?? null;
    this.safeSearch = deps.safeSearch ?? DEFAULT_SAFE_SEARCH;
    this.halted = deps.captureHalted ?? (() => false);
    this.inspector =
      deps.inspection === undefined
        ? null
        : new Inspector(this, deps.inspection, this.limits.keepAliveTimeoutMs);
  }

  // --- identify ---------------------------------------------------------------------------

  /** The identity for a request: from the connection's cache when the credentials are the same. */
  identify(
    conn: Connection,
    clientIp: string,
    auth: string | undefined,
    nowMs: number,
  ): IdentifyResult | Promise<IdentifyResult> {
    if (conn.identified !== null && conn.auth === auth && nowMs < conn.identifiedUntil) {
      return conn.identified;
    }
    return this.identifier.identify({ clientIp, proxyAuthorization: auth }).then((result) => {
      if (result.ok) {
        conn.identified = result;
        conn.auth = auth;
        conn.identifiedUntil = Date.now() + this.limits.identityCacheMs;
      } else {
        conn.identified = null;
      }
      return result;
    });
  }

  // --- decide -----------------------------------------------------------------------------

  /** The device stage: a block decision when the device class has no network access. */
  deviceBlock(identity: ClientIdentity, host: string): Decision | null {
    if (this.deviceAccess === null || identity.deviceClass === null) return null;
    const row = this.deviceAccess(identity.schoolId, identity.deviceClass);
    if (row === undefined || row.networkAccess !== 'none') return null;
    return proxyDecision(
      `device:${identity.deviceClass}:no-network-access`,
      `This kind of device (${row.label}) has no network access at school, as the school's mobile technologies rules say.`,
      host,
    );
  }

  /** Decides a host (CONNECT, SNI) or a `host/path` URL (plain HTTP) for the identity. */
  decide(
    snapshot: SchoolSnapshot,
    identity: ClientIdentity,
    host: string | undefined,
    url: string | undefined,
    at: Date,
  ): Decision {
    this.decisions++;
    const decision = evaluate(
      snapshot.snapshot,
      {
        user: identity.userId ?? undefined,
        groups: identity.groups,
        deviceClass: identity.deviceClass ?? undefined,
        host,
        url,
      },
      at,
    );
    if (decision.action === 'block') this.blocked++;
    return decision;
  }

  // --- the block page ---------------------------------------------------------------------

  blockPage(
    snapshot: SchoolSnapshot | null,
    decision: Decision,
    url: string | null,
    title?: string,
  ): string {
    if (decision.category === 'child-abuse') return renderIwfPage();
    const illegal = isIllegal(decision);
    const categories = snapshot?.snapshot.categories;
    const index =
      decision.category === null
        ? undefined
        : snapshot?.snapshot.categoryIndex.get(decision.category);
    const label = index === undefined ? null : (categories?.[index]?.label ?? null);
    const links = blockPageLinks(this.publicUrl, {
      host: decision.host,
      category: decision.category,
      ruleId: decision.ruleId,
    });
    return renderBlockPage({
      schoolName: snapshot?.snapshot.rules.school.name ?? 'Your school',
      host: decision.host,
      url,
      category: decision.category,
      categoryLabel: label,
      ruleId: decision.ruleId,
      reason: decision.reason,
      band: decision.band,
      illegal,
      reportUrl: links.reportUrl,
      reviewUrl: illegal ? null : links.reviewUrl,
      signUrl: links.signUrl,
      ...(decision.ruleId.startsWith('device:')
        ? { title: 'This device cannot use the internet here' }
        : title === undefined
          ? {}
          : { title }),
    });
  }

  // --- log --------------------------------------------------------------------------------

  captureHalted(identity: ClientIdentity, clientIp: string): boolean {
    return this.halted(identity.schoolId, identity.userId, clientIp);
  }

  emit(identity: ClientIdentity, decision: Decision, fields: RequestLogFields): void {
    const illegal = isIllegal(decision);
    const event: ActivityEvent = {
      id: this.newEventId(),
      at: fields.at,
      source: 'proxy',
      schoolId: identity.schoolId,
      userId: identity.userId,
      username: identity.username,
      group: decision.group ?? identity.groups[0] ?? null,
      deviceClass: identity.deviceClass,
      clientIp: fields.clientIp,
      method: fields.method,
      host: decision.host,
      // MON-4: for illegal categories, only the list entry that matched; never the path asked for
      url: illegal
        ? (decision.list?.entry ?? decision.host)
        : fields.url === null || fields.url.length <= MAX_LOGGED_URL
          ? fields.url
          : fields.url.slice(0, MAX_LOGGED_URL),
      action: decision.action,
      category: decision.category,
      ruleId: decision.ruleId,
      status: fields.status,
      bytesIn: fields.bytesIn,
      bytesOut: fields.bytesOut,
      durationMs: Math.round(fields.durationMs * 1000) / 1000,
      searchTerms: illegal ? null : fields.searchTerms,
    };
    try {
      const content = fields.content;
      const title = illegal ? null : (fields.title ?? null);
      if ((content === undefined || illegal) && title === null) this.events.emit(event);
      else
        this.events.emit({
          ...event,
          title,
          // MON-2: the score, its category and the matched phrases — never the page
          ...(content === undefined || illegal
            ? {}
            : {
                riskScore: content.score,
                riskCategories: [content.category],
                riskPhrases: [...content.phrases],
              }),
        });
    } catch {
      // the sink must never throw; if it does, the request is not the one to pay for it
    }
  }

  // --- plain HTTP -------------------------------------------------------------------------

  handleConnection(socket: Socket): void {
    (socket as Tagged<never>)[CONNECTION] = new Connection(this, socket);
    this.connections++;
    socket.once('close', onClientClose);
  }

  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    let conn = connectionOf(socket);
    if (conn === undefined) {
      conn = new Connection(this, socket);
      (socket as Tagged<never>)[CONNECTION] = conn;
    }
    const url = req.url ?? '';
    if (!isAbsoluteHttp(url)) {
      this.answerDirect(req, res, url);
      return;
    }
    const ex = new Exchange(this, req, res, conn);
    tag(res, ex);
    res.on('close', onResponseClose);
    const target = parseHttpTarget(url);
    if (target === null) {
      sendPage(res, 400, renderProxyHelpPage('The address in this request could not be read.'));
      return;
    }
    ex.target = target;
    if (viaNames(req.rawHeaders, this.viaName)) {
      sendPage(res, 508, renderLoopPage(target.host));
      return;
    }
    let identified: IdentifyResult | Promise<IdentifyResult>;
    try {
      identified = this.identify(
        conn,
        ex.clientIp,
        rawHeader(req.rawHeaders, 'proxy-authorization'),
        Date.now(),
      );
    } catch {
      sendPage(res, 500, renderInternalErrorPage());
      return;
    }
    if (identified instanceof Promise) {
      identified.then(
        (result) => afterIdentify(ex, result),
        () => sendPage(res, 500, renderInternalErrorPage()),
      );
    } else {
      afterIdentify(ex, identified);
    }
  }

  /** A request to the proxy itself (origin-form): the PAC file, or help. */
  answerDirect(req: IncomingMessage, res: ServerResponse, url: string): void {
    const path = url.split('?')[0] ?? '';
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      (path === '/proxy.pac' || path === '/wpad.dat')
    ) {
      const host = req.headers.host ?? '';
      const local = `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 3128}`;
      const proxy = this.pacProxy ?? (/^[A-Za-z0-9.\-[\]:]{1,260}$/.test(host) ? host : local);
      const body = renderPac(proxy);
      res.writeHead(200, [
        'Content-Type',
        'application/x-ns-proxy-autoconfig',
        'Content-Length',
        String(Buffer.byteLength(body)),
        'Cache-Control',
        'max-age=300',
      ]);
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const scheme = schemeOf(url);
    const detail =
      scheme === null
        ? 'This request was sent to the web filter as if it were a web site.'
        : `The web filter forwards http:// addresses; ${scheme}:// addresses go through a CONNECT tunnel.`;
    sendPage(res, 400, renderProxyHelpPage(detail));
  }

  // --- CONNECT ----------------------------------------------------------------------------

  handleConnect(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const tunnel = new Tunnel(this, req, socket, head);
    this.tunnels.add(tunnel);
    try {
      tunnel.start();
    } catch {
      tunnel.refuse(500, renderInternalErrorPage());
    }
  }

  async close(server: Server): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const tunnel of this.tunnels) tunnel.destroy();
    this.agent.destroy();
    this.inspector?.close();
    await closed;
  }
}

// ------------------------------------------------------------------------------------------
// Plain HTTP, stage by stage.

/** The stages after identify; a failure in any of them is a 500 page, never a pass. */
function afterIdentify(ex: Exchange, result: IdentifyResult): void {
  try {
    decideRequest(ex, result);
  } catch {
    sendPage(ex.res, 500, renderInternalErrorPage());
  }
}

function decideRequest(ex: Exchange, result: IdentifyResult): void {
  const core = ex.core;
  const res = ex.res;
  if (res.destroyed) return;
  if (!result.ok) {
    sendPage(res, 407, renderSignInPage(result.reason), [
      'Proxy-Authenticate',
      'Basic realm="Haven", charset="UTF-8"',
    ]);
    return;
  }
  const identity = result.identity;
  ex.identity = identity;
  const target = ex.target;
  if (target === null) return;
  const snapshot = core.snapshots.current(identity.schoolId);
  if (snapshot === undefined) {
    sendPage(res, 503, renderNotReadyPage(), ['Retry-After', '5']);
    return;
  }

  // device: the mobile technologies table
  const device = core.deviceBlock(identity, target.host);
  if (device !== null) {
    core.decisions++;
    core.blocked++;
    ex.decision = device;
    sendPage(res, 403, core.blockPage(snapshot, device, null));
    return;
  }

  // safe search
  const service = searchServiceOf(target.host);
  ex.path = target.path;
  if (service !== null) {
    const safe = safeSearchRequest(
      service,
      target.host,
      target.path,
      identity.groups,
      core.safeSearch,
    );
    if (safe !== null) {
      ex.path = safe.path;
      ex.safeHeader = safe.header;
    }
    ex.searchTerms = searchTermsOf(service, target.path);
  }

  // decide on the whole URL
  const decision = core.decide(snapshot, identity, undefined, engineUrlOf(target), ex.at);
  ex.decision = decision;
  if (decision.action === 'block') {
    const shown = `http://${target.authority}${target.path}`;
    sendPage(res, 403, core.blockPage(snapshot, decision, shown));
    return;
  }

  // forward
  const now = Date.now();
  const address = core.resolver.cached(target.host, now);
  if (address !== undefined) {
    sendUpstream(ex, address);
  } else {
    core.resolver.resolve(target.host, now).then(
      (resolved) => sendUpstream(ex, resolved),
      (error: unknown) => failUpstream(ex, error),
    );
  }
}

function sendUpstream(ex: Exchange, address: string): void {
  if (ex.res.destroyed || ex.res.headersSent) return;
  const core = ex.core;
  const target = ex.target;
  if (target === null) return;
  ex.address = address;
  const headers = forwardRequestHeaders(
    ex.req.rawHeaders,
    target.authority,
    core.via,
    ex.safeHeader,
  );
  const upstream = httpRequest({
    host: address,
    port: target.port,
    method: ex.req.method,
    path: ex.path,
    headers,
    agent: core.agent,
    setHost: false,
    maxHeaderSize: 64 * 1024,
  });
  tag(upstream, ex);
  ex.upstream = upstream;
  // `on`, not `once`: each emitter is used for one request, and `once` would allocate a wrapper
  upstream.on('socket', onUpstreamSocket);
  upstream.on('response', onUpstreamResponse);
  upstream.on('error', onUpstreamError);
  upstream.on('timeout', onUpstreamTimeout);
  if (ex.attempts === 0 && bodyOf(ex.req)) ex.req.pipe(upstream);
  else upstream.end();
}

function failUpstream(ex: Exchange, error: unknown): void {
  const res = ex.res;
  if (res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const problem = upstreamProblemOf(error);
  sendPage(res, upstreamStatusOf(problem), renderUpstreamErrorPage(ex.target?.host ?? '', problem));
}

function onUpstreamSocket(this: ClientRequest, socket: Socket): void {
  const ex = stateOf<Exchange>(this);
  if (ex === undefined) return;
  if (socket.connecting) {
    tag(socket, ex.core);
    socket.setTimeout(ex.core.upstream.connectTimeoutMs);
    socket.once('connect', onUpstreamConnected);
  } else {
    socket.setTimeout(ex.core.upstream.idleTimeoutMs);
  }
}

/** A new pooled connection is open: from now on it may stay silent for the idle time. */
function onUpstreamConnected(this: Socket): void {
  const core = stateOf<ProxyCore>(this);
  this.setTimeout(core?.upstream.idleTimeoutMs ?? DEFAULT_UPSTREAM.idleTimeoutMs);
}

function onUpstreamTimeout(this: ClientRequest): void {
  const connecting = this.socket?.connecting === true;
  this.destroy(
    connecting
      ? codedError('HAVEN_CONNECT_TIMEOUT', 'connecting to the site timed out')
      : codedError('HAVEN_RESPONSE_TIMEOUT', 'the site did not answer in time'),
  );
}

function onUpstreamResponse(this: ClientRequest, upstream: IncomingMessage): void {
  const ex = stateOf<Exchange>(this);
  if (ex === undefined || ex.res.destroyed) {
    this.destroy();
    return;
  }
  ex.res.writeHead(
    upstream.statusCode ?? 502,
    upstream.statusMessage ?? '',
    forwardResponseHeaders(upstream.rawHeaders, ex.core.via),
  );
  tag(upstream, ex);
  upstream.on('error', onUpstreamBodyError);
  upstream.on('close', onUpstreamBodyClose);
  if (
    ex.req.method === 'GET' &&
    upstream.statusCode === 200 &&
    isHtmlType(upstream.headers['content-type']) &&
    ex.identity !== null &&
    !ex.core.captureHalted(ex.identity, ex.clientIp)
  ) {
    ex.sniffer = new TitleSniffer(
      upstream.headers['content-type'],
      upstream.headers['content-encoding'],
    );
    upstream.on('data', onTitleData);
  }
  upstream.pipe(ex.res);
}

function onTitleData(this: IncomingMessage, chunk: Buffer): void {
  const sniffer = stateOf<Exchange>(this)?.sniffer;
  if (sniffer === null || sniffer === undefined || !sniffer.push(chunk))
    this.removeListener('data', onTitleData);
}

function onUpstreamBodyError(this: IncomingMessage): void {
  // the 'close' that follows cuts the client's response short
}

/** The site's answer ended: when it was cut short, the client's answer is cut short too. */
function onUpstreamBodyClose(this: IncomingMessage): void {
  const ex = stateOf<Exchange>(this);
  if (ex !== undefined && !this.complete && !ex.res.destroyed) ex.res.destroy();
}

function onUpstreamError(this: ClientRequest, error: Error & { code?: string }): void {
  const ex = stateOf<Exchange>(this);
  if (ex === undefined || ex.upstream !== this) return;
  const res = ex.res;
  if (res.destroyed) return;
  // a kept-alive connection the site had just closed: try once more on a new one (safe methods)
  const method = ex.req.method ?? '';
  if (
    !res.headersSent &&
    ex.attempts === 0 &&
    this.reusedSocket &&
    (error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.code === 'ECONNABORTED') &&
    (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') &&
    !bodyOf(ex.req)
  ) {
    ex.attempts++;
    sendUpstream(ex, ex.address);
    return;
  }
  failUpstream(ex, error);
}

/** The response is done, or the client went away: stop the upstream request, log the decision. */
function onResponseClose(this: ServerResponse): void {
  const ex = stateOf<Exchange>(this);
  if (ex === undefined || ex.logged) return;
  ex.logged = true;
  const upstream = ex.upstream;
  if (upstream !== null && !this.writableFinished) upstream.destroy();
  const identity = ex.identity;
  const decision = ex.decision;
  if (identity === null || decision === null) return;
  const socket = ex.socket;
  const conn = ex.conn;
  const bytesIn = socket.bytesRead - conn.readMark;
  const bytesOut = socket.bytesWritten - conn.writeMark;
  conn.readMark = socket.bytesRead;
  conn.writeMark = socket.bytesWritten;
  const title = ex.sniffer?.title() ?? null;
  ex.sniffer = null;
  ex.core.emit(identity, decision, {
    at: ex.at,
    clientIp: ex.clientIp,
    method: ex.req.method ?? 'GET',
    url: ex.req.url ?? null,
    status: this.headersSent ? this.statusCode : null,
    bytesIn,
    bytesOut,
    durationMs: performance.now() - ex.started,
    searchTerms: ex.searchTerms,
    title,
  });
}

// ------------------------------------------------------------------------------------------
// CONNECT tunnels.

/** How long a refused CONNECT client may keep its half of the connection open. */
const REFUSED_LINGER_MS = 5_000;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  407: 'Proxy Authentication Required',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A raw HTTP/1.1 response on a CONNECT socket (which Node's HTTP server has handed over). */
function rawResponse(status: number, html: string, extra: readonly string[] = []): string {
  let head = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n`;
  for (let i = 0; i + 1 < extra.length; i += 2) head += `${extra[i]}: ${extra[i + 1]}\r\n`;
  return (
    head +
    `Content-Type: ${HTML}\r\nContent-Length: ${Buffer.byteLength(html)}\r\n` +
    'Cache-Control: no-store\r\nConnection: close\r\n\r\n' +
    html
  );
}

class Tunnel {
  readonly core: ProxyCore;
  readonly req: IncomingMessage;
  readonly client: Socket;
  readonly started = performance.now();
  readonly at: Date;
  readonly clientIp: string;
  head: Buffer;
  target: ConnectTarget | null = null;
  identity: ClientIdentity | null = null;
  snapshot: SchoolSnapshot | null = null;
  decision: Decision | null = null;
  upstream: Socket | null = null;
  /** Bytes from the client held until the TLS server name is known. */
  peeked: Buffer | null = null;
  established = false;
  relaying = false;
  /** Set when the tunnel is inspected: its requests are decided and logged one by one. */
  inspected: InspectedSession | null = null;
  status: number | null = null;
  logged = false;

  constructor(core: ProxyCore, req: IncomingMessage, client: Socket, head: Buffer) {
    this.core = core;
    this.req = req;
    this.client = client;
    this.head = head;
    this.at = core.clock();
    this.clientIp = connectionOf(client)?.clientIp ?? clientAddressOf(client);
    tag(client, this);
    client.on('error', onTunnelSocketError);
    client.once('close', onTunnelClientClose);
    client.setTimeout(core.limits.tunnelIdleTimeoutMs);
    client.once('timeout', onTunnelTimeout);
  }

  start(): void {
    const core = this.core;
    const target = parseAuthority(this.req.url ?? '', 443);
    if (target === null) {
      this.refuse(
        400,
        renderProxyHelpPage('CONNECT needs a host and port, such as example.org:443.'),
      );
      return;
    }
    this.target = target;
    const auth = rawHeader(this.req.rawHeaders, 'proxy-authorization');
    core.identifier.identify({ clientIp: this.clientIp, proxyAuthorization: auth }).then(
      (result) => this.afterIdentify(result),
      () => this.refuse(500, renderInternalErrorPage()),
    );
  }

  /** The stages after identify; a failure in any of them is a 500 answer, never a pass. */
  afterIdentify(result: IdentifyResult): void {
    try {
      this.decideTunnel(result);
    } catch {
      this.refuse(500, renderInternalErrorPage());
    }
  }

  decideTunnel(result: IdentifyResult): void {
    if (this.client.destroyed) return;
    const core = this.core;
    const target = this.target;
    if (target === null) return;
    if (!result.ok) {
      this.refuse(407, renderSignInPage(result.reason), [
        'Proxy-Authenticate',
        'Basic realm="Haven", charset="UTF-8"',
      ]);
      return;
    }
    const identity = result.identity;
    this.identity = identity;
    const snapshot = core.snapshots.current(identity.schoolId);
    if (snapshot === undefined) {
      this.refuse(503, renderNotReadyPage(), ['Retry-After', '5']);
      return;
    }
    this.snapshot = snapshot;
    const device = core.deviceBlock(identity, target.host);
    if (device !== null) {
      core.decisions++;
      core.blocked++;
      this.block(device);
      return;
    }
    const ports = core.limits.connectPorts;
    if (ports !== null && !ports.includes(target.port)) {
      core.decisions++;
      core.blocked++;
      this.block(
        proxyDecision(
          `proxy:connect-port:${target.port}`,
          `Secure connections through the school web filter may only go to port ${ports.join(' or ')}.`,
          target.host,
        ),
      );
      return;
    }
    const decision = core.decide(snapshot, identity, target.host, undefined, this.at);
    this.decision = decision;
    if (decision.action === 'block') {
      this.block(decision);
      return;
    }
    // inspection: a managed device's tunnel is opened here and decided request by request
    const inspector = core.inspector;
    if (inspector !== null && shouldInspect(inspector.inspection, identity, target.host)) {
      this.inspect(inspector, identity, target);
      return;
    }
    // safe search: a search engine's tunnel opens to its enforced-safe name
    const connectHost =
      safeSearchTunnelHost(target.host, identity.groups, core.safeSearch) ?? target.host;
    const now = Date.now();
    const address = core.resolver.cached(connectHost, now);
    if (address !== undefined) this.open(address);
    else {
      core.resolver.resolve(connectHost, now).then(
        (resolved) => this.open(resolved),
        (error: unknown) => this.fail(error),
      );
    }
  }

  block(decision: Decision): void {
    this.decision = decision;
    this.refuse(403, this.core.blockPage(this.snapshot, decision, null));
  }

  refuse(status: number, html: string, extra: readonly string[] = []): void {
    this.status = status;
    if (this.client.destroyed) return;
    this.client.end(rawResponse(status, html, extra));
    // the client reads the answer and closes; one that does not is let go soon
    this.client.setTimeout(REFUSED_LINGER_MS);
  }

  open(address: string): void {
    const target = this.target;
    if (this.client.destroyed || target === null) return;
    const upstream = netConnect({ host: address, port: target.port, noDelay: true });
    tag(upstream, this);
    this.upstream = upstream;
    upstream.setTimeout(this.core.upstream.connectTimeoutMs);
    upstream.once('connect', onTunnelUpstreamConnect);
    upstream.on('error', onTunnelUpstreamError);
    upstream.once('timeout', onTunnelUpstreamTimeout);
    upstream.once('close', onTunnelUpstreamClose);
  }

  inspect(inspector: Inspector, identity: ClientIdentity, target: ConnectTarget): void {
    this.established = true;
    this.status = 200;
    const session = new InspectedSession(target.host, target.port, identity, this.clientIp);
    this.inspected = session;
    this.client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const head = this.head;
    this.head = Buffer.alloc(0);
    inspector.serve(this.client, head, session);
  }

  fail(error: unknown): void {
    if (this.client.destroyed) return;
    if (this.established) {
      this.client.destroy();
      return;
    }
    const problem = upstreamProblemOf(error);
    this.refuse(
      upstreamStatusOf(problem),
      renderUpstreamErrorPage(this.target?.host ?? '', problem),
    );
  }

  connected(): void {
    const upstream = this.upstream;
    if (upstream === null) return;
    if (this.client.destroyed) {
      upstream.destroy();
      return;
    }
    upstream.setTimeout(this.core.limits.tunnelIdleTimeoutMs);
    this.established = true;
    this.status = 200;
    this.client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    // the server may speak first (not in TLS): its bytes flow at once
    upstream.pipe(this.client);
    const head = this.head;
    this.head = Buffer.alloc(0);
    if (head.length > 0) this.peek(head);
    if (!this.relaying) {
      this.client.on('data', onTunnelPeekData);
      this.client.resume();
    }
  }

  /** Looks at the client's first bytes for a TLS server name; decides again when it differs. */
  peek(chunk: Buffer): void {
    const data = this.peeked === null ? chunk : Buffer.concat([this.peeked, chunk]);
    const hello = readClientHello(data);
    if (hello.kind === 'need-more') {
      if (data.length > this.core.limits.maxPeekBytes) {
        this.destroy();
        return;
      }
      this.peeked = data;
      return;
    }
    this.peeked = null;
    if (hello.kind === 'tls' && hello.serverName !== null) {
      const target = this.target;
      const serverName = normaliseHost(hello.serverName) ?? hello.serverName;
      if (
        target !== null &&
        serverName !== target.host &&
        this.snapshot !== null &&
        this.identity !== null
      ) {
        const again = this.core.decide(
          this.snapshot,
          this.identity,
          serverName,
          undefined,
          this.at,
        );
        const before = this.decision;
        if (before === null || ACTION_RANK[again.action] >= ACTION_RANK[before.action]) {
          this.decision = again;
        }
        if (again.action === 'block') {
          this.destroy();
          return;
        }
      }
    }
    this.relay(data);
  }

  relay(first: Buffer): void {
    const upstream = this.upstream;
    if (upstream === null) return;
    this.relaying = true;
    this.client.removeListener('data', onTunnelPeekData);
    if (first.length > 0) upstream.write(first);
    this.client.pipe(upstream);
  }

  destroy(): void {
    this.upstream?.destroy();
    this.client.destroy();
  }

  /** The client connection has closed: the tunnel is over. Log it. */
  closed(): void {
    this.core.tunnels.delete(this);
    this.upstream?.destroy();
    if (this.logged) return;
    this.logged = true;
    const identity = this.identity;
    const decision = this.decision;
    if (identity === null || decision === null) return;
    // an inspected tunnel logged each of its requests; only one that carried none is logged here
    if (this.inspected !== null && this.inspected.requests > 0) return;
    this.core.emit(identity, decision, {
      at: this.at,
      clientIp: this.clientIp,
      method: 'CONNECT',
      url: null,
      status: this.status,
      bytesIn: this.client.bytesRead,
      bytesOut: this.client.bytesWritten,
      durationMs: performance.now() - this.started,
      searchTerms: null,
    });
  }
}

function onTunnelSocketError(this: Socket): void {
  // the 'close' that follows ends the tunnel
}

function onTunnelClientClose(this: Socket): void {
  stateOf<Tunnel>(this)?.closed();
}

function onTunnelTimeout(this: Socket): void {
  stateOf<Tunnel>(this)?.destroy();
}

function onTunnelPeekData(this: Socket, chunk: Buffer): void {
  const tunnel = stateOf<Tunnel>(this);
  if (tunnel === undefined || tunnel.relaying) return;
  tunnel.peek(chunk);
}

function onTunnelUpstreamConnect(this: Socket): void {
  stateOf<Tunnel>(this)?.connected();
}

function onTunnelUpstreamError(this: Socket, error: Error): void {
  stateOf<Tunnel>(this)?.fail(error);
}

function onTunnelUpstreamTimeout(this: Socket): void {
  const tunnel = stateOf<Tunnel>(this);
  if (tunnel === undefined) return;
  if (this.connecting) {
    tunnel.fail(codedError('HAVEN_CONNECT_TIMEOUT', 'connecting to the site timed out'));
    this.destroy();
  } else {
    tunnel.destroy();
  }
}

function onTunnelUpstreamClose(this: Socket, hadError: boolean): void {
  const tunnel = stateOf<Tunnel>(this);
  if (tunnel === undefined || !tunnel.established) return;
  // a clean end has already been passed on by pipe(); an abrupt one ends the client too
  if (hadError) tunnel.client.destroy();
  else tunnel.client.end();
}

// ------------------------------------------------------------------------------------------

/** Builds the proxy. Call `listen()` (or `server.listen`) to start serving. */
export function createProxyServer(deps: ProxyDeps): ProxyServer {
  const core = new ProxyCore(deps);
  const limits = core.limits;
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: 0,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(250, Math.min(30_000, limits.headersTimeoutMs / 4)),
      noDelay: true,
      keepAlive: true,
    },
    (req, res) => core.handleRequest(req, res),
  );
  server.timeout = limits.clientIdleTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.on('connection', (socket: Socket) => core.handleConnection(socket));
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) =>
    core.handleConnect(req, socket, head),
  );
  return {
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.removeListener('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    stats() {
      return {
        connections: core.connections,
        tunnels: core.tunnels.size,
        decisions: core.decisions,
        blocked: core.blocked,
        cachedNames: core.resolver.size,
      };
    },
    close() {
      return core.close(server);
    },
  };
}
