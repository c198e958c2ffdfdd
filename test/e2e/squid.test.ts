import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createIcapServer, type IcapService } from '../../src/filter/icap/icap-server.ts';
import {
  fixedSnapshotSource,
  identity,
  MemorySink,
  staticIdentifier,
} from '../support/filter-fixtures.ts';

/**
 * Haven plugged into Debian's real Squid, three ways, all on 127.0.0.1 with names from a hosts
 * file (no DNS): the url_rewrite helper (with concurrency), the external ACL helper (without
 * concurrency, behind Squid's basic authentication so a user name flows through), and the ICAP
 * REQMOD service (behind a tap that records what Haven answered Squid). Every Squid is stopped by
 * its pid whatever happens.
 */

const projectRoot = resolve(import.meta.dirname, '..', '..');
const squidBinary = ['/usr/sbin/squid', '/usr/bin/squid'].find((path) => existsSync(path));
const curlAvailable = ['/usr/bin/curl', '/bin/curl', '/usr/local/bin/curl'].some(existsSync);
const missing =
  squidBinary === undefined
    ? 'Squid is not installed (apt-get install squid)'
    : !curlAvailable
      ? 'curl is not installed (apt-get install curl)'
      : null;
if (missing !== null && process.env.CI === 'true') throw new Error(missing);

const tsxLoader = join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const helperEntry = join(projectRoot, 'src', 'filter', 'squid', 'squid-helper-entry.ts');
const fakeAuth = '/usr/lib/squid/basic_fake_auth';
const TEST_NAMES = ['bet365.com', 'allowed.test', 'iwf-listed.test', 'localhost'];
const KS2_REASON = 'Gambling sites are not allowed for Key Stage 2.';

/** Squid error pages for the external ACL (docs/squid.md): the reason is `%o`, HTML-quoted. */
const BLOCKED_TEMPLATE =
  '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Blocked</title></head>' +
  '<body><main><h1>This page is blocked</h1><p id="reason">%o</p><p>%U</p></main></body></html>\n';
const IWF_TEMPLATE =
  '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Access denied</title>' +
  '</head><body><main><h1>Access denied</h1><p>Access to this page has been denied because it ' +
  'may contain indecent images of children, as identified by the Internet Watch Foundation ' +
  '(IWF).</p></main></body></html>\n';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

function listenOn(server: Server | HttpServer): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePort((server.address() as AddressInfo).port));
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SquidInstance {
  readonly port: number;
  readonly dir: string;
  log(name: string): string;
  stop(): Promise<void>;
}

/** Writes a squid.conf into a fresh folder, starts `squid -N`, and waits until it listens. */
async function startSquid(name: string, lines: readonly string[]): Promise<SquidInstance> {
  const dir = mkdtempSync(join(tmpdir(), `haven-squid-${name}-`));
  // Started as root, Squid drops to its `proxy` user: it must be able to write its logs here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  writeFileSync(join(dir, 'hosts'), `127.0.0.1 ${TEST_NAMES.join(' ')}\n`);
  const errors = join(dir, 'errors');
  mkdirSync(errors);
  const templates = '/usr/share/squid/errors/templates';
  if (existsSync(templates)) {
    for (const file of readdirSync(templates))
      copyFileSync(join(templates, file), join(errors, file));
  }
  writeFileSync(join(errors, 'ERR_HAVEN_BLOCKED'), BLOCKED_TEMPLATE);
  writeFileSync(join(errors, 'ERR_HAVEN_IWF'), IWF_TEMPLATE);
  const conf = join(dir, 'squid.conf');
  writeFileSync(
    conf,
    [
      `http_port 127.0.0.1:${port}`,
      `pid_filename ${dir}/squid.pid`,
      `cache_log ${dir}/cache.log`,
      'logformat haven %>a %un %Ss/%03>Hs %rm %ru rule=%{haven_rule}note acl=%ea icap=%{X-Haven-Rule}adapt::<last_h',
      `access_log stdio:${dir}/access.log haven`,
      'cache_store_log none',
      'cache deny all',
      'cache_mem 8 MB',
      `coredump_dir ${dir}`,
      `error_directory ${errors}`,
      'visible_hostname haven-test',
      `hosts_file ${dir}/hosts`,
      'dns_nameservers 127.0.0.1',
      'pinger_enable off',
      'netdb_filename none',
      'shutdown_lifetime 0 seconds',
      ...lines,
    ].join('\n') + '\n',
  );
  for (const file of readdirSync(dir)) {
    if (file !== 'errors') chmodSync(join(dir, file), 0o644);
  }
  chmodSync(errors, 0o755);

  const child = spawn(squidBinary ?? 'squid', ['-N', '-f', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  const exit = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      r();
    }),
  );
  const log = (file: string): string => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exit, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
      clearTimeout(timer);
      if (!exited) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      const problem = `squid (${name}) did not start:\n${output}\n${log('cache.log')}`;
      await stop();
      throw new Error(problem);
    }
    await sleep(100);
  }
  return { port, dir, log, stop };
}

