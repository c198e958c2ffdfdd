import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect as netConnect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createProxyServer, type ProxyServer } from '../../src/filter/proxy/proxy-server.ts';
import { INVALID_CERTIFICATE_RULE } from '../../src/filter/proxy/inspected-connection.ts';
import type { LookupFunction } from '../../src/filter/proxy/upstream.ts';
import { loadHttpsInspection } from '../../src/filter/tls/inspection-setup.ts';
import { launchChromium } from '../support/browser.ts';
import { runCli } from '../support/run-cli.ts';
import {
  fixedSnapshotSource,
  fixtureSnapshot,
  identity,
  MemorySink,
  staticIdentifier,
} from '../support/filter-fixtures.ts';

/**
 * HTTPS inspection for real, on 127.0.0.1 only. The school CA is made with `haven ca create` in a
 * temporary data folder; a local HTTPS origin has its own test CA made with openssl (trusted by
 * the proxy through `extraRoots`, never by curl for inspected hosts); a second origin has a
 * self-signed certificate nobody trusts. Test names reach 127.0.0.1 through the proxy's lookup.
 * curl (`--cacert`, `-x`) plays the managed device.
 */

const MANAGED = identity(['ks2'], { deviceClass: 'school-single-user' });
const UNMANAGED = identity(['ks2']);
const STAFF = identity(['staff'], { deviceClass: 'school-multi-user' });
const identifier = staticIdentifier({
  '127.0.0.1': MANAGED,
  '127.0.0.2': UNMANAGED,
  '127.0.0.3': STAFF,
});

const NAMES = [
  'allowed.test',
  'bypass.test',
  'www.natwest.com',
  'www.google.com',
  'forcesafesearch.google.com',
  'www.bing.com',
  'strict.bing.com',
  'www.youtube.com',
  'restrict.youtube.com',
];

const lookup: LookupFunction = (host) =>
  NAMES.includes(host) || host === 'bad.test'
    ? Promise.resolve({ address: '127.0.0.1', family: 4 })
    : Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }),
      );

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

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

const WORRYING = '<p>Painless suicide methods &amp; how many pills to overdose</p>';

/** HTML pages for content scoring: gzip-compressed, charset in a `<meta>`. */
const PAGES: Readonly<Record<string, string>> = {
  '/html/worrying': `<html><head><meta charset="windows-1252"><title>Forum</title></head><body>${WORRYING}</body></html>`,
  '/html/ordinary':
    '<html><head><title>Volcanoes</title></head><body><p>Magma rises through the crust.</p><script>var s = "painless suicide methods";</script></body></html>',
  '/html/large': `<html><body>${'<p>Rivers and seas.</p>'.repeat(5000)}${WORRYING}</body></html>`,
};

