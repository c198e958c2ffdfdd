import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { encode, type Packet } from 'dns-packet';
import { decodeAnswer as decode } from './packets.test-data.ts';
import { DnsType, encodeQuestion } from './dns-wire.ts';
import { UpstreamError, UpstreamResolver } from './upstream.ts';

type Reply = (query: Packet, raw: Buffer) => Array<Buffer | null> | Buffer | null;

interface FakeServer {
  readonly port: number;
  readonly udpQueries: number;
  readonly tcpQueries: number;
  close(): Promise<void>;
}

function answerFor(query: Packet, address: string, flags = 0x8180): Buffer {
  const q = query.questions?.[0];
  return encode({
    type: 'response',
    id: query.id ?? 0,
    flags,
    questions: query.questions ?? [],
    answers: q === undefined ? [] : [{ type: 'A', name: q.name, ttl: 60, data: address }],
  });
}

function bindUdp(socket: dgram.Socket, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = () => resolve(false);
    socket.once('error', onError);
    socket.bind(port, '127.0.0.1', () => {
      socket.off('error', onError);
      resolve(true);
    });
  });
}

function listenTcp(server: net.Server, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = () => resolve(false);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve(true);
    });
  });
}

/** A UDP (and optionally TCP) server on one port, replying as `udp` / `tcp` say. */
async function fakeServer(udp: Reply, tcp?: Reply): Promise<FakeServer> {
  let udpQueries = 0;
  let tcpQueries = 0;
  const onUdp = (socket: dgram.Socket) => (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    udpQueries++;
    const out = udp(decode(msg), msg);
    for (const b of Array.isArray(out) ? out : [out])
      if (b !== null) socket.send(b, rinfo.port, rinfo.address);
  };
  const onTcp = (conn: net.Socket) => {
    let buf = Buffer.alloc(0);
    conn.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 2 || buf.length < buf.readUInt16BE(0) + 2 || tcp === undefined) return;
      tcpQueries++;
      const msg = buf.subarray(2, buf.readUInt16BE(0) + 2);
      const out = tcp(decode(msg), msg);
      const answer = Array.isArray(out) ? out[0] : out;
      if (answer === null || answer === undefined) return;
      const frame = Buffer.alloc(answer.length + 2);
      frame.writeUInt16BE(answer.length, 0);
      answer.copy(frame, 2);
      conn.end(frame);
    });
  };
  // the same port for both: a busy machine may hold the TCP twin of a free UDP port, so retry
  for (let attempt = 0; attempt < 50; attempt++) {
    const socket = dgram.createSocket('udp4');
    if (!(await bindUdp(socket, 0))) continue;
    const port = socket.address().port;
    const tcpServer = tcp === undefined ? null : net.createServer(onTcp);
    if (tcpServer !== null && !(await listenTcp(tcpServer, port))) {
      socket.close();
      continue;
    }
    socket.on('message', onUdp(socket));
    return {
      port,
      get udpQueries() {
        return udpQueries;
      },
      get tcpQueries() {
        return tcpQueries;
      },
      close: async () => {
        await new Promise<void>((r) => socket.close(() => r()));
        if (tcpServer !== null) await new Promise<void>((r) => tcpServer.close(() => r()));
      },
    };
  }
  throw new Error('no free port');
}

/** A port with nothing listening (closed after binding). */
async function closedPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const question = encodeQuestion('example.org', DnsType.A);

function addressOf(answer: Buffer): string | undefined {
  const a = decode(answer).answers?.[0];
  return a?.type === 'A' ? a.data : undefined;
}