interface CurlResult {
  readonly status: number;
  /** The proxy's answer to CONNECT (https:// URLs). */
  readonly connectStatus: number;
  readonly location: string;
  readonly body: string;
}

const MARK = '\n@@haven-curl@@';

function curl(proxyPort: number, url: string, extra: readonly string[] = []): Promise<CurlResult> {
  return new Promise((resolveCurl, reject) => {
    execFile(
      'curl',
      [
        '-sS',
        '--max-time',
        '20',
        '-x',
        `http://127.0.0.1:${proxyPort}`,
        '-w',
        `${MARK}%{http_code} %{http_connect} %{redirect_url}`,
        ...extra,
        url,
      ],
      { encoding: 'utf8' },
      (error, stdout) => {
        const at = stdout.lastIndexOf(MARK);
        if (at < 0) {
          reject(error ?? new Error(`curl printed nothing for ${url}`));
          return;
        }
        const [status = '0', connect = '0', location = ''] = stdout
          .slice(at + MARK.length)
          .split(' ');
        resolveCurl({
          status: Number(status),
          connectStatus: Number(connect),
          location,
          body: stdout.slice(0, at),
        });
      },
    );
  });
}

/** A TCP tap in front of the ICAP service: records Haven's status lines; can play dead. */
interface IcapTap {
  readonly port: number;
  readonly statuses: string[];
  down: boolean;
  close(): Promise<void>;
}

async function startTap(targetPort: number): Promise<IcapTap> {
  const sockets = new Set<Socket>();
  const tap: IcapTap = {
    port: 0,
    statuses: [],
    down: false,
    close: () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => r());
      }),
  };
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (tap.down) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    client.on('data', (data: Buffer) => {
      if (tap.down) {
        client.destroy();
        return;
      }
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      for (const match of data.toString('latin1').matchAll(/ICAP\/1\.0 (\d{3}) [^\r]*/g)) {
        tap.statuses.push(match[0]);
      }
      client.write(data);
    });
  });
  const port = await listenOn(server);
  return Object.assign(tap, { port });
}

