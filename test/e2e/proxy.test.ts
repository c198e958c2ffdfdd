import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import type { Browser } from 'playwright-core';
import type { Identifier } from '../../src/filter/filter-context.ts';
import type { DeviceAccessLookup } from '../../src/filter/proxy/device-access.ts';
import {
  createProxyServer,
  type ProxyDeps,
  type ProxyServer,
} from '../../src/filter/proxy/proxy-server.ts';
import type { LookupFunction } from '../../src/filter/proxy/upstream.ts';
import { createRandom } from '../../src/policy/engine/seeded-random.ts';
import { launchChromium } from '../support/browser.ts';
import {
  fixedSnapshotSource,
  identity,
  MemorySink,
  staticIdentifier,
} from '../support/filter-fixtures.ts';

/**
 * The forward proxy for real, on 127.0.0.1 only: curl and Chromium through it to a local origin
 * (plain HTTP) and a local TLS server (a self-signed certificate made with openssl). Test names
 * (`allowed.test`, `bet365.com`, …) reach 127.0.0.1 through the proxy's injectable lookup, so no
 * request ever leaves the machine.
 */

const root = resolve(import.meta.dirname, '..', '..');
const screenshots = join(root, 'test-results', 'screenshots');

const PUPIL = identity(['ks2']);
const PUPIL_PHONE = identity(['ks2'], { deviceClass: 'pupil-owned' });
const DSL = identity(['staff', 'safeguarding-checkers'], {
  userId: 'u-dsl',
  username: 'dsl',
  via: 'proxy-auth',
});
const DSL_AUTH = `Basic ${Buffer.from('dsl:haven-demo').toString('base64')}`;

/** Everyone at 127.0.0.1 is a Key Stage 2 pupil; 127.0.0.2 is a pupil's own phone. */
const addressIdentifier = staticIdentifier({ '127.0.0.1': PUPIL, '127.0.0.2': PUPIL_PHONE });

/** Proxy sign-in: the DSL's password gives the DSL; a wrong one is refused; none → by address. */
const identifier: Identifier = {
  async identify(request) {
    if (request.clientIp === '127.0.0.3') throw new Error('the sign-in store is down');
    if (request.proxyAuthorization === undefined) return addressIdentifier.identify(request);
    if (request.proxyAuthorization === DSL_AUTH) return { ok: true, identity: DSL };
    return { ok: false, reason: 'That username or password is wrong.' };
  },
};

/** Pupils' own phones have no network access in this test school. */
const deviceAccess: DeviceAccessLookup = (_school, deviceClass) =>
  deviceClass === 'pupil-owned' ? { networkAccess: 'none', label: 'Student owned' } : undefined;

/** `*.test`, `bet365.com` and the search engines resolve to 127.0.0.1; `down.test` does not exist. */
const lookup: LookupFunction = (host) => {
  if (host === 'down.test' || !/(\.test|bet365\.com|google\.com|youtube\.com)$/.test(host)) {
    return Promise.reject(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
    );
  }
  return Promise.resolve({ address: '127.0.0.1', family: 4 });
};

interface Seen {
  host: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
}

function listen(server: Server | HttpsServer): Promise<number> {
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)),
  );
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function curl(args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      'curl',
      ['-s', '--max-time', '10', ...args],
      { encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Sends bytes on a new connection and collects the answer until the proxy closes or `waitMs` passes. */
function raw(
  port: number,
  data: string | Buffer,
  options: { waitMs?: number; localAddress?: string } = {},
): Promise<string> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    let out = '';
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      done(out);
    };
    const timer = setTimeout(finish, options.waitMs ?? 2000);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      out += chunk;
    });
    socket.on('error', () => undefined);
    socket.on('close', finish);
    socket.write(data);
  });
}