test('asks the first upstream; replies with a wrong id or question are ignored', async () => {
  const server = await fakeServer((q) => [
    answerFor({ ...q, id: ((q.id ?? 0) + 1) & 0xffff }, '203.0.113.66'), // wrong id
    answerFor({ ...q, questions: [{ type: 'A', name: 'evil.test' }] }, '203.0.113.67'), // wrong question
    answerFor(q, '192.0.2.1'),
  ]);
  const resolver = new UpstreamResolver([{ host: '127.0.0.1', port: server.port }]);
  try {
    const answer = await resolver.query(question);
    assert.equal(addressOf(answer), '192.0.2.1');
    assert.equal(resolver.stats().unmatched, 2);
    // the query carried our EDNS size and RD
    assert.equal(server.udpQueries, 1);
  } finally {
    resolver.close();
    await server.close();
  }
});

test('a closed port fails at once and the next upstream answers', async () => {
  const down = await closedPort();
  const up = await fakeServer((q) => answerFor(q, '192.0.2.2'));
  const resolver = new UpstreamResolver(
    [
      { host: '127.0.0.1', port: down },
      { host: '127.0.0.1', port: up.port },
    ],
    { timeoutMs: 5_000 },
  );
  try {
    const started = Date.now();
    assert.equal(addressOf(await resolver.query(question)), '192.0.2.2');
    assert.ok(Date.now() - started < 2_000, 'did not wait for the timeout');
    assert.ok(resolver.stats().failovers >= 1);
    // the failed upstream is now tried last: the next question goes straight to the good one
    await resolver.query(question);
    assert.equal(up.udpQueries, 2);
  } finally {
    resolver.close();
    await up.close();
  }
});

test('a silent upstream times out and the next one answers', async () => {
  const silent = await fakeServer(() => null);
  const up = await fakeServer((q) => answerFor(q, '192.0.2.3'));
  const resolver = new UpstreamResolver(
    [
      { host: '127.0.0.1', port: silent.port },
      { host: '127.0.0.1', port: up.port },
    ],
    { timeoutMs: 150 },
  );
  try {
    const started = Date.now();
    assert.equal(addressOf(await resolver.query(question)), '192.0.2.3');
    assert.ok(Date.now() - started >= 140);
    assert.equal(resolver.stats().timeouts, 1);
  } finally {
    resolver.close();
    await silent.close();
    await up.close();
  }
});

test('a truncated UDP answer is asked again over TCP', async () => {
  const server = await fakeServer(
    (q) => answerFor({ ...q }, '203.0.113.1', 0x8380), // TC set
    (q) => answerFor(q, '192.0.2.4'),
  );
  const resolver = new UpstreamResolver([{ host: '127.0.0.1', port: server.port }]);
  try {
    assert.equal(addressOf(await resolver.query(question)), '192.0.2.4');
    assert.equal(server.tcpQueries, 1);
    assert.equal(resolver.stats().truncated, 1);
  } finally {
    resolver.close();
    await server.close();
  }
});

test('SERVFAIL moves on; when every upstream fails the last SERVFAIL is returned', async () => {
  const broken = await fakeServer((q) => answerFor(q, '0.0.0.0', 0x8182));
  const good = await fakeServer((q) => answerFor(q, '192.0.2.5'));
  const both = new UpstreamResolver([
    { host: '127.0.0.1', port: broken.port },
    { host: '127.0.0.1', port: good.port },
  ]);
  const only = new UpstreamResolver([{ host: '127.0.0.1', port: broken.port }]);
  try {
    assert.equal(addressOf(await both.query(question)), '192.0.2.5');
    assert.equal(decode(await only.query(question)).rcode, 'SERVFAIL');
  } finally {
    both.close();
    only.close();
    await broken.close();
    await good.close();
  }
});

test('no upstream answering at all throws UpstreamError', async () => {
  const a = await closedPort();
  const b = await fakeServer(() => null);
  const resolver = new UpstreamResolver(
    [
      { host: '127.0.0.1', port: a },
      { host: '127.0.0.1', port: b.port },
    ],
    { timeoutMs: 100 },
  );
  try {
    await assert.rejects(resolver.query(question), UpstreamError);
    assert.equal(resolver.stats().unanswered, 1);
  } finally {
    resolver.close();
    await b.close();
  }
  assert.throws(() => new UpstreamResolver([]), UpstreamError);
});