/** What the origin saw, answered as the page body. */
function originHandler(req: IncomingMessage, res: ServerResponse): void {
  const page = PAGES[req.url ?? ''];
  if (page !== undefined) {
    const body = gzipSync(Buffer.from(page, 'latin1'));
    res.writeHead(200, {
      'content-type': 'text/html',
      'content-encoding': 'gzip',
      'content-length': String(body.length),
    });
    res.end(body);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({
      origin: 'test-origin',
      host: req.headers.host,
      url: req.url,
      restrict: req.headers['youtube-restrict'] ?? null,
      via: req.headers.via ?? null,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
}

describe('HTTPS inspection through the proxy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-inspection-'));
  const dataDir = join(dir, 'data');
  const secret = randomBytes(32).toString('base64');
  const sink = new MemorySink();
  let origin: HttpsServer;
  let badOrigin: HttpsServer;
  let proxy: ProxyServer;
  let originPort = 0;
  let badPort = 0;
  let proxyUrl = '';
  const schoolCaFile = join(dir, 'school-ca.pem');
  const originCaFile = join(dir, 'origin-ca.pem');

  before(async () => {
    // the school CA, as an administrator makes it
    const env = { HAVEN_DATA: dataDir, HAVEN_SECRET_KEY: secret };
    const created = await runCli(['ca', 'create', '--school', 'Roundwood Primary'], env);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created CN=Roundwood Primary Haven inspection CA/);
    assert.doesNotMatch(created.stdout, /PRIVATE KEY/);
    const exported = await runCli(['ca', 'export', '--out', schoolCaFile], env);
    assert.equal(exported.code, 0, exported.stderr);
    const status = await runCli(['ca', 'status'], env);
    assert.match(status.stdout, /SHA-256 ([0-9A-F]{2}:){31}/);
    const der = await runCli(['ca', 'export', '--der', '--out', join(dir, 'school-ca.der')], env);
    assert.equal(der.code, 0, der.stderr);
    assert.equal(
      new X509Certificate(readFileSync(join(dir, 'school-ca.der'))).fingerprint256,
      new X509Certificate(readFileSync(schoolCaFile)).fingerprint256,
    );

    // the origin's own CA and certificate (openssl), and an untrusted self-signed one
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'origin-ca.key',
        '-out',
        'origin-ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=Origin Test Root',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign',
      ],
      dir,
    );
    openssl(
      ['req', ...ec, '-keyout', 'origin.key', '-out', 'origin.csr', '-subj', '/CN=allowed.test'],
      dir,
    );
    writeFileSync(
      join(dir, 'san.cnf'),
      `subjectAltName=${NAMES.map((n) => `DNS:${n}`).join(',')}\n`,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'origin.csr',
        '-CA',
        'origin-ca.pem',
        '-CAkey',
        'origin-ca.key',
        '-CAcreateserial',
        '-out',
        'origin.pem',
        '-days',
        '2',
        '-extfile',
        'san.cnf',
      ],
      dir,
    );
    openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'bad.key',
        '-out',
        'bad.pem',
        '-days',
        '2',
        '-subj',
        '/CN=bad.test',
        '-addext',
        'subjectAltName=DNS:bad.test',
      ],
      dir,
    );
    const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
    origin = createHttpsServer(
      { key: read('origin.key'), cert: read('origin.pem') },
      originHandler,
    );
    badOrigin = createHttpsServer({ key: read('bad.key'), cert: read('bad.pem') }, originHandler);
    origin.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `X-Seen-Path: ${req.url ?? ''}\r\n\r\n`,
      );
      socket.on('data', (chunk: Buffer) => socket.write(chunk));
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => badOrigin.listen(0, '127.0.0.1', r));
    originPort = (origin.address() as AddressInfo).port;
    badPort = (badOrigin.address() as AddressInfo).port;

    const inspection = await loadHttpsInspection({
      dataDir,
      env: { HAVEN_SECRET_KEY: secret },
      settings: {
        enabled: true,
        deviceClasses: ['school-single-user', 'school-multi-user'],
        bypassHosts: ['bypass.test'],
        extraRoots: [originCaFile],
        leafCacheSize: 100,
        contentThresholds: { ks2: 100 },
        contentMaxBytes: 64 * 1024,
      },
    });
    assert.ok(inspection !== null);
    proxy = createProxyServer({
      identifier,
      snapshots: fixedSnapshotSource(
        fixtureSnapshot({
          hosts: { gambling: ['bet365.com'] },
          urls: { gambling: ['allowed.test/blocked'], 'child-abuse': ['allowed.test/listed/page'] },
        }),
      ),
      events: sink,
      clock: () => new Date(),
      blockPage: { publicUrl: 'https://haven.school.test' },
      limits: { connectPorts: null },
      upstream: { lookup },
      inspection,
    });
    proxyUrl = `http://127.0.0.1:${await proxy.listen(0)}`;
  });

  after(async () => {
    await proxy.close();
    await new Promise<void>((r) => origin.close(() => r()));
    await new Promise<void>((r) => badOrigin.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (host: string, path = '/'): string => `https://${host}:${originPort}${path}`;
  const eventsFor = (url: string) => sink.events.filter((e) => e.url === url);

  test('a managed device trusting the school CA sees the page; the certificate is the school CA’s', async () => {
    const run = await curl([
      '-v',
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      at('allowed.test', '/page?x=1'),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const seen = JSON.parse(run.stdout) as { host: string; url: string; via: string };
    assert.equal(seen.host, `allowed.test:${originPort}`);
    assert.equal(seen.url, '/page?x=1');
    assert.equal(seen.via, '1.1 haven');
    assert.match(run.stderr, /issuer: CN=Roundwood Primary Haven inspection CA/);
    assert.match(run.stderr, /ALPN: server accepted http\/1\.1/);
    const [event] = eventsFor(at('allowed.test', '/page?x=1'));
    assert.equal(event?.action, 'allow');
    assert.equal(event?.method, 'GET');
    assert.equal(event?.status, 200);
    assert.equal(event?.deviceClass, 'school-single-user');
  });

  test('requests inside an inspected tunnel go only to its host', async () => {
    const spoofed = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      '-H',
      'Host: bet365.com',
      at('allowed.test', '/h'),
    ]);
    assert.equal(
      (JSON.parse(spoofed.stdout) as { host: string }).host,
      `allowed.test:${originPort}`,
    );
    const absolute = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      '-w',
      '\n%{http_code}',
      '--request-target',
      'https://bet365.com/',
      at('allowed.test', '/'),
    ]);
    assert.match(absolute.stdout, /\n400$/);
    assert.doesNotMatch(absolute.stdout, /test-origin/);
  });

  test('a URL-level entry blocks just that page, over the same kept-alive connection', async () => {
    const run = await curl([
      '-v',
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      '-w',
      '\n%{http_code}\n',
      at('allowed.test', '/blocked/page'),
      at('allowed.test', '/fine'),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /This page is blocked/);
    assert.match(run.stdout, /\n403\n/);
    assert.match(run.stdout, /"url":"\/fine"/);
    assert.match(run.stdout, /\n200\n$/);
    assert.match(run.stderr, /Re-using existing connection|Reusing existing/);
    const [blocked] = eventsFor(at('allowed.test', '/blocked/page'));
    assert.equal(blocked?.action, 'block');
    assert.equal(blocked?.category, 'gambling');
    assert.equal(blocked?.status, 403);
    // IWF-style entry: the IWF page, and the event keeps only the list entry (MON-4)
    const iwf = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      at('allowed.test', '/listed/page?secret=1'),
    ]);
    assert.match(iwf.stdout, /Internet Watch Foundation/);
    assert.ok(
      sink.events.some((e) => e.url === 'allowed.test/listed/page' && e.action === 'block'),
    );
    assert.ok(!sink.events.some((e) => e.url?.includes('secret=1') === true));
  });

  test('no-inspection hosts and unmanaged devices get a plain tunnel: the origin’s own certificate', async () => {
    for (const host of ['bypass.test', 'www.natwest.com']) {
      const viaSchool = await curl(['--cacert', schoolCaFile, '-x', proxyUrl, at(host)]);
      assert.notEqual(viaSchool.code, 0, `${host} must not be signed by the school CA`);
      const run = await curl(['-v', '--cacert', originCaFile, '-x', proxyUrl, at(host)]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /issuer: CN=Origin Test Root/);
      assert.equal((JSON.parse(run.stdout) as { via: string | null }).via, null);
    }
    const unmanaged = await curl([
      '-v',
      '--interface',
      '127.0.0.2',
      '--cacert',
      originCaFile,
      '-x',
      proxyUrl,
      at('allowed.test'),
    ]);
    assert.equal(unmanaged.code, 0, unmanaged.stderr);
    assert.match(unmanaged.stderr, /issuer: CN=Origin Test Root/);
    // openssl s_client through the proxy shows the same
    const shown = await new Promise<string>((done) => {
      execFile(
        'openssl',
        [
          's_client',
          '-proxy',
          proxyUrl.replace('http://', ''),
          '-connect',
          `www.natwest.com:${originPort}`,
          '-servername',
          'www.natwest.com',
          '-CAfile',
          originCaFile,
        ],
        { encoding: 'utf8', timeout: 10_000 },
        (_error, stdout, stderr) => done(stdout + stderr),
      ).stdin?.end('Q\n');
    });
    assert.match(shown, /Origin Test Root/);
    assert.doesNotMatch(shown, /Haven inspection CA/);
  });

  test('a site whose certificate cannot be verified gets the certificate block page', async () => {
    const url = `https://bad.test:${badPort}/`;
    const run = await curl(['--cacert', schoolCaFile, '-x', proxyUrl, '-w', '\n%{http_code}', url]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /This site(’|'|&#39;|&#x27;)s certificate is not valid/);
    assert.match(run.stdout, /\n502$/);
    assert.doesNotMatch(run.stdout, /test-origin/);
    const [event] = eventsFor(url);
    assert.equal(event?.ruleId, INVALID_CERTIFICATE_RULE);
    assert.equal(event?.action, 'block');
  });

  test('search terms are logged, and safe search is enforced by URL parameter and header', async () => {
    const google = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      at('www.google.com', '/search?q=revision+tips&safe=off'),
    ]);
    assert.equal(
      (JSON.parse(google.stdout) as { url: string }).url,
      '/search?q=revision+tips&safe=active',
    );
    const bing = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      at('www.bing.com', '/search?q=volcanoes'),
    ]);
    assert.equal(
      (JSON.parse(bing.stdout) as { url: string }).url,
      '/search?q=volcanoes&adlt=strict',
    );
    const youtube = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      at('www.youtube.com', '/results?search_query=science'),
    ]);
    assert.equal((JSON.parse(youtube.stdout) as { restrict: string }).restrict, 'Strict');
    const terms = sink.events.map((e) => e.searchTerms).filter((t) => t !== null);
    assert.deepEqual(terms, ['revision tips', 'volcanoes', 'science']);
    const [event] = eventsFor(at('www.google.com', '/search?q=revision+tips&safe=off'));
    assert.equal(event?.host, 'www.google.com');
  });

  test('request bodies are streamed to the site', async () => {
    const body = 'x'.repeat(200_000);
    const file = join(dir, 'upload.txt');
    writeFileSync(file, body);
    const run = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      '--data-binary',
      `@${file}`,
      at('allowed.test', '/upload'),
    ]);
    assert.equal((JSON.parse(run.stdout) as { body: string }).body.length, body.length);
    const [event] = eventsFor(at('allowed.test', '/upload'));
    assert.equal(event?.method, 'POST');
  });

  test('page content above the group threshold is replaced by the block page; the body is not kept', async () => {
    const run = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      '-w',
      '\n%{http_code}',
      at('allowed.test', '/html/worrying'),
    ]);
    assert.match(run.stdout, /This page is blocked/);
    assert.match(run.stdout, /\n403$/);
    assert.doesNotMatch(run.stdout, /overdose/);
    const event = eventsFor(at('allowed.test', '/html/worrying'))[0];
    assert.equal(event?.action, 'block');
    assert.equal(event?.ruleId, 'inspection:content-score');
    assert.equal(event?.category, 'self-harm');
    // the event carries the score, its category and the matched phrases, and the page title
    assert.ok((event?.riskScore ?? 0) >= 100);
    assert.deepEqual(event?.riskCategories, ['self-harm']);
    assert.ok(event?.riskPhrases?.includes('painless suicide'));
    assert.equal(event?.title, 'Forum');
    assert.ok(!JSON.stringify(event).includes('<p>'));

    // words only in a script do not count; the page passes byte for byte (still gzip)
    const ordinary = await curl([
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      '-D',
      '-',
      '-o',
      join(dir, 'ordinary.gz'),
      at('allowed.test', '/html/ordinary'),
    ]);
    assert.match(ordinary.stdout, /content-encoding: gzip/i);
    assert.equal(
      gunzipSync(readFileSync(join(dir, 'ordinary.gz'))).toString('latin1'),
      PAGES['/html/ordinary'],
    );
    const ordinaryEvent = eventsFor(at('allowed.test', '/html/ordinary'))[0];
    assert.equal(ordinaryEvent?.title, 'Volcanoes');
    assert.equal(ordinaryEvent?.riskScore ?? null, null, 'nothing matched: no score');
    // staff have no threshold: not scored; a page over the size limit passes unscored
    const staff = await curl([
      '--compressed',
      '--interface',
      '127.0.0.3',
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      at('allowed.test', '/html/worrying'),
    ]);
    assert.match(staff.stdout, /overdose/);
    const large = await curl([
      '--compressed',
      '--cacert',
      schoolCaFile,
      '-x',
      proxyUrl,
      at('allowed.test', '/html/large'),
    ]);
    assert.match(large.stdout, /overdose/);
  });

  test('WebSocket upgrades are decided on the full URL, then relayed', async () => {
    /** Upgrade request over an inspected connection; resolves with the answer head and the echo. */
    const upgrade = (path: string): Promise<string> =>
      new Promise((done, fail) => {
        const raw = netConnect({ host: '127.0.0.1', port: Number(new URL(proxyUrl).port) });
        raw.once('connect', () =>
          raw.write(`CONNECT allowed.test:${originPort} HTTP/1.1\r\nHost: allowed.test\r\n\r\n`),
        );
        raw.once('data', (first: Buffer) => {
          assert.match(first.toString(), /^HTTP\/1\.1 200/);
          const tls = tlsConnect({
            socket: raw,
            servername: 'allowed.test',
            ca: readFileSync(schoolCaFile, 'utf8'),
          });
          let seen = '';
          tls.once('secureConnect', () =>
            tls.write(
              `GET ${path} HTTP/1.1\r\nHost: allowed.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
            ),
          );
          tls.on('data', (chunk: Buffer) => {
            const before = seen.length;
            seen += chunk.toString();
            if (before === 0 && seen.startsWith('HTTP/1.1 101')) tls.write('ping-123');
            if (seen.includes('ping-123') || seen.includes('</html>')) {
              tls.destroy();
              done(seen);
            }
          });
          tls.once('error', fail);
        });
      });
    const allowed = await upgrade('/socket?room=1');
    assert.match(allowed, /^HTTP\/1\.1 101/);
    assert.match(allowed, /X-Seen-Path: \/socket\?room=1/);
    assert.match(allowed, /ping-123$/);
    const blocked = await upgrade('/blocked/socket');
    assert.match(blocked, /^HTTP\/1\.1 403/);
    assert.match(blocked, /This page is blocked/);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(eventsFor(at('allowed.test', '/socket?room=1'))[0]?.status, 101);
    assert.equal(eventsFor(at('allowed.test', '/blocked/socket'))[0]?.action, 'block');
  });

  test('haven ca rotate keeps the old CA in the exported bundle', async () => {
    const other = join(dir, 'rotate');
    const env = { HAVEN_DATA: other, HAVEN_SECRET_KEY: secret };
    assert.equal((await runCli(['ca', 'create', '--school', 'Crosfields'], env)).code, 0);
    const again = await runCli(['ca', 'create', '--school', 'Crosfields'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already a school CA/);
    const wrong = await runCli(['ca', 'rotate', '--school', 'Crosfields'], {
      ...env,
      HAVEN_SECRET_KEY: randomBytes(32).toString('base64'),
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^haven: The encrypted secret could not be opened/);
    const rotated = await runCli(
      ['ca', 'rotate', '--school', 'Crosfields', '--overlap-days', '30'],
      env,
    );
    assert.equal(rotated.code, 0, rotated.stderr);
    const bundle = await runCli(['ca', 'export'], env);
    assert.equal(bundle.stdout.match(/BEGIN CERTIFICATE/g)?.length, 2);
    const status = await runCli(['ca', 'status'], env);
    assert.match(status.stdout, /Earlier CA, still trusted until/);
  });

  test('Chromium trusting only the school CA key shows the block page inside HTTPS', async () => {
    // trust exactly the school CA's key (not --ignore-certificate-errors, which trusts anything)
    const spki = createPublicKey(readFileSync(schoolCaFile, 'utf8')).export({
      type: 'spki',
      format: 'der',
    });
    const browser = await launchChromium([
      `--proxy-server=${proxyUrl}`,
      '--proxy-bypass-list=<-loopback>',
      `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`,
    ]);
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 860 } });
      const blocked = await page.goto(at('allowed.test', '/blocked/page'));
      assert.equal(blocked?.status(), 403);
      await page.getByRole('heading', { name: 'This page is blocked' }).waitFor();
      await page.screenshot({
        path: resolve(
          import.meta.dirname,
          '..',
          '..',
          'test-results',
          'screenshots',
          'inspection-blocked.png',
        ),
      });
      const fine = await page.goto(at('allowed.test', '/fine'));
      assert.equal(fine?.status(), 200);
      assert.match(await page.content(), /test-origin/);
      // a no-inspection host is the origin's own certificate, which this browser does not trust
      await assert.rejects(page.goto(at('bypass.test', '/')), /ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await browser.close();
    }
  });

  test('a device that does not trust the school CA fails the handshake: nothing passes', async () => {
    const run = await curl(['-x', proxyUrl, at('allowed.test', '/untrusted')]);
    assert.notEqual(run.code, 0);
    assert.equal(eventsFor(at('allowed.test', '/untrusted')).length, 0);
  });
});