/** Opens a CONNECT tunnel; resolves with the socket once the proxy says 200. */
function tunnel(port: number, authority: string): Promise<Socket> {
  return new Promise((done, fail) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.removeListener('data', onData);
      if (!head.startsWith('HTTP/1.1 200')) {
        socket.destroy();
        fail(new Error(head));
        return;
      }
      socket.pause();
      done(socket);
    };
    socket.on('data', onData);
    socket.on('error', fail);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

async function eventually<T>(find: () => T | undefined, what: string, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the forward proxy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-proxy-'));
  const sink = new MemorySink();
  const seen: Seen[] = [];
  const aborted: string[] = [];
  let origin: Server;
  let tlsOrigin: HttpsServer;
  let originPort = 0;
  let tlsPort = 0;
  let closedPort = 0;
  let proxy: ProxyServer;
  let port = 0;

  const deps = (extra: Partial<ProxyDeps> = {}): ProxyDeps => ({
    identifier,
    snapshots: fixedSnapshotSource(),
    events: sink,
    // Monday 6 October 2025, 10:00 in London: lessons, before morning break
    clock: () => new Date('2025-10-06T09:00:00Z'),
    blockPage: { publicUrl: 'http://haven.school.test:8080' },
    deviceAccess,
    upstream: { lookup, connectTimeoutMs: 2000, idleTimeoutMs: 5000 },
    limits: { connectPorts: [443, tlsPort, originPort, closedPort] },
    ...extra,
  });

  const events = (host: string) => sink.events.filter((e) => e.host === host);

  before(async () => {
    origin = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push({ host: req.headers.host, url: req.url, headers: req.headers });
      const path = req.url ?? '/';
      if (path.startsWith('/echo')) {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'X-Origin': '1' });
        req.pipe(res);
        return;
      }
      if (path.startsWith('/drip')) {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Origin': '1' });
        res.write('first;');
        const timer = setInterval(() => res.write('more;'), 50);
        res.on('close', () => {
          clearInterval(timer);
          if (!res.writableFinished) aborted.push(path);
        });
        return;
      }
      if (path.startsWith('/silent')) {
        return; // never answers
      }
      if (path.startsWith('/cut')) {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100000' });
        res.write('only-part;');
        setTimeout(() => res.destroy(), 50);
        return;
      }
      if (path.startsWith('/hop')) {
        res.writeHead(200, [
          'Content-Type',
          'text/plain',
          'Connection',
          'keep-alive, X-Origin-Hop',
          'X-Origin-Hop',
          'secret',
          'Proxy-Authenticate',
          'Basic realm="origin"',
          'X-End-To-End',
          'kept',
        ]);
        res.end('hop');
        return;
      }
      const body =
        '<!doctype html><html lang="en"><head><title>Allowed page</title></head>' +
        '<body style="font-family:sans-serif;padding:2rem"><h1>An allowed page</h1>' +
        `<p>origin ${req.headers.host ?? ''} ${path}</p></body></html>`;
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'X-Origin': '1',
      });
      res.end(body);
    });
    originPort = await listen(origin);

    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=tls-allowed.test',
        '-addext',
        'subjectAltName=DNS:tls-allowed.test,DNS:bet365.com,DNS:allowed.test,IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    tlsOrigin = createHttpsServer(
      { key: readFileSync(key), cert: readFileSync(cert) },
      (req, res) => {
        const servername = (req.socket as { servername?: string }).servername ?? '-';
        res.end(`tls-origin ${servername} ${req.url ?? ''}`);
      },
    );
    tlsPort = await listen(tlsOrigin);

    // a port with nothing listening: take one and close it
    const probe = createServer();
    closedPort = await listen(probe);
    await new Promise((r) => probe.close(r));

    proxy = createProxyServer(deps());
    port = await proxy.listen(0);
  });

  after(async () => {
    await proxy?.close();
    origin?.closeAllConnections();
    tlsOrigin?.closeAllConnections();
    await new Promise((r) => origin?.close(r));
    await new Promise((r) => tlsOrigin?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  describe('plain HTTP with curl', () => {
    test('a blocked site gets the block page (403) with the reason; the decision is logged', async () => {
      const r = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        `http://bet365.com:${originPort}/sports?bet=1`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^HTTP\/1.1 403 Forbidden/);
      assert.match(r.stdout, /Gambling sites are not allowed for Key Stage 2\./);
      assert.match(r.stdout, /<dd>Gambling<\/dd>/);
      assert.match(r.stdout, /matrix:gambling:ks2/);
      assert.match(
        r.stdout,
        /href="http:\/\/haven.school.test:8080\/report\?host=bet365.com&amp;category=gambling&amp;rule=matrix%3Agambling%3Aks2">Report a worry/,
      );
      assert.match(r.stdout, /Ask for a review/);
      assert.equal(
        seen.filter((s) => s.host?.startsWith('bet365.com')).length,
        0,
        'never forwarded',
      );
      const event = await eventually(() => events('bet365.com')[0], 'the block event');
      assert.equal(event.action, 'block');
      assert.equal(event.category, 'gambling');
      assert.equal(event.ruleId, 'matrix:gambling:ks2');
      assert.equal(event.status, 403);
      assert.equal(event.method, 'GET');
      assert.equal(event.group, 'ks2');
      assert.equal(event.url, `http://bet365.com:${originPort}/sports?bet=1`);
      assert.ok(
        event.bytesOut > 1000 && event.bytesIn > 50,
        `${event.bytesIn} in, ${event.bytesOut} out`,
      );
      assert.ok(event.durationMs >= 0);
    });

    test('an allowed site is forwarded, with Via, and its answer comes back', async () => {
      const r = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        `http://allowed.test:${originPort}/page?x=1`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^HTTP\/1.1 200 OK/);
      assert.match(r.stdout, /\r\nVia: 1.1 haven\r\n/i);
      assert.match(r.stdout, new RegExp(`origin allowed.test:${originPort} /page\\?x=1`));
      const request = seen.find((s) => s.url === '/page?x=1');
      assert.equal(request?.headers.via, '1.1 haven');
      assert.equal(request?.headers['proxy-connection'], undefined);
      const event = await eventually(
        () => events('allowed.test').find((e) => e.url?.endsWith('/page?x=1')),
        'the allow event',
      );
      assert.equal(event.action, 'allow');
      assert.equal(event.status, 200);
      assert.ok(event.bytesOut > 100);
    });

    test('IWF-listed URLs get only the IWF splash page; the event keeps only the list entry', async () => {
      const r = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        `http://allowed.test:${originPort}/listed/page?secret=name`,
      ]);
      assert.match(r.stdout, /^HTTP\/1.1 403/);
      assert.match(
        r.stdout,
        /may contain indecent images of children, as identified by the Internet Watch Foundation/,
      );
      assert.match(r.stdout, /href="https:\/\/www.iwf.org.uk\/"/);
      assert.doesNotMatch(
        r.stdout,
        /secret|listed\/page|Report a worry|Ask for a review|child-abuse/,
      );
      const event = await eventually(
        () => events('allowed.test').find((e) => e.category === 'child-abuse'),
        'the IWF event',
      );
      assert.equal(
        event.url,
        'allowed.test/listed/page',
        'the list entry, never the path asked for',
      );
      assert.equal(event.ruleId, 'illegal:child-abuse');
      assert.equal(event.searchTerms, null);

      const host = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        'http://www.iwf-listed.test/some/where',
      ]);
      assert.match(host.stdout, /^HTTP\/1.1 403/);
      assert.match(host.stdout, /Internet Watch Foundation/);
      const hostEvent = await eventually(
        () => events('www.iwf-listed.test')[0],
        'the IWF host event',
      );
      assert.equal(hostEvent.url, 'iwf-listed.test');
    });

    test('a site allowed only at certain times says when it will be open', async () => {
      const r = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        `http://games.test:${originPort}/`,
      ]);
      assert.match(r.stdout, /^HTTP\/1.1 403/);
      assert.match(
        r.stdout,
        /Online gaming sites are allowed for Key Stage 2 only during Morning break/,
      );
      assert.match(
        r.stdout,
        /again on <strong>Monday 6 October at 10:30<\/strong>, in Morning break \(10:30–10:45\)/,
      );
      const event = await eventually(() => events('games.test')[0], 'the band event');
      assert.equal(event.ruleId, 'band:online-gaming:ks2');
    });

    test('safe search: Google gets safe=active, YouTube gets YouTube-Restrict; search terms are logged', async () => {
      const r = await curl([
        '-x',
        `http://127.0.0.1:${port}`,
        `http://www.google.com:${originPort}/search?q=how+to+draw+a+cat&safe=off`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(
        seen.some((s) => s.url === '/search?q=how+to+draw+a+cat&safe=active'),
        'rewritten',
      );
      const event = await eventually(() => events('www.google.com')[0], 'the search event');
      assert.equal(event.searchTerms, 'how to draw a cat');

      await curl([
        '-x',
        `http://127.0.0.1:${port}`,
        `http://www.youtube.com:${originPort}/results?search_query=lego`,
      ]);
      const yt = seen.find((s) => s.url === '/results?search_query=lego');
      assert.equal(yt?.headers['youtube-restrict'], 'Strict');
    });

    test('hop-by-hop headers are not forwarded either way', async () => {
      const r = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        '-H',
        'Connection: keep-alive, X-Client-Hop',
        '-H',
        'X-Client-Hop: secret',
        '-H',
        'Keep-Alive: timeout=5',
        '-H',
        'TE: trailers',
        '-H',
        'Upgrade: websocket',
        '-H',
        'Proxy-Authorization: Basic c29tZTpvbmU=',
        '-H',
        'X-End-To-End: kept',
        `http://allowed.test:${originPort}/hop`,
      ]);
      // the wrong password is refused before anything is forwarded
      assert.match(r.stdout, /^HTTP\/1.1 407/);
      const ok = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        '-H',
        'Connection: keep-alive, X-Client-Hop',
        '-H',
        'X-Client-Hop: secret',
        '-H',
        'Keep-Alive: timeout=5',
        '-H',
        'TE: trailers',
        '-H',
        'Upgrade: websocket',
        '-H',
        'X-End-To-End: kept',
        '-H',
        'Via: 1.0 school-cache',
        `http://allowed.test:${originPort}/hop`,
      ]);
      assert.match(ok.stdout, /^HTTP\/1.1 200/);
      const request = seen.find((s) => s.url === '/hop');
      assert.ok(request !== undefined);
      for (const name of ['x-client-hop', 'keep-alive', 'te', 'upgrade', 'proxy-authorization']) {
        assert.equal(request.headers[name], undefined, name);
      }
      assert.equal(request.headers['x-end-to-end'], 'kept');
      assert.equal(request.headers.via, '1.0 school-cache, 1.1 haven');
      assert.doesNotMatch(ok.stdout, /X-Origin-Hop|Proxy-Authenticate/i);
      assert.match(ok.stdout, /X-End-To-End: kept/i);
    });

    test('bodies are streamed both ways, never held whole', async () => {
      // download: the first bytes arrive while the origin is still sending
      const firstByte = await new Promise<string>((done) => {
        const socket = connect({ port, host: '127.0.0.1' });
        socket.setEncoding('latin1');
        let text = '';
        socket.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('first;')) {
            socket.destroy();
            done(text);
          }
        });
        socket.write(
          `GET http://allowed.test:${originPort}/drip HTTP/1.1\r\nHost: allowed.test\r\n\r\n`,
        );
      });
      assert.match(firstByte, /^HTTP\/1.1 200/);
      // …and the origin learns that the client went away
      await eventually(
        () => (aborted.includes('/drip') ? true : undefined),
        'the origin to see the abort',
      );

      // upload: the echo of the first part comes back before the rest is sent
      const echoed = await new Promise<string>((done, fail) => {
        const socket = connect({ port, host: '127.0.0.1' });
        socket.setEncoding('latin1');
        let text = '';
        let sentRest = false;
        const timer = setTimeout(() => fail(new Error(`no streaming: ${text}`)), 3000);
        socket.on('data', (chunk: string) => {
          text += chunk;
          if (!sentRest && text.includes('part-one')) {
            sentRest = true;
            socket.write('8\r\npart-two\r\n0\r\n\r\n');
          }
          if (text.includes('part-two')) {
            clearTimeout(timer);
            socket.destroy();
            done(text);
          }
        });
        socket.write(
          `POST http://allowed.test:${originPort}/echo HTTP/1.1\r\nHost: allowed.test\r\nTransfer-Encoding: chunked\r\n\r\n8\r\npart-one\r\n`,
        );
      });
      assert.match(echoed, /part-one[\s\S]*part-two/);
    });

    test('a site that dies mid-answer cuts the client’s answer short; the proxy carries on', async () => {
      const r = await curl([
        '-x',
        `http://127.0.0.1:${port}`,
        `http://allowed.test:${originPort}/cut`,
      ]);
      assert.equal(r.code, 18, 'curl: partial file');
      assert.equal(r.stdout, 'only-part;');
      const after = await curl([
        '-x',
        `http://127.0.0.1:${port}`,
        `http://allowed.test:${originPort}/after-cut`,
      ]);
      assert.match(after.stdout, /after-cut/);
    });

    test('when identifying fails inside Haven, nothing is let through (500)', async () => {
      const r = await curl([
        '-i',
        '--interface',
        '127.0.0.3',
        '-x',
        `http://127.0.0.1:${port}`,
        `http://allowed.test:${originPort}/x`,
      ]);
      assert.match(r.stdout, /^HTTP\/1.1 500/);
      assert.match(r.stdout, /The web filter had a problem/);
      const tunnel = await raw(port, 'CONNECT allowed.test:443 HTTP/1.1\r\n\r\n', {
        localAddress: '127.0.0.3',
      });
      assert.match(tunnel, /^HTTP\/1.1 500/);
    });

    test('a site that accepts but never answers gets 504 after the idle time', async () => {
      const impatient = createProxyServer(
        deps({ upstream: { lookup, connectTimeoutMs: 1000, idleTimeoutMs: 300 } }),
      );
      const impatientPort = await impatient.listen(0);
      try {
        const started = Date.now();
        const r = await curl([
          '-i',
          '-x',
          `http://127.0.0.1:${impatientPort}`,
          `http://allowed.test:${originPort}/silent`,
        ]);
        assert.match(r.stdout, /^HTTP\/1.1 504 Gateway Timeout/);
        assert.match(r.stdout, /did not send the page in time/);
        assert.ok(Date.now() - started < 3000);
      } finally {
        await impatient.close();
      }
    });

    test('sites that cannot be reached get a clear 502 page', async () => {
      const dns = await curl(['-i', '-x', `http://127.0.0.1:${port}`, 'http://down.test/']);
      assert.match(dns.stdout, /^HTTP\/1.1 502 Bad Gateway/);
      assert.match(dns.stdout, /<h1>This site could not be reached<\/h1>/);
      assert.match(dns.stdout, /The name could not be found/);
      assert.match(dns.stdout, /DNS lookup failed/);

      const refused = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        `http://allowed.test:${closedPort}/`,
      ]);
      assert.match(refused.stdout, /^HTTP\/1.1 502/);
      assert.match(refused.stdout, /refused the connection/);
      const event = await eventually(() => events('down.test')[0], 'the 502 event');
      assert.equal(event.status, 502);
      assert.equal(event.action, 'allow');
    });

    test('requests to the proxy itself get help (400), and /proxy.pac configures browsers', async () => {
      const help = await curl(['-i', `http://127.0.0.1:${port}/`]);
      assert.match(help.stdout, /^HTTP\/1.1 400/);
      assert.match(help.stdout, /This is the school web filter/);
      assert.match(help.stdout, /sent to the web filter as if it were a web site/);
      const pac = await curl(['-i', `http://127.0.0.1:${port}/proxy.pac`]);
      assert.match(pac.stdout, /application\/x-ns-proxy-autoconfig/);
      assert.match(pac.stdout, new RegExp(`return "PROXY 127.0.0.1:${port}";`));
      const https = await raw(
        port,
        'GET https://allowed.test/ HTTP/1.1\r\nHost: allowed.test\r\n\r\n',
        { waitMs: 500 },
      );
      assert.match(https, /^HTTP\/1.1 400/);
      assert.match(https, /https:\/\/ addresses go through a CONNECT tunnel/);
    });

    test('a request that loops back to the proxy is stopped (508)', async () => {
      const loop = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        '-H',
        'Via: 1.1 haven',
        `http://allowed.test:${originPort}/loop`,
      ]);
      assert.match(loop.stdout, /^HTTP\/1.1 508/);
    });
  });

  describe('who is asking', () => {
    test('a wrong proxy password gets 407 with Proxy-Authenticate', async () => {
      const r = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        '-U',
        'dsl:wrong',
        `http://allowed.test:${originPort}/`,
      ]);
      assert.match(r.stdout, /^HTTP\/1.1 407 Proxy Authentication Required/);
      assert.match(r.stdout, /Proxy-Authenticate: Basic realm="Haven"/i);
      assert.match(r.stdout, /That username or password is wrong\./);
    });

    test('a nominated user is allowed with an alert; the event says so', async () => {
      const pupil = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        `http://porn.test:${originPort}/`,
      ]);
      assert.match(pupil.stdout, /^HTTP\/1.1 403/);
      const dsl = await curl([
        '-i',
        '-x',
        `http://127.0.0.1:${port}`,
        '-U',
        'dsl:haven-demo',
        `http://porn.test:${originPort}/check`,
      ]);
      assert.match(dsl.stdout, /^HTTP\/1.1 200/);
      const event = await eventually(
        () => events('porn.test').find((e) => e.action === 'allow-with-alert'),
        'the alert event',
      );
      assert.equal(event.ruleId, 'nominated:pornography:safeguarding-checkers');
      assert.equal(event.username, 'dsl');
      assert.equal(event.group, 'safeguarding-checkers');
      const forwarded = seen.find((s) => s.url === '/check');
      assert.equal(
        forwarded?.headers['proxy-authorization'],
        undefined,
        'the password stops at the proxy',
      );
    });

    test('a device class with no network access gets a block page', async () => {
      const r = await curl([
        '-i',
        '--interface',
        '127.0.0.2',
        '-x',
        `http://127.0.0.1:${port}`,
        `http://allowed.test:${originPort}/`,
      ]);
      assert.match(r.stdout, /^HTTP\/1.1 403/);
      assert.match(r.stdout, /This device cannot use the internet here/);
      assert.match(r.stdout, /This kind of device \(Student owned\) has no network access/);
      const event = await eventually(
        () => sink.events.find((e) => e.deviceClass === 'pupil-owned'),
        'the device event',
      );
      assert.equal(event.ruleId, 'device:pupil-owned:no-network-access');
      assert.equal(event.action, 'block');
    });
  });

  describe('HTTPS through CONNECT', () => {
    test('a blocked host gets 403 with the block page as the body', async () => {
      const answer = await raw(
        port,
        'CONNECT bet365.com:443 HTTP/1.1\r\nHost: bet365.com:443\r\n\r\n',
      );
      assert.match(answer, /^HTTP\/1.1 403 Forbidden/);
      assert.match(answer, /Gambling sites are not allowed for Key Stage 2\./);
      const r = await curl([
        '-k',
        '-x',
        `http://127.0.0.1:${port}`,
        `https://bet365.com:${tlsPort}/`,
      ]);
      assert.notEqual(r.code, 0);
      const event = await eventually(
        () => events('bet365.com').find((e) => e.method === 'CONNECT'),
        'the CONNECT event',
      );
      assert.equal(event.action, 'block');
      assert.equal(event.status, 403);
      assert.equal(event.url, null);
    });

    test('an allowed host is tunnelled: curl -k reaches the TLS origin', async () => {
      const r = await curl([
        '-k',
        '-x',
        `http://127.0.0.1:${port}`,
        `https://tls-allowed.test:${tlsPort}/secure?x=1`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'tls-origin tls-allowed.test /secure?x=1');
      const event = await eventually(() => events('tls-allowed.test')[0], 'the tunnel event');
      assert.equal(event.method, 'CONNECT');
      assert.equal(event.status, 200);
      assert.ok(event.bytesIn > 200 && event.bytesOut > 200, `${event.bytesIn}/${event.bytesOut}`);
    });

    test('a tunnel to an IP address is decided again on the TLS server name', async () => {
      const blocked = await tunnel(port, `127.0.0.1:${tlsPort}`);
      const outcome = await new Promise<string>((done) => {
        const tls = tlsConnect({
          socket: blocked,
          servername: 'bet365.com',
          rejectUnauthorized: false,
        });
        tls.on('secureConnect', () => done('connected'));
        tls.on('error', (error) => done(`error ${error.message}`));
        tls.on('close', () => done('closed'));
      });
      assert.notEqual(outcome, 'connected');
      const event = await eventually(
        () => events('bet365.com').find((e) => e.method === 'CONNECT' && e.status === 200),
        'the SNI block event',
      );
      assert.equal(event.action, 'block');
      assert.equal(event.ruleId, 'matrix:gambling:ks2');

      const allowed = await tunnel(port, `127.0.0.1:${tlsPort}`);
      const body = await new Promise<string>((done, fail) => {
        const tls = tlsConnect(
          { socket: allowed, servername: 'tls-allowed.test', rejectUnauthorized: false },
          () => {
            tls.write(
              'GET /via-ip HTTP/1.1\r\nHost: tls-allowed.test\r\nConnection: close\r\n\r\n',
            );
          },
        );
        let text = '';
        tls.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        tls.on('end', () => done(text));
        tls.on('error', fail);
      });
      assert.match(body, /tls-origin tls-allowed.test \/via-ip/);
    });

    test('plain (non-TLS) bytes inside a tunnel are relayed', async () => {
      const socket = await tunnel(port, `allowed.test:${originPort}`);
      const text = await new Promise<string>((done) => {
        let out = '';
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => {
          out += chunk;
        });
        socket.on('close', () => done(out));
        socket.resume();
        socket.write('GET /inside HTTP/1.1\r\nHost: allowed.test\r\nConnection: close\r\n\r\n');
      });
      assert.match(text, /^HTTP\/1.1 200 OK/);
      assert.match(text, /origin allowed.test \/inside/);
    });

    test('CONNECT to a port that is not allowed, or to a site that is down', async () => {
      const smtp = await raw(
        port,
        'CONNECT allowed.test:25 HTTP/1.1\r\nHost: allowed.test:25\r\n\r\n',
      );
      assert.match(smtp, /^HTTP\/1.1 403/);
      assert.match(smtp, /may only go to port 443/);
      const down = await raw(port, `CONNECT allowed.test:${closedPort} HTTP/1.1\r\n\r\n`);
      assert.match(down, /^HTTP\/1.1 502 Bad Gateway/);
      assert.match(down, /refused the connection/);
      const nxdomain = await raw(port, 'CONNECT down.test:443 HTTP/1.1\r\n\r\n');
      assert.match(nxdomain, /^HTTP\/1.1 502/);
      assert.match(nxdomain, /The name could not be found/);
      const wrong = await raw(port, 'CONNECT x.test:99999 HTTP/1.1\r\n\r\n');
      assert.match(wrong, /^HTTP\/1.1 400/);
      const noAuth = await raw(
        port,
        `CONNECT allowed.test:443 HTTP/1.1\r\nProxy-Authorization: Basic eDp5\r\n\r\n`,
      );
      assert.match(noAuth, /^HTTP\/1.1 407/);
      assert.match(noAuth, /Proxy-Authenticate: Basic realm="Haven"/);
    });
  });

  describe('limits and abuse', () => {
    test('headers over the limit get 431', async () => {
      const answer = await raw(
        port,
        `GET http://allowed.test:${originPort}/ HTTP/1.1\r\nHost: allowed.test\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
      );
      assert.match(answer, /^HTTP\/1.1 431/);
    });

    test('a client too slow to send its headers gets 408', async () => {
      const slow = createProxyServer(deps({ limits: { headersTimeoutMs: 300 } }));
      const slowPort = await slow.listen(0);
      try {
        const started = Date.now();
        const answer = await raw(slowPort, 'GET http://allowed.test/ HTTP/1.1\r\nHost: allo', {
          waitMs: 3000,
        });
        assert.match(answer, /^HTTP\/1.1 408/);
        assert.ok(Date.now() - started < 2500);
      } finally {
        await slow.close();
      }
    });

    test('fuzzed request lines, headers and tunnels never bring the proxy down', async () => {
      const random = createRandom(4242);
      const pieces = [
        'GET ',
        'CONNECT ',
        'POST ',
        'http://',
        'allowed.test',
        ':',
        String(originPort),
        '/',
        '?',
        '#',
        ' HTTP/1.1',
        ' HTTP/1.0',
        '\r\n',
        'Host: ',
        'Content-Length: ',
        '-1',
        '99999999999',
        'Transfer-Encoding: chunked',
        'Proxy-Authorization: ',
        'Basic ',
        '\u0000',
        '\u00ff',
        '[',
        ']',
        '::1',
        '\u0016\u0003\u0001',
        ' ',
        '\t',
        '%',
      ];
      const inputs: Buffer[] = [];
      for (let i = 0; i < 150; i++) {
        if (i % 3 === 0) {
          inputs.push(
            Buffer.from(Array.from({ length: 1 + random.int(3000) }, () => random.int(256))),
          );
        } else {
          let text = '';
          const n = 1 + random.int(40);
          for (let k = 0; k < n; k++) text += random.pick(pieces);
          inputs.push(Buffer.from(text, 'latin1'));
        }
      }
      // a tunnel fed garbage after the 200
      const socket = await tunnel(port, `allowed.test:${originPort}`);
      socket.write(Buffer.from(Array.from({ length: 5000 }, () => random.int(256))));
      socket.destroy();
      await Promise.all(inputs.map((input) => raw(port, input, { waitMs: 400 })));
      const r = await curl([
        '-x',
        `http://127.0.0.1:${port}`,
        `http://allowed.test:${originPort}/after-fuzz`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /origin allowed.test:\d+ \/after-fuzz/);
    });

    test('1,000 keep-alive client connections held at once, all answered, twice', async () => {
      const clients: Socket[] = [];
      const buffers: string[] = [];
      let answered = 0;
      let peak = 0;
      const round = (n: number): Promise<void> =>
        new Promise((done, fail) => {
          const timer = setTimeout(() => fail(new Error(`only ${answered} answered`)), 30_000);
          answered = 0;
          for (let i = 0; i < clients.length; i++) {
            const socket = clients[i];
            socket?.write(
              `GET http://allowed.test:${originPort}/many/${n}/${i} HTTP/1.1\r\nHost: allowed.test\r\n\r\n`,
            );
          }
          const check = setInterval(() => {
            peak = Math.max(peak, proxy.stats().connections);
            if (answered === clients.length) {
              clearInterval(check);
              clearTimeout(timer);
              done();
            }
          }, 10);
        });
      await Promise.all(
        Array.from({ length: 1000 }, (_, i) => {
          const socket = connect({ port, host: '127.0.0.1' });
          clients.push(socket);
          buffers.push('');
          socket.setEncoding('latin1');
          socket.on('data', (chunk: string) => {
            buffers[i] = (buffers[i] ?? '') + chunk;
            const text = buffers[i] ?? '';
            const end = text.indexOf('\r\n\r\n');
            if (end < 0) return;
            const length = Number(/content-length: (\d+)/i.exec(text.slice(0, end))?.[1] ?? -1);
            if (length < 0 || text.length < end + 4 + length) return;
            assert.match(text, /^HTTP\/1.1 200/);
            buffers[i] = text.slice(end + 4 + length);
            answered++;
          });
          return new Promise<void>((done) => socket.once('connect', () => done()));
        }),
      );
      try {
        await round(1);
        assert.ok(proxy.stats().connections >= 1000, `${proxy.stats().connections} connections`);
        await round(2);
        assert.ok(peak >= 1000, `peak ${peak}`);
      } finally {
        for (const socket of clients) socket.destroy();
      }
    });
  });

  describe('in Chromium', () => {
    let browser: Browser;
    before(async () => {
      mkdirSync(screenshots, { recursive: true });
      browser = await launchChromium([
        `--proxy-server=http://127.0.0.1:${port}`,
        '--proxy-bypass-list=<-loopback>',
        '--ignore-certificate-errors',
      ]);
    });
    after(async () => {
      await browser?.close();
    });

    test('a blocked page shows the block page', async () => {
      const page = await browser.newPage({ viewport: { width: 1000, height: 860 } });
      const response = await page.goto(`http://bet365.com:${originPort}/`);
      assert.equal(response?.status(), 403);
      await page.getByRole('heading', { level: 1, name: 'This page is blocked' }).waitFor();
      await page.getByText('Gambling sites are not allowed for Key Stage 2.').waitFor();
      const report = page.getByRole('link', { name: 'Report a worry' });
      assert.match(
        (await report.getAttribute('href')) ?? '',
        /\/report\?host=bet365.com&category=gambling&rule=/,
      );
      await page.getByRole('link', { name: 'Ask for a review' }).waitFor();
      await page.screenshot({ path: join(screenshots, 'proxy-blocked.png'), fullPage: true });

      // keyboard: the first Tab lands on "Report a worry"
      await page.keyboard.press('Tab');
      assert.equal(
        await page.evaluate(() => document.activeElement?.textContent),
        'Report a worry',
      );

      // at phone width nothing scrolls sideways
      await page.setViewportSize({ width: 390, height: 844 });
      assert.equal(
        await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth),
        false,
      );
      await page.screenshot({ path: join(screenshots, 'proxy-blocked-phone.png'), fullPage: true });
      await page.close();
    });

    test('a page allowed at other times shows when', async () => {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      await page.goto(`http://games.test:${originPort}/play`);
      await page.getByText('You can use this site again on').waitFor();
      await page.screenshot({ path: join(screenshots, 'proxy-blocked-band.png'), fullPage: true });
      await page.close();
    });

    test('an allowed page comes from the origin, over HTTP and HTTPS', async () => {
      const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      const response = await page.goto(`http://allowed.test:${originPort}/hello`);
      assert.equal(response?.status(), 200);
      await page.getByRole('heading', { name: 'An allowed page' }).waitFor();
      await page.screenshot({ path: join(screenshots, 'proxy-allowed.png'), fullPage: true });
      await page.goto(`https://tls-allowed.test:${tlsPort}/from-chromium`);
      await page.getByText(`tls-origin tls-allowed.test /from-chromium`).waitFor();
      await page.close();
    });

    test('a blocked HTTPS site fails to open the tunnel', async () => {
      const page = await browser.newPage();
      await assert.rejects(
        page.goto(`https://bet365.com:${tlsPort}/`),
        /ERR_TUNNEL_CONNECTION_FAILED/,
      );
      await page.close();
    });

    test('the IWF splash page', async () => {
      const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      await page.goto(`http://iwf-listed.test:${originPort}/`);
      await page.getByRole('heading', { level: 1, name: 'Access denied' }).waitFor();
      assert.equal(await page.getByRole('link').count(), 1);
      await page.screenshot({ path: join(screenshots, 'proxy-iwf.png'), fullPage: true });
      await page.close();
    });
  });
});
