import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startStubUpstream, type StubUpstream } from '../../src/filter/dns/dns-bench.ts';
import { startHavenProcess, type HavenProcess } from '../support/haven-process.ts';
import { runCli } from '../support/run-cli.ts';

const run = promisify(execFile);

/**
 * The demo school end to end through `haven start`: a list imported with the CLI into the
 * running Haven, a KS2 pupil signed in through the proxy blocked over HTTP and HTTPS with the
 * right reason, the DNS filter answering for the same policy. All traffic stays on 127.0.0.1: the
 * only forwarded request goes to a local origin by address, and the DNS filter's upstream is a
 * local stub.
 */
describe('enforcement in the demo school (haven start, curl, dig)', () => {
  let haven: HavenProcess;
  let upstream: StubUpstream;
  let origin: Server;
  let originPort = 0;

  const curl = async (args: string[]): Promise<string> => {
    try {
      return (await run('curl', ['-s', '--max-time', '10', ...args])).stdout;
    } catch (error) {
      return (error as { stdout?: string }).stdout ?? '';
    }
  };

  before(async () => {
    upstream = await startStubUpstream();
    const config = join(tmpdir(), `haven-enforcement-${process.pid}.yaml`);
    writeFileSync(config, `filter:\n  dnsUpstreams: ["127.0.0.1:${upstream.port}"]\n`);
    origin = createServer((_request, response) => response.end('ORIGIN-OK'));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    const address = origin.address();
    originPort = typeof address === 'object' && address ? address.port : 0;
    haven = await startHavenProcess({ HAVEN_CONFIG: config });
    const list = join(haven.dataDir, 'gambling.txt');
    writeFileSync(list, 'bet365.com\ncasino-two.test\n');
    const imported = await runCli(['lists', 'import', list, '--category', 'gambling'], {
      HAVEN_DATA: haven.dataDir,
      DATABASE_URL: '',
    });
    assert.equal(imported.code, 0, imported.stderr);
    // The running filter picks the change up within 5 seconds.
    const deadline = Date.now() + 5000;
    for (;;) {
      const status = await curl([
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '-x',
        `http://127.0.0.1:${haven.proxyPort}`,
        'http://casino-two.test/',
      ]);
      if (status === '403') break;
      assert.ok(
        Date.now() < deadline,
        `the new list was not enforced within 5 s (last answer ${status})`,
      );
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await haven?.stop();
    await upstream?.close();
    await new Promise<void>((r) => (origin ? origin.close(() => r()) : r()));
  });

  const proxy = () => `http://127.0.0.1:${haven.proxyPort}`;

  test('a KS2 pupil signed in through the proxy is blocked from a gambling site over HTTP, with the reason', async () => {
    const page = await curl([
      '-x',
      proxy(),
      '--proxy-user',
      'pupil:haven-demo',
      'http://bet365.com/',
    ]);
    assert.match(page, /Gambling sites are not allowed for Key Stage 2/);
    assert.match(page, /Report a worry/);
    const status = await curl([
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-x',
      proxy(),
      '--proxy-user',
      'pupil:haven-demo',
      'http://www.bet365.com/odds',
    ]);
    assert.equal(status, '403');
  });

  test('and over HTTPS: the CONNECT is refused with 403', async () => {
    const code = await curl([
      '-o',
      '/dev/null',
      '-w',
      '%{http_connect}',
      '-x',
      proxy(),
      '--proxy-user',
      'pupil:haven-demo',
      'https://bet365.com/',
    ]);
    assert.equal(code, '403');
  });

  test('a wrong proxy password is asked again (407); allowed sites reach the origin', async () => {
    const denied = await curl([
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-x',
      proxy(),
      '--proxy-user',
      'pupil:wrong',
      'http://bet365.com/',
    ]);
    assert.equal(denied, '407');
    const body = await curl([
      '-x',
      proxy(),
      '--proxy-user',
      'pupil:haven-demo',
      `http://127.0.0.1:${originPort}/lesson`,
    ]);
    assert.equal(body, 'ORIGIN-OK');
  });

  test('the decisions are stored as activity', async () => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const health = (await (await fetch(`${haven.url}/api/health`)).json()) as {
        components: Record<string, { detail?: string }>;
      };
      const stored = Number(
        /(\d+) events stored/.exec(health.components.activity?.detail ?? '')?.[1] ?? 0,
      );
      if (stored >= 4) break;
      assert.ok(
        Date.now() < deadline,
        `activity: ${health.components.activity?.detail ?? 'missing'}`,
      );
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  test('the DNS filter blocks the listed name and rewrites Google to safe search for a guest device', async () => {
    const dig = async (...args: string[]) =>
      (
        await run('dig', [
          '@127.0.0.1',
          '-p',
          String(haven.dnsPort),
          '+time=3',
          '+tries=1',
          ...args,
        ])
      ).stdout;
    assert.match(await dig('bet365.com', 'A'), /status: NXDOMAIN/);
    const google = await dig('www.google.com', 'A');
    assert.match(google, /CNAME\s+forcesafesearch\.google\.com\./);
    assert.match(await dig('+tcp', 'casino-two.test', 'A'), /status: NXDOMAIN/);
  });
});