describe(
  'Haven in a real Squid (url_rewrite, external ACL, ICAP)',
  { skip: missing ?? false },
  () => {
    const sink = new MemorySink();
    let origin: HttpServer;
    let originPort = 0;
    let icap: IcapService;
    let icapPort = 0;
    let tap: IcapTap;
    let rewrite: SquidInstance | undefined;
    let acl: SquidInstance | undefined;
    let adaptation: SquidInstance | undefined;

    const blockPage = () => `http://127.0.0.1:${originPort}/blocked`;
    const helper = (mode: string) =>
      `${process.execPath} --import ${tsxLoader} ${helperEntry} --mode ${mode} ` +
      `--icap icap://127.0.0.1:${icapPort}/reqmod --block-page ${blockPage()}`;

    before(async () => {
      assert.doesNotMatch(projectRoot, /\s/, 'squid.conf cannot name a path with spaces');
      origin = createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          res.setHeader('content-type', 'text/plain');
          res.end(`origin ok ${req.method} ${req.url} body=${Buffer.concat(chunks).toString()}\n`);
        });
      });
      originPort = await listenOn(origin);
      // Everyone on 127.0.0.1 is a Key Stage 2 pupil, so the reasons name the group.
      icap = createIcapServer({
        identifier: staticIdentifier({ '127.0.0.1': identity(['ks2']) }),
        snapshots: fixedSnapshotSource(),
        sink,
        publicUrl: 'http://haven.test',
      });
      icapPort = await listenOn(icap.server);
      tap = await startTap(icapPort);

      const instances = await Promise.allSettled([
        startSquid('rewrite', [
          `url_rewrite_program ${helper('url-rewrite')}`,
          'url_rewrite_children 3 startup=1 idle=1 concurrency=8',
          'http_access allow localhost',
          'http_access deny all',
        ]),
        startSquid('acl', [
          `auth_param basic program ${fakeAuth}`,
          'auth_param basic realm haven-test',
          'acl signed_in proxy_auth REQUIRED',
          `external_acl_type haven ttl=5 negative_ttl=5 children-max=3 children-startup=1 concurrency=0 %>a %un %>rm %>ru ${helper('external-acl')}`,
          'acl haven_ok external haven',
          'acl haven_iwf tag child-abuse',
          'deny_info ERR_HAVEN_BLOCKED haven_ok',
          'deny_info ERR_HAVEN_IWF haven_iwf',
          'http_access deny !signed_in',
          'http_access deny !haven_ok haven_iwf',
          'http_access deny !haven_ok',
          'http_access allow localhost',
          'http_access deny all',
        ]),
        startSquid('icap', [
          `auth_param basic program ${fakeAuth}`,
          'auth_param basic realm haven-test',
          'acl signed_in proxy_auth REQUIRED',
          'icap_enable on',
          'adaptation_send_client_ip on',
          'adaptation_send_username on',
          'icap_client_username_header X-Client-Username',
          `icap_service haven_req reqmod_precache icap://127.0.0.1:${tap.port}/reqmod bypass=off`,
          'adaptation_access haven_req allow all',
          'http_access deny !signed_in',
          'http_access allow localhost',
          'http_access deny all',
        ]),
      ]);
      const [a, b, c] = instances;
      rewrite = a?.status === 'fulfilled' ? a.value : undefined;
      acl = b?.status === 'fulfilled' ? b.value : undefined;
      adaptation = c?.status === 'fulfilled' ? c.value : undefined;
      const failed = instances.find((r) => r.status === 'rejected');
      if (failed?.status === 'rejected') throw failed.reason;
    });

    after(async () => {
      await Promise.all([rewrite?.stop(), acl?.stop(), adaptation?.stop()]);
      await tap?.close();
      await icap?.close();
      await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
    });

    describe('url_rewrite helper (concurrency=8)', () => {
      test('redirects a blocked URL to the block page, with the reason', async () => {
        const result = await curl(rewrite?.port ?? 0, `http://bet365.com:${originPort}/`);
        assert.equal(result.status, 302, rewrite?.log('cache.log'));
        assert.ok(result.location.startsWith(`${blockPage()}?`), result.location);
        const query = new URL(result.location).searchParams;
        assert.equal(query.get('reason'), KS2_REASON);
        assert.equal(query.get('rule'), 'matrix:gambling:ks2');
        assert.equal(query.get('category'), 'gambling');
        assert.equal(query.get('url'), `http://bet365.com:${originPort}/`);
      });

      test('passes an allowed URL to the origin unchanged', async () => {
        const result = await curl(
          rewrite?.port ?? 0,
          `http://allowed.test:${originPort}/hello?x=1`,
        );
        assert.equal(result.status, 200);
        assert.match(result.body, /^origin ok GET \/hello\?x=1 /);
      });

      test('never puts an IWF-listed address in the redirect', async () => {
        const result = await curl(
          rewrite?.port ?? 0,
          `http://allowed.test:${originPort}/listed/page`,
        );
        assert.equal(result.status, 302);
        const query = new URL(result.location).searchParams;
        assert.equal(query.get('rule'), 'illegal:child-abuse');
        assert.equal(query.get('url'), null);
      });

      test('refuses CONNECT to a blocked host (the redirect is the CONNECT answer)', async () => {
        const result = await curl(rewrite?.port ?? 0, `https://bet365.com:${originPort}/`);
        assert.equal(result.connectStatus, 302);
        assert.equal(result.status, 0, 'no tunnel, so no HTTPS response');
      });

      test('answers many requests at once, each with its own answer', async () => {
        const urls = Array.from({ length: 24 }, (_, i) =>
          i % 2 === 0
            ? `http://bet365.com:${originPort}/page-${i}`
            : `http://allowed.test:${originPort}/page-${i}`,
        );
        const results = await Promise.all(urls.map((url) => curl(rewrite?.port ?? 0, url)));
        results.forEach((result, i) => {
          if (i % 2 === 0) {
            assert.equal(result.status, 302, `request ${i}`);
            assert.equal(new URL(result.location).searchParams.get('url'), urls[i]);
          } else {
            assert.equal(result.status, 200, `request ${i}`);
            assert.match(result.body, new RegExp(`GET /page-${i} `));
          }
        });
      });

      test('each decision is one activity event from the helper', () => {
        const event = sink.events.find(
          (e) => e.source === 'squid-helper' && e.url === `http://bet365.com:${originPort}/`,
        );
        assert.ok(event, 'an event for the blocked request');
        assert.equal(event.action, 'block');
        assert.equal(event.status, 302);
        assert.equal(event.clientIp, '127.0.0.1');
        assert.equal(event.group, 'ks2');
        assert.equal(event.method, 'GET');
        const iwf = sink.events.find((e) => e.ruleId === 'illegal:child-abuse');
        assert.equal(iwf?.url, 'allowed.test/listed/page', 'only the list entry is kept (MON-4)');
        assert.match(rewrite?.log('access.log') ?? '', /rule=matrix:gambling:ks2/);
      });
    });

    describe('external ACL helper (concurrency=0, signed in through Squid)', () => {
      const signIn = ['-U', 'alice:any-password'];

      test('denies a blocked URL and shows the reason on Squid’s deny page', async () => {
        const result = await curl(acl?.port ?? 0, `http://bet365.com:${originPort}/`, signIn);
        assert.equal(result.status, 403, acl?.log('cache.log'));
        assert.match(result.body, /<h1>This page is blocked<\/h1>/);
        assert.match(
          result.body,
          new RegExp(`<p id="reason">${KS2_REASON.replace('.', '\\.')}</p>`),
        );
        assert.match(
          acl?.log('access.log') ?? '',
          /alice TCP_DENIED\/403 GET .* acl=matrix:gambling:ks2/,
        );
      });

      test('shows the IWF page (and nothing else) for an IWF-listed address', async () => {
        const result = await curl(
          acl?.port ?? 0,
          `http://allowed.test:${originPort}/listed/page`,
          signIn,
        );
        assert.equal(result.status, 403);
        assert.match(result.body, /<h1>Access denied<\/h1>/);
        assert.doesNotMatch(result.body, /listed\/page/);
      });

      test('lets an allowed URL through', async () => {
        const result = await curl(acl?.port ?? 0, `http://allowed.test:${originPort}/ok`, signIn);
        assert.equal(result.status, 200);
        assert.match(result.body, /^origin ok GET \/ok /);
      });

      test('denies CONNECT to a blocked host', async () => {
        const result = await curl(acl?.port ?? 0, `https://bet365.com:${originPort}/`, signIn);
        assert.equal(result.connectStatus, 403);
      });

      test('the user name Squid knows reaches the activity event', () => {
        const event = sink.events.find(
          (e) => e.source === 'squid-helper' && e.username === 'alice' && e.method === 'CONNECT',
        );
        assert.ok(event, 'an event for the CONNECT');
        assert.equal(event.host, 'bet365.com');
        assert.equal(event.url, null, 'only the host is known for CONNECT');
        assert.equal(event.status, 403);
      });
    });

    describe('ICAP REQMOD service (bypass=off)', () => {
      const signIn = ['-U', 'bob:any-password'];

      test('answers a blocked URL with the block page (HTTP 403)', async () => {
        const result = await curl(
          adaptation?.port ?? 0,
          `http://bet365.com:${originPort}/`,
          signIn,
        );
        assert.equal(result.status, 403, adaptation?.log('cache.log'));
        assert.match(result.body, /This page is blocked/);
        assert.match(result.body, new RegExp(KS2_REASON.replace('.', '\\.')));
        assert.match(result.body, /href="http:\/\/haven\.test\/review\?host=bet365\.com/);
        assert.match(adaptation?.log('access.log') ?? '', /icap=matrix%3Agambling%3Aks2/);
      });

      test('passes an allowed URL through with 204 No Content', async () => {
        const before = tap.statuses.length;
        const result = await curl(
          adaptation?.port ?? 0,
          `http://allowed.test:${originPort}/icap`,
          signIn,
        );
        assert.equal(result.status, 200);
        assert.match(result.body, /^origin ok GET \/icap /);
        assert.ok(
          tap.statuses.slice(before).includes('ICAP/1.0 204 No Content'),
          tap.statuses.join(),
        );
      });

      test('passes an allowed POST with its body (preview 0, then 204)', async () => {
        const result = await curl(adaptation?.port ?? 0, `http://allowed.test:${originPort}/form`, [
          ...signIn,
          '--data',
          'name=haven',
        ]);
        assert.equal(result.status, 200);
        assert.match(result.body, /^origin ok POST \/form body=name=haven/);
      });

      test('refuses CONNECT to a blocked host', async () => {
        const result = await curl(
          adaptation?.port ?? 0,
          `https://bet365.com:${originPort}/`,
          signIn,
        );
        assert.equal(result.connectStatus, 403);
      });

      test('the client address and user name come from Squid', () => {
        const event = sink.events.find((e) => e.source === 'icap' && e.host === 'bet365.com');
        assert.ok(event);
        assert.equal(event.clientIp, '127.0.0.1');
        assert.equal(event.username, 'bob');
        assert.equal(event.group, 'ks2');
        assert.equal(event.status, 403);
      });

      test('fails closed when the ICAP service is down', async () => {
        tap.down = true;
        await tap.close();
        const result = await curl(
          adaptation?.port ?? 0,
          `http://allowed.test:${originPort}/down`,
          signIn,
        );
        assert.notEqual(result.status, 200, 'an ICAP outage must not let requests through');
        assert.doesNotMatch(result.body, /origin ok/);
      });
    });
  },
);
