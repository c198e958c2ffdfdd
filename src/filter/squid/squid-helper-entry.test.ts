import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createIcapServer, type IcapService } from '../icap/icap-server.ts';
import { testIdentifier, testIdentity, testSnapshots, TestSink } from './decider.test-data.ts';
import { squidHelperMain } from './squid-helper-entry.ts';

function io() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { stdin, stdout, stderr, out: () => out, err: () => err };
}

describe('the helper program Squid starts', () => {
  const sink = new TestSink();
  let icap: IcapService;
  let icapUrl = '';

  before(async () => {
    icap = createIcapServer({
      identifier: testIdentifier({ '10.0.20.7': testIdentity(['ks2']) }),
      snapshots: testSnapshots(),
      sink,
    });
    await new Promise<void>((r) => icap.server.listen(0, '127.0.0.1', () => r()));
    icapUrl = `icap://127.0.0.1:${(icap.server.address() as AddressInfo).port}/reqmod`;
  });
  after(() => icap.close());

  test('refuses to start without what it needs', async () => {
    const a = io();
    assert.equal(await squidHelperMain(['--mode', 'url-rewrite'], a), 2);
    assert.match(a.err(), /needs --block-page/);
    const b = io();
    assert.equal(
      await squidHelperMain(['--mode', 'redirector', '--block-page', 'http://h/'], b),
      2,
    );
    const c = io();
    assert.equal(await squidHelperMain(['--unknown'], c), 2);
    assert.match(c.err(), /Usage/);
    const d = io();
    assert.equal(
      await squidHelperMain(['--icap', 'http://not-icap/', '--block-page', 'http://h/'], d),
      2,
    );
    const e = io();
    assert.equal(await squidHelperMain(['--help'], e), 0);
  });

  test('external ACL mode, asking Haven’s ICAP service, until Squid closes its input', async () => {
    const streams = io();
    const running = squidHelperMain(['--mode', 'external-acl', '--icap', icapUrl], streams);
    streams.stdin.write('0 10.0.20.7 dave GET http://bet365.com/ -\n');
    streams.stdin.write('1 10.0.20.7 dave GET http://allowed.test/ -\n');
    streams.stdin.end('2 garbage\n');
    assert.equal(await running, 0);
    const lines = streams.out().trim().split('\n').sort();
    assert.equal(lines.length, 3);
    assert.match(
      lines[0] ?? '',
      /^0 ERR message="Gambling sites are not allowed for Key Stage 2\."/,
    );
    assert.equal(lines[1], '1 OK haven_rule=default');
    assert.match(lines[2] ?? '', /^2 BH /);
    assert.ok(sink.events.some((e) => e.username === 'dave' && e.source === 'squid-helper'));
  });

  test('url-rewrite mode fails closed when the ICAP service is down', async () => {
    const streams = io();
    const running = squidHelperMain(
      [
        '--icap',
        'icap://127.0.0.1:9/reqmod',
        '--timeout',
        '500',
        '--block-page',
        'http://haven.test/blocked',
      ],
      streams,
    );
    streams.stdin.end('http://allowed.test/ 10.0.20.7/- - GET\n');
    assert.equal(await running, 0);
    assert.match(
      streams.out(),
      /^OK status=302 url="http:\/\/haven\.test\/blocked\?.*rule=unavailable/,
    );
    assert.match(streams.err(), /ICAP|ECONNREFUSED|connect/);
  });
});
