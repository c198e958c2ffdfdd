import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  testIdentifier,
  testIdentity,
  testSnapshots,
  TestSink,
} from '../squid/decider.test-data.ts';
import { createSquidDecider } from '../squid/squid-decider.ts';
import { IcapClient, icapDecider, verdictFromReply, type IcapReply } from './icap-client.ts';
import { parseIcapResponseHead } from './icap-message.ts';
import { createIcapServer, type IcapServerDeps, type IcapService } from './icap-server.ts';
import { SocketReader } from './socket-reader.ts';

const GET_BLOCKED = 'GET http://bet365.com/ HTTP/1.1\r\nHost: bet365.com\r\n\r\n';
const GET_ALLOWED = 'GET http://allowed.test/page HTTP/1.1\r\nHost: allowed.test\r\n\r\n';
const POST_ALLOWED =
  'POST http://allowed.test/form HTTP/1.1\r\nHost: allowed.test\r\nContent-Length: 11\r\n\r\n';
const POST_BLOCKED =
  'POST http://bet365.com/bet HTTP/1.1\r\nHost: bet365.com\r\nContent-Length: 11\r\n\r\n';

/** An ICAP REQMOD message; `body` is sent chunked after the HTTP head. */
function reqmod(
  http: string,
  options: {
    headers?: string[];
    body?: string;
    preview?: number;
    allow204?: boolean;
    lastChunk?: string;
  } = {},
): string {
  const headers = ['Host: 127.0.0.1', ...(options.headers ?? [])];
  if (options.allow204 ?? true) headers.push('Allow: 204');
  if (options.preview !== undefined) headers.push(`Preview: ${options.preview}`);
  const length = Buffer.byteLength(http);
  if (options.body === undefined) {
    headers.push(`Encapsulated: req-hdr=0, null-body=${length}`);
    return `REQMOD icap://127.0.0.1/reqmod ICAP/1.0\r\n${headers.join('\r\n')}\r\n\r\n${http}`;
  }
  headers.push(`Encapsulated: req-hdr=0, req-body=${length}`);
  const chunks =
    options.body.length === 0
      ? ''
      : `${Buffer.byteLength(options.body).toString(16)}\r\n${options.body}\r\n`;
  return (
    `REQMOD icap://127.0.0.1/reqmod ICAP/1.0\r\n${headers.join('\r\n')}\r\n\r\n${http}` +
    `${chunks}${options.lastChunk ?? '0\r\n\r\n'}`
  );
}

const OPTIONS = 'OPTIONS icap://127.0.0.1/reqmod ICAP/1.0\r\nHost: 127.0.0.1\r\n\r\n';

interface Session {
  readonly socket: Socket;
  send(data: string | Buffer): void;
  reply(): Promise<IcapReply>;
  /** Resolves when the server has closed the connection. */
  closed(): Promise<void>;
}

function session(port: number): Promise<Session> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => {
      const reader = new SocketReader(socket);
      resolve({
        socket,
        send: (data) => socket.write(data),
        closed: () => closed,
        reply: async () => {
          const headBytes = await reader.head(64 * 1024);
          if (headBytes === null) throw new Error('closed without a reply');
          const head = parseIcapResponseHead(headBytes.toString('latin1'));
          const parts = head.encapsulated;
          const last = parts[parts.length - 1];
          let httpHead: string | null = null;
          let body: Buffer | null = null;
          if (parts.length > 1 && last !== undefined) {
            httpHead = (await reader.exactly(last.offset)).toString('utf8');
          }
          if (last?.name === 'res-body' || last?.name === 'req-body') {
            const pieces: Buffer[] = [];
            await reader.chunked((d) => {
              pieces.push(Buffer.from(d));
            });
            body = Buffer.concat(pieces);
          }
          return {
            status: head.status,
            reason: head.reason,
            headers: head.headers,
            httpHead,
            body,
          };
        },
      });
    });
    socket.once('error', reject);
  });
}

async function listen(service: IcapService): Promise<number> {
  await new Promise<void>((r) => service.server.listen(0, '127.0.0.1', () => r()));
  return (service.server.address() as AddressInfo).port;
}

describe('ICAP server (RFC 3507)', () => {
  const sink = new TestSink();
  const errors: unknown[] = [];
  let service: IcapService;
  let port = 0;

  function deps(extra: Partial<IcapServerDeps> = {}): IcapServerDeps {
    return {
      identifier: testIdentifier({ '10.0.20.7': testIdentity(['ks2']) }),
      snapshots: testSnapshots(),
      sink,
      istag: 'haven-test',
      maxConnections: 50,
      onError: (error) => errors.push(error),
      publicUrl: 'http://haven.test',
      ...extra,
    };
  }

  before(async () => {
    service = createIcapServer(deps());
    port = await listen(service);
  });
  after(() => service.close());

  test('OPTIONS says what the service does', async () => {
    const s = await session(port);
    s.send(OPTIONS);
    const reply = await s.reply();
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('methods'), 'REQMOD');
    assert.equal(reply.headers.get('istag'), '"haven-test"');
    assert.equal(reply.headers.get('allow'), '204');
    assert.equal(reply.headers.get('preview'), '0');
    assert.equal(reply.headers.get('transfer-preview'), '*');
    assert.equal(reply.headers.get('max-connections'), '50');
    assert.equal(reply.headers.get('options-ttl'), '300');
    assert.equal(reply.headers.get('encapsulated'), 'null-body=0');
    s.socket.destroy();
  });

  test('allowed, Allow: 204 → 204 No Content with the verdict headers', async () => {
    const s = await session(port);
    s.send(reqmod(GET_ALLOWED, { headers: ['X-Client-IP: 10.0.20.7'] }));
    const reply = await s.reply();
    assert.equal(reply.status, 204);
    assert.equal(reply.headers.get('x-haven-action'), 'allow');
    assert.equal(reply.headers.get('x-haven-rule'), 'default');
    assert.equal(reply.httpHead, null);
    s.socket.destroy();
  });

  test('allowed, no Allow: 204 and no preview → the request echoed back unchanged', async () => {
    const s = await session(port);
    s.send(reqmod(GET_ALLOWED, { allow204: false }));
    const reply = await s.reply();
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('encapsulated'), `req-hdr=0, null-body=${GET_ALLOWED.length}`);
    assert.equal(reply.httpHead, GET_ALLOWED);

    const body = 'x'.repeat(70_000);
    s.send(
      reqmod(POST_ALLOWED, {
        allow204: false,
        body: '',
        lastChunk: `4\r\nname\r\n${(70_000).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      }),
    );
    const echoed = await s.reply();
    assert.equal(echoed.status, 200);
    assert.equal(echoed.httpHead, POST_ALLOWED);
    assert.equal(echoed.body?.toString(), `name${body}`);
    s.socket.destroy();
  });

  test('preview: 0 and preview with ieof → 204 without reading further', async () => {
    const s = await session(port);
    s.send(reqmod(POST_ALLOWED, { preview: 0, allow204: false, body: '' }));
    assert.equal((await s.reply()).status, 204, 'a 204 is always allowed after a preview');
    s.send(
      reqmod(POST_ALLOWED, {
        preview: 11,
        body: 'hello world',
        lastChunk: '0; ieof\r\n\r\n',
      }),
    );
    assert.equal((await s.reply()).status, 204);
    s.socket.destroy();
  });

  test('blocked → 200 with an HTTP 403 and the block page', async () => {
    const s = await session(port);
    s.send(reqmod(GET_BLOCKED, { headers: ['X-Client-IP: 10.0.20.7'] }));
    const reply = await s.reply();
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('encapsulated') ?? '', /^res-hdr=0, res-body=\d+$/);
    assert.match(reply.httpHead ?? '', /^HTTP\/1\.1 403 Forbidden\r\n/);
    const html = reply.body?.toString('utf8') ?? '';
    const length = /Content-Length: (\d+)/.exec(reply.httpHead ?? '')?.[1];
    assert.equal(Number(length), Buffer.byteLength(html));
    assert.match(html, /<html lang="en-GB">/);
    assert.match(html, /Gambling sites are not allowed for Key Stage 2\./);
    assert.match(html, /Ask for a review/);
    const verdict = verdictFromReply(reply);
    assert.equal(verdict?.action, 'block');
    assert.equal(verdict?.ruleId, 'matrix:gambling:ks2');
    assert.equal(verdict?.reason, 'Gambling sites are not allowed for Key Stage 2.');
    s.socket.destroy();
  });

  test('the IWF splash page for IWF-listed addresses, and nothing more', async () => {
    const s = await session(port);
    s.send(reqmod('GET http://iwf-listed.test/x HTTP/1.1\r\nHost: iwf-listed.test\r\n\r\n'));
    const reply = await s.reply();
    const html = reply.body?.toString('utf8') ?? '';
    assert.match(html, /Internet Watch Foundation/);
    assert.doesNotMatch(html, /iwf-listed\.test/);
    s.socket.destroy();
  });

  test('a blocked upload is read to its end, and the connection stays usable', async () => {
    const s = await session(port);
    s.send(reqmod(POST_BLOCKED, { body: 'hello world', allow204: false }));
    assert.match((await s.reply()).httpHead ?? '', /403 Forbidden/);
    s.send(reqmod(GET_ALLOWED));
    assert.equal((await s.reply()).status, 204);
    s.socket.destroy();
  });

  test('HEAD gets no body; CONNECT and origin-form requests are decided on their host', async () => {
    const s = await session(port);
    s.send(reqmod('HEAD http://bet365.com/ HTTP/1.1\r\nHost: bet365.com\r\n\r\n'));
    const head = await s.reply();
    assert.match(head.headers.get('encapsulated') ?? '', /^res-hdr=0, null-body=\d+$/);
    assert.equal(head.body, null);
    s.send(reqmod('CONNECT www.bet365.com:443 HTTP/1.1\r\nHost: www.bet365.com:443\r\n\r\n'));
    assert.equal((await s.reply()).headers.get('x-haven-action'), 'block');
    s.send(reqmod('GET /sports HTTP/1.1\r\nHost: bet365.com\r\n\r\n'));
    assert.equal((await s.reply()).headers.get('x-haven-host'), 'bet365.com');
    s.send(reqmod('GET /x HTTP/1.1\r\nUser-Agent: no-host\r\n\r\n'));
    assert.equal((await s.reply()).headers.get('x-haven-action'), 'block', 'no host: blocked');
    s.socket.destroy();
  });

  test('several messages in one write are answered in order on the same connection', async () => {
    const s = await session(port);
    s.send(
      reqmod(GET_BLOCKED) +
        OPTIONS +
        reqmod(GET_ALLOWED) +
        reqmod(POST_ALLOWED, { body: 'hello world', preview: 0, lastChunk: '0\r\n\r\n' }),
    );
    assert.equal((await s.reply()).status, 200);
    assert.equal((await s.reply()).headers.get('methods'), 'REQMOD');
    assert.equal((await s.reply()).status, 204);
    assert.equal((await s.reply()).status, 204);
    s.socket.destroy();
  });

  test('a message delivered one byte at a time', async () => {
    const s = await session(port);
    const bytes = Buffer.from(
      reqmod(POST_BLOCKED, { body: 'hello world', preview: 0, lastChunk: '0\r\n\r\n' }),
    );
    const reply = s.reply();
    for (const byte of bytes) {
      s.send(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal((await reply).status, 200);
    s.socket.destroy();
  });

  test('Connection: close is honoured', async () => {
    const s = await session(port);
    s.send(reqmod(GET_ALLOWED, { headers: ['Connection: close'] }));
    const reply = await s.reply();
    assert.equal(reply.headers.get('connection'), 'close');
    await s.closed();
  });

  test('client address and user name come from X-Client-IP and X-Client-Username', async () => {
    sink.events.length = 0;
    const s = await session(port);
    s.send(
      reqmod(GET_BLOCKED, { headers: ['X-Client-IP: 10.0.20.7', 'X-Client-Username: aliceé'] }),
    );
    await s.reply();
    s.send(reqmod(GET_BLOCKED, { headers: ['X-Client-IP: not-an-address'] }));
    await s.reply();
    s.send(reqmod(GET_BLOCKED));
    await s.reply();
    s.socket.destroy();
    assert.equal(sink.events.length, 3, 'one event per decision');
    assert.equal(sink.events[0]?.clientIp, '10.0.20.7');
    assert.equal(sink.events[0]?.username, 'aliceé');
    assert.equal(sink.events[0]?.group, 'ks2');
    assert.equal(sink.events[0]?.source, 'icap');
    assert.equal(sink.events[1]?.clientIp, '', 'an unreadable address is not the proxy’s');
    assert.equal(sink.events[1]?.group, 'guests');
    assert.equal(sink.events[2]?.clientIp, '127.0.0.1', 'no header: the peer');
  });

  test('usernames Squid sends in base64 (icap_client_username_encode on)', async () => {
    const local = new TestSink();
    const other = createIcapServer(deps({ sink: local, usernameEncoding: 'base64' }));
    const otherPort = await listen(other);
    const s = await session(otherPort);
    s.send(
      reqmod(GET_ALLOWED, {
        headers: [`X-Client-Username: ${Buffer.from('bob').toString('base64')}`],
      }),
    );
    await s.reply();
    assert.equal(local.events[0]?.username, 'bob');
    s.socket.destroy();
    await other.close();
  });

  test('malformed messages → an ICAP error and the connection closed', async () => {
    const cases: Array<[string, number]> = [
      ['HELLO\r\n\r\n', 400],
      ['REQMOD icap://127.0.0.1/reqmod ICAP/1.0\r\nHost: x\r\n\r\n', 400],
      [
        'REQMOD icap://127.0.0.1/reqmod ICAP/1.0\r\nEncapsulated: res-hdr=0, null-body=5\r\n\r\n',
        400,
      ],
      [
        'REQMOD icap://127.0.0.1/reqmod ICAP/1.0\r\nEncapsulated: req-hdr=0, null-body=12\r\n\r\nnot http\r\n\r\n',
        400,
      ],
      ['OPTIONS icap://127.0.0.1/other ICAP/1.0\r\n\r\n', 404],
      ['RESPMOD icap://127.0.0.1/reqmod ICAP/1.0\r\nEncapsulated: null-body=0\r\n\r\n', 405],
      ['DELETE icap://127.0.0.1/reqmod ICAP/1.0\r\n\r\n', 501],
      ['OPTIONS icap://127.0.0.1/reqmod ICAP/9.9\r\n\r\n', 505],
      [reqmod(POST_ALLOWED, { body: 'hello world', lastChunk: 'zz\r\n\r\n' }), 400],
      [`OPTIONS icap://127.0.0.1/reqmod ICAP/1.0\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`, 400],
    ];
    for (const [text, status] of cases) {
      const s = await session(port);
      s.send(text);
      const reply = await s.reply();
      assert.equal(reply.status, status, JSON.stringify(text.slice(0, 60)));
      assert.equal(reply.headers.get('connection'), 'close');
      await s.closed();
    }
  });

  test('a head that never ends is cut off at the limit', async () => {
    const s = await session(port);
    s.send('OPTIONS icap://127.0.0.1/reqmod ICAP/1.0\r\n');
    for (let i = 0; i < 100; i++) s.send(`X-Filler-${i}: ${'b'.repeat(1000)}\r\n`);
    assert.equal((await s.reply()).status, 400);
    await s.closed();
  });

  test('a decision that throws → 500, and the server goes on', async () => {
    const failing = createIcapServer(
      deps({ decide: () => Promise.reject(new Error('engine exploded')) }),
    );
    const failingPort = await listen(failing);
    const s = await session(failingPort);
    s.send(reqmod(GET_ALLOWED));
    assert.equal((await s.reply()).status, 500);
    await s.closed();
    const again = await session(failingPort);
    again.send(OPTIONS);
    assert.equal((await again.reply()).status, 200);
    again.socket.destroy();
    await failing.close();
    assert.ok(errors.some((e) => e instanceof Error && e.message === 'engine exploded'));
  });

  test('idle connections are closed after the idle timeout', async () => {
    const quick = createIcapServer(deps({ idleTimeoutMs: 100 }));
    const quickPort = await listen(quick);
    const s = await session(quickPort);
    await s.closed();
    await quick.close();
  });

  test('random bytes never crash the server, which still answers OPTIONS (fuzz)', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const prefixes = [
      '',
      'REQMOD icap://127.0.0.1/reqmod ICAP/1.0\r\n',
      reqmod(POST_ALLOWED, { body: '', lastChunk: '' }),
      'OPTIONS icap://127.0.0.1/reqmod ICAP/1.0\r\nEncapsulated: opt-body=0\r\n\r\n',
      'REQMOD icap://127.0.0.1/reqmod ICAP/1.0\r\nEncapsulated: req-hdr=0, req-body=60\r\n\r\n',
    ];
    const sessions: Array<Promise<void>> = [];
    for (let i = 0; i < 60; i++) {
      sessions.push(
        (async () => {
          const s = await session(port);
          const noise = Buffer.alloc(Math.floor(random() * 3000));
          for (let j = 0; j < noise.length; j++) noise[j] = Math.floor(random() * 256);
          s.send(Buffer.concat([Buffer.from(prefixes[i % prefixes.length] ?? ''), noise]));
          if (i % 3 === 0) s.socket.end();
          else if (i % 3 === 1) s.socket.destroy();
          await Promise.race([s.closed(), new Promise((r) => setTimeout(r, 300))]);
          s.socket.destroy();
        })(),
      );
    }
    await Promise.all(sessions);
    const s = await session(port);
    s.send(OPTIONS);
    assert.equal((await s.reply()).status, 200);
    s.socket.destroy();
    assert.deepEqual(
      errors.filter((e) => !(e instanceof Error && e.message === 'engine exploded')),
      [],
      'no unexpected errors',
    );
  });

  test('close() closes open connections', async () => {
    const closing = createIcapServer(deps());
    const closingPort = await listen(closing);
    const s = await session(closingPort);
    s.send(OPTIONS);
    await s.reply();
    await closing.close();
    await s.closed();
    assert.equal(closing.server.listening, false);
  });
});

describe('ICAP client and the helper’s ICAP-backed decisions', () => {
  let service: IcapService;
  let port = 0;
  const sink = new TestSink();

  before(async () => {
    service = createIcapServer({
      identifier: testIdentifier({ '10.0.20.7': testIdentity(['ks2']) }),
      snapshots: testSnapshots(),
      sink,
    });
    port = await listen(service);
  });
  after(() => service.close());

  test('the same verdict as deciding in process, logged once as the helper’s', async () => {
    const client = new IcapClient({ url: `icap://127.0.0.1:${port}/reqmod`, connections: 2 });
    const remote = icapDecider(client);
    const local = createSquidDecider({
      identifier: testIdentifier({ '10.0.20.7': testIdentity(['ks2']) }),
      snapshots: testSnapshots(),
      sink: new TestSink(),
    });
    const requests = [
      { url: 'http://bet365.com/' },
      { url: 'http://allowed.test/listed/page' },
      { url: 'http://allowed.test/' },
      { host: 'casino.test:443' },
    ];
    sink.events.length = 0;
    const verdicts = await Promise.all(
      requests.map((target) =>
        remote({
          source: 'squid-helper',
          clientIp: '10.0.20.7',
          username: 'carol',
          method: 'host' in target ? 'CONNECT' : 'GET',
          blockStatus: 302,
          ...target,
        }),
      ),
    );
    for (const [i, target] of requests.entries()) {
      const expected = await local({
        source: 'squid-helper',
        clientIp: '10.0.20.7',
        username: null,
        method: 'GET',
        ...target,
      });
      assert.deepEqual(verdicts[i], { ...expected, band: null });
    }
    assert.equal(sink.events.length, 4);
    assert.ok(sink.events.every((e) => e.source === 'squid-helper' && e.username === 'carol'));
    assert.equal(sink.events.find((e) => e.host === 'bet365.com')?.status, 302);
    const options = await client.options();
    assert.equal(options.status, 200);
    client.close();
  });

  test('fails closed when the service cannot be reached or does not answer', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const errors: unknown[] = [];
    const unreachable = new IcapClient({
      url: `icap://127.0.0.1:${deadPort}/reqmod`,
      timeoutMs: 500,
    });
    const verdict = await icapDecider(unreachable, (e) => errors.push(e))({
      source: 'squid-helper',
      clientIp: '10.0.20.7',
      username: null,
      method: 'GET',
      url: 'http://allowed.test/',
    });
    assert.equal(verdict.action, 'block');
    assert.equal(verdict.ruleId, 'unavailable');
    assert.equal(verdict.host, 'allowed.test');
    assert.equal(errors.length, 1);
    unreachable.close();

    // A server that accepts and never answers.
    const accepted: Socket[] = [];
    const silent = createServer((socket) => {
      accepted.push(socket);
      socket.on('error', () => undefined);
      socket.resume();
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const silentClient = new IcapClient({
      url: `icap://127.0.0.1:${(silent.address() as AddressInfo).port}/reqmod`,
      timeoutMs: 200,
    });
    const late = await icapDecider(silentClient)({
      source: 'squid-helper',
      clientIp: '10.0.20.7',
      username: null,
      method: 'CONNECT',
      host: 'allowed.test:443',
    });
    assert.equal(late.ruleId, 'unavailable');
    silentClient.close();
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  test('addresses that cannot be put in a request line are blocked without asking', async () => {
    const client = new IcapClient({ url: `icap://127.0.0.1:${port}/reqmod` });
    const verdict = await icapDecider(client)({
      source: 'squid-helper',
      clientIp: '10.0.20.7',
      username: null,
      method: 'GET',
      url: 'http://bad host/\r\nInjected: 1',
    });
    assert.equal(verdict.action, 'block');
    assert.equal(verdict.ruleId, 'invalid');
    client.close();
  });
});
