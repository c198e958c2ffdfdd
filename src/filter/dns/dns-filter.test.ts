import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { encode, type Packet, type RecordType } from 'dns-packet';
import { dataOf, decodeAnswer as decode, opt, optOf } from './packets.test-data.ts';
import {
  fixedSnapshotSource,
  fixtureSchoolId,
  fixtureSnapshot,
  identity,
  MemorySink,
  staticIdentifier,
} from '../../../test/support/filter-fixtures.ts';
import type { SchoolSnapshot } from '../../filtering/snapshot-loader.ts';
import { toRules } from '../../policy/document/to-rules.ts';
import { compile } from '../../policy/engine/compile.ts';
import { ListIndexBuilder } from '../../policy/engine/list-index.ts';
import { createRandom } from '../../policy/engine/seeded-random.ts';
import { loadTemplate } from '../../policy/templates/index.ts';
import {
  createDnsFilter,
  DnsFilterError,
  type DnsFilter,
  type DnsFilterDeps,
} from './dns-filter.ts';
import { parseQuery } from './dns-wire.ts';

// ---------------------------------------------------------------- helpers

interface Upstream {
  readonly port: number;
  readonly questions: string[];
  close(): Promise<void>;
}

/** Aliases the test upstream answers with a CNAME (then A 127.0.0.1 for the target). */
const ALIASES: Readonly<Record<string, string>> = {
  'promo.example.org': 'www.bet365.com',
  'cdn-alias.example.org': 'edge.cdn-provider.example',
  'help-alias.example.org': 'images.iwf-listed.test',
};

/** Answers every A question with 127.0.0.1 (TTL 300) after `delayMs`; NODATA for other types. */
async function upstream(delayMs = 0): Promise<Upstream> {
  const socket = dgram.createSocket('udp4');
  const questions: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const query = decode(msg);
    const q = query.questions?.[0];
    if (q === undefined) return;
    questions.push(`${q.name} ${q.type}`);
    const answer = encode({
      type: 'response',
      id: query.id ?? 0,
      flags: 0x8180,
      questions: query.questions ?? [],
      answers:
        q.type !== 'A'
          ? []
          : ALIASES[q.name] !== undefined
            ? [
                { type: 'CNAME', name: q.name, ttl: 300, data: ALIASES[q.name] ?? '' },
                { type: 'A', name: ALIASES[q.name] ?? '', ttl: 300, data: '127.0.0.1' },
              ]
            : [{ type: 'A', name: q.name, ttl: 300, data: '127.0.0.1' }],
    });
    setTimeout(() => socket.send(answer, rinfo.port, rinfo.address), delayMs);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    port: socket.address().port,
    questions,
    close: () => new Promise((r) => socket.close(() => r())),
  };
}

const STAFF = '127.0.0.2';
const PUPIL = '127.0.0.1';

interface Running {
  readonly filter: DnsFilter;
  readonly port: number;
  readonly sink: MemorySink;
  readonly upstream: Upstream;
  stop(): Promise<void>;
}

async function start(overrides: Partial<DnsFilterDeps> = {}, delayMs = 0): Promise<Running> {
  const up = await upstream(delayMs);
  const sink = new MemorySink();
  const filter = createDnsFilter({
    identifier: staticIdentifier({ [PUPIL]: identity(['ks2']), [STAFF]: identity(['staff']) }),
    snapshots: fixedSnapshotSource(),
    events: sink,
    clock: () => new Date(),
    upstreams: [{ host: '127.0.0.1', port: up.port }],
    blockAnswer: 'nxdomain',
    timeouts: { upstreamMs: 300 },
    ...overrides,
  });
  const { udpPort } = await filter.listen(0, '127.0.0.1');
  return {
    filter,
    port: udpPort,
    sink,
    upstream: up,
    stop: async () => {
      await filter.close();
      await up.close();
    },
  };
}

function query(name: string, type: RecordType = 'A', extra: Partial<Packet> = {}): Buffer {
  return encode({
    type: 'query',
    id: 0x4242,
    flags: 0x0100,
    questions: [{ type, name, class: 'IN' }],
    ...extra,
  });
}

/** Sends one datagram from `from` and waits for one answer (null after `waitMs`). */
async function ask(
  port: number,
  message: Buffer,
  from = PUPIL,
  waitMs = 2000,
): Promise<Buffer | null> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, from, () => r()));
  try {
    return await new Promise<Buffer | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), waitMs);
      socket.once('message', (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      socket.send(message, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

async function askDecoded(
  port: number,
  message: Buffer,
  from = PUPIL,
): Promise<ReturnType<typeof decode>> {
  const answer = await ask(port, message, from);
  assert.ok(answer, 'an answer came back');
  return decode(answer);
}

function frame(message: Buffer): Buffer {
  const out = Buffer.alloc(message.length + 2);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}

/** Opens a TCP connection, writes `bytes`, collects answers until it closes or `waitMs` passes. */
async function tcpSession(
  port: number,
  bytes: Buffer,
  endAfterWrite: boolean,
  waitMs = 1500,
): Promise<{ answers: Buffer[]; closedByServer: boolean }> {
  const socket = net.connect(port, '127.0.0.1');
  const answers: Buffer[] = [];
  let buf = Buffer.alloc(0);
  let closedByServer = false;
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= buf.readUInt16BE(0) + 2) {
      answers.push(buf.subarray(2, buf.readUInt16BE(0) + 2));
      buf = buf.subarray(buf.readUInt16BE(0) + 2);
    }
  });
  socket.write(bytes);
  if (endAfterWrite) socket.end();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => resolve(), waitMs);
    socket.once('close', () => {
      closedByServer = true;
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return { answers, closedByServer };
}

function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() > until) reject(new Error('timed out waiting'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

// ---------------------------------------------------------------- tests

test('random bytes and broken queries over UDP are dropped and counted; the filter keeps answering', async () => {
  const f = await start();
  try {
    const seeded = createRandom(2024);
    const client = dgram.createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, PUPIL, () => r()));
    let unreadable = 0;
    const good = query('example.org');
    const sent: Promise<void>[] = [];
    for (let i = 0; i < 400; i++) {
      let buf: Buffer;
      if (i % 2 === 0) {
        buf = Buffer.alloc(seeded.int(60));
        for (let j = 0; j < buf.length; j++) buf[j] = seeded.int(256);
      } else {
        buf = Buffer.from(good.subarray(0, seeded.int(good.length)));
      }
      if (parseQuery(buf) === null) unreadable++;
      sent.push(new Promise((r) => client.send(buf, f.port, '127.0.0.1', () => r())));
      if (i % 50 === 49) await Promise.all(sent); // no burst beyond the socket buffers
    }
    await Promise.all(sent);
    client.close();
    await waitFor(() => f.filter.stats().queries.udp >= 400);
    const stats = f.filter.stats();
    assert.equal(stats.malformed.udp, unreadable);
    assert.ok(unreadable > 300);
    const answer = await askDecoded(f.port, query('example.org'));
    assert.equal(answer.rcode, 'NOERROR');
  } finally {
    await f.stop();
  }
});

test('TCP: pipelined queries on one connection; a cut-off or too-short frame closes it and is counted', async () => {
  const f = await start();
  try {
    const two = Buffer.concat([frame(query('example.org')), frame(query('www.bet365.com'))]);
    const session = await tcpSession(f.port, two, false, 500);
    assert.equal(session.answers.length, 2);
    const rcodes = session.answers.map((a) => decode(a).rcode).sort();
    assert.deepEqual(rcodes, ['NOERROR', 'NXDOMAIN']);

    // a frame promising 40 bytes, then the client closes after 10
    const cut = Buffer.concat([Buffer.from([0, 40]), query('example.org').subarray(0, 10)]);
    await tcpSession(f.port, cut, true, 500);
    await waitFor(() => f.filter.stats().malformed.tcp === 1);

    // a 5-byte "message" is no DNS message: the server closes the connection
    const short = await tcpSession(f.port, Buffer.from([0, 5, 1, 2, 3, 4, 5]), false);
    assert.equal(short.closedByServer, true);
    assert.equal(f.filter.stats().malformed.tcp, 2);

    // an unreadable full frame closes it too
    const garbage = await tcpSession(f.port, frame(Buffer.alloc(20, 0xff)), false);
    assert.equal(garbage.closedByServer, true);
    assert.equal(f.filter.stats().malformed.tcp, 3);
  } finally {
    await f.stop();
  }
});

test('TCP: an idle connection is closed', async () => {
  const f = await start({ timeouts: { tcpIdleMs: 100 } });
  try {
    const session = await tcpSession(f.port, Buffer.alloc(0), false, 2000);
    assert.equal(session.closedByServer, true);
    assert.equal(f.filter.stats().tcp.idleClosed, 1);
  } finally {
    await f.stop();
  }
});

test('identical questions in flight share one upstream query; then the cache answers', async () => {
  const f = await start({}, 150);
  try {
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => ask(f.port, query('shared.example.org'))),
    );
    for (const a of answers) assert.equal(a === null ? null : decode(a).rcode, 'NOERROR');
    assert.deepEqual(f.upstream.questions, ['shared.example.org A']);
    assert.equal(f.filter.stats().answers.coalesced, 4);
    await askDecoded(f.port, query('SHARED.example.org'));
    assert.equal(f.upstream.questions.length, 1, 'the cache answered (case-insensitively)');
    assert.ok(f.filter.stats().cache.hits >= 1);
  } finally {
    await f.stop();
  }
});

test('every answered query is one activity event with the rule that answered', async () => {
  const f = await start();
  try {
    await askDecoded(f.port, query('www.bet365.com'));
    await askDecoded(f.port, query('example.org', 'AAAA'));
    await askDecoded(f.port, query('iwf-listed.test'), STAFF);
    const [blocked, allowed, illegal] = f.sink.events;
    assert.ok(blocked && allowed && illegal);
    assert.equal(blocked.source, 'dns');
    assert.equal(blocked.schoolId, fixtureSchoolId);
    assert.equal(blocked.clientIp, PUPIL);
    assert.equal(blocked.host, 'www.bet365.com');
    assert.equal(blocked.method, 'A');
    assert.equal(blocked.action, 'block');
    assert.equal(blocked.ruleId, 'matrix:gambling:ks2');
    assert.equal(blocked.category, 'gambling');
    assert.equal(blocked.group, 'ks2');
    assert.equal(blocked.status, 3);
    assert.ok(blocked.bytesOut > 0 && blocked.bytesIn > 0);
    assert.equal(allowed.method, 'AAAA');
    assert.equal(allowed.action, 'allow');
    assert.equal(allowed.status, 0);
    assert.equal(illegal.ruleId, 'illegal:child-abuse');
    assert.equal(illegal.group, 'staff');
    assert.equal(new Set(f.sink.events.map((e) => e.id)).size, 3);
    const s = f.filter.stats().answers;
    assert.equal(s.blocked, 2);
    assert.equal(s.allowed, 1);
  } finally {
    await f.stop();
  }
});

function crosfieldsSnapshot(): SchoolSnapshot {
  const builder = new ListIndexBuilder(16);
  builder.addHost('bet365.com', 'gambling', 'test/gambling');
  const rules = toRules(loadTemplate('crosfields'), { schoolId: fixtureSchoolId });
  return {
    schoolId: fixtureSchoolId,
    snapshot: compile(
      { ...rules, school: { ...rules.school, id: fixtureSchoolId, timeZone: 'Europe/London' } },
      builder.build(),
    ),
    policyVersion: { id: 'c1', number: 1 },
    builtAt: new Date(),
  };
}

test('allow-with-alert answers as allowed and the event carries the alert', async () => {
  const f = await start({
    snapshots: fixedSnapshotSource(crosfieldsSnapshot()),
    identifier: staticIdentifier({
      [PUPIL]: identity(['ks3']),
      [STAFF]: identity(['staff', 'safeguarding-checkers']),
    }),
  });
  try {
    assert.equal((await askDecoded(f.port, query('bet365.com'))).rcode, 'NXDOMAIN');
    const checker = await askDecoded(f.port, query('bet365.com'), STAFF);
    assert.equal(checker.rcode, 'NOERROR');
    assert.equal(checker.answers?.[0]?.type, 'A');
    const event = f.sink.events[1];
    assert.equal(event?.action, 'allow-with-alert');
    assert.equal(event?.ruleId, 'nominated:gambling:safeguarding-checkers');
    assert.equal(f.filter.stats().answers.alerted, 1);
  } finally {
    await f.stop();
  }
});

test('safe search per group: YouTube strict for pupils, moderate for staff; canaries NXDOMAIN for all', async () => {
  const f = await start();
  try {
    const pupil = await askDecoded(f.port, query('www.youtube.com'));
    assert.deepEqual(
      pupil.answers?.map((a) => [a.type, dataOf(a)]),
      [
        ['CNAME', 'restrict.youtube.com'],
        ['A', '127.0.0.1'],
      ],
    );
    const staff = await askDecoded(f.port, query('www.youtube.com'), STAFF);
    assert.equal(dataOf(staff.answers?.[0]), 'restrictmoderate.youtube.com');
    const bing = await askDecoded(f.port, query('www.bing.com', 'CNAME'));
    assert.deepEqual(
      bing.answers?.map((a) => a.type),
      ['CNAME'],
    );
    assert.ok(f.upstream.questions.includes('restrict.youtube.com A'));
    assert.ok(!f.upstream.questions.some((q) => q.startsWith('www.youtube.com')));
    assert.equal(f.sink.events[0]?.ruleId, 'safe-search:youtube');

    for (const from of [PUPIL, STAFF]) {
      const canary = await askDecoded(f.port, query('use-application-dns.net'), from);
      assert.equal(canary.rcode, 'NXDOMAIN');
      assert.equal(canary.authorities?.[0]?.type, 'SOA');
    }
    assert.equal(f.sink.events.at(-1)?.ruleId, 'dns:canary');
    assert.equal((await askDecoded(f.port, query('mask.icloud.com'))).rcode, 'NXDOMAIN');
    assert.equal(f.filter.stats().answers.canary, 3);
  } finally {
    await f.stop();
  }
});

test('block-page mode: A gets the block page address, AAAA gets NODATA', async () => {
  const f = await start({ blockAnswer: { address: '192.0.2.80' } });
  try {
    const a = await askDecoded(f.port, query('casino.test'));
    assert.equal(a.rcode, 'NOERROR');
    assert.equal(dataOf(a.answers?.[0]), '192.0.2.80');
    const aaaa = await askDecoded(f.port, query('casino.test', 'AAAA'));
    assert.equal(aaaa.rcode, 'NOERROR');
    assert.equal(aaaa.answers?.length, 0);
    assert.equal(aaaa.authorities?.[0]?.type, 'SOA');
    assert.equal(f.upstream.questions.length, 0);
  } finally {
    await f.stop();
  }
  assert.throws(
    () => createDnsFilter({ ...dummyDeps(), blockAnswer: { address: 'not-an-address' } }),
    DnsFilterError,
  );
});

function dummyDeps(): DnsFilterDeps {
  return {
    identifier: staticIdentifier(),
    snapshots: fixedSnapshotSource(),
    events: new MemorySink(),
    clock: () => new Date(),
    upstreams: [{ host: '127.0.0.1', port: 9 }],
    blockAnswer: 'nxdomain',
  };
}

test('protocol: other classes and zone transfers REFUSED, other opcodes NOTIMP, EDNS > 0 BADVERS', async () => {
  const f = await start();
  try {
    const chaos = encode({
      type: 'query',
      id: 1,
      questions: [{ type: 'TXT', name: 'version.bind', class: 'CH' }],
    });
    assert.equal((await askDecoded(f.port, chaos)).rcode, 'REFUSED');
    assert.equal((await askDecoded(f.port, query('example.org', 'AXFR'))).rcode, 'REFUSED');
    const notify = Buffer.from(query('example.org'));
    notify.writeUInt16BE(0x2000, 2);
    assert.equal((await askDecoded(f.port, notify)).rcode, 'NOTIMP');
    const v1 = await askDecoded(
      f.port,
      query('example.org', 'A', {
        additionals: [opt(1232, { ednsVersion: 1 })],
      }),
    );
    assert.equal(optOf(v1)?.extendedRcode, 1);
    assert.equal(f.sink.events.length, 0, 'no destination was asked for');
    assert.equal(f.upstream.questions.length, 0);
  } finally {
    await f.stop();
  }
});

test('no snapshot yet → SERVFAIL; no identity → REFUSED; upstream down → SERVFAIL', async () => {
  const notReady = await start({ snapshots: { current: () => undefined } });
  try {
    assert.equal((await askDecoded(notReady.port, query('example.org'))).rcode, 'SERVFAIL');
    assert.equal(notReady.sink.events[0]?.ruleId, 'dns:not-ready');
  } finally {
    await notReady.stop();
  }
  const stranger = await start({
    identifier: { identify: () => Promise.resolve({ ok: false, reason: 'unknown' }) },
  });
  try {
    assert.equal((await askDecoded(stranger.port, query('example.org'))).rcode, 'REFUSED');
  } finally {
    await stranger.stop();
  }
  const lonely = await start();
  try {
    await lonely.upstream.close();
    assert.equal((await askDecoded(lonely.port, query('example.org'))).rcode, 'SERVFAIL');
    assert.equal(lonely.sink.events[0]?.ruleId, 'dns:upstream-failed');
  } finally {
    await lonely.filter.close();
  }
});

test('listening: refuses to forward to itself; an explicit port is used for UDP and TCP', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((r) => probe.close(() => r()));
  const loop = createDnsFilter({ ...dummyDeps(), upstreams: [{ host: '127.0.0.1', port }] });
  await assert.rejects(loop.listen(port, '127.0.0.1'), /this filter itself/);
  await loop.close();

  const f = createDnsFilter(dummyDeps());
  try {
    const ports = await f.listen(port, '127.0.0.1');
    assert.deepEqual(ports, { udpPort: port, tcpPort: port });
    await assert.rejects(f.listen(port, '127.0.0.1'), DnsFilterError);
  } finally {
    await f.close();
  }
});

test('a snapshot change is seen by the next query (no restart)', async () => {
  let current = fixtureSnapshot();
  const f = await start({ snapshots: { current: () => current } });
  try {
    assert.equal((await askDecoded(f.port, query('newly-listed.test'))).rcode, 'NOERROR');
    current = fixtureSnapshot({ hosts: { gambling: ['newly-listed.test'] } });
    assert.equal((await askDecoded(f.port, query('newly-listed.test'))).rcode, 'NXDOMAIN');
  } finally {
    await f.stop();
  }
});

test('an allowed alias whose CNAME leads to a blocked name is blocked as that name', async () => {
  const f = await start();
  try {
    const promo = await askDecoded(f.port, query('promo.example.org'));
    assert.equal(promo.rcode, 'NXDOMAIN');
    const event = f.sink.events[0];
    assert.equal(event?.host, 'promo.example.org');
    assert.equal(event?.action, 'block');
    assert.equal(event?.ruleId, 'matrix:gambling:ks2');
    assert.equal(event?.category, 'gambling');
    // cached: decided again on the next ask, without upstream
    assert.equal((await askDecoded(f.port, query('promo.example.org'), STAFF)).rcode, 'NXDOMAIN');
    assert.equal(f.upstream.questions.length, 1);
    // a CDN name in no list does not block
    const cdn = await askDecoded(f.port, query('cdn-alias.example.org'));
    assert.equal(cdn.rcode, 'NOERROR');
    assert.deepEqual(
      cdn.answers?.map((a) => a.type),
      ['CNAME', 'A'],
    );
    assert.equal(f.filter.stats().answers.cnameBlocked, 2);
  } finally {
    await f.stop();
  }
});

test('an explicit allow stands against a CNAME target, unless the target is illegal', async () => {
  const snapshot = fixtureSnapshot();
  const rules = snapshot.snapshot.rules;
  const builder = new ListIndexBuilder(16);
  builder.addHost('www.bet365.com', 'gambling', 'test/gambling');
  builder.addHost('iwf-listed.test', 'child-abuse', 'test/iwf');
  const compiled = compile(
    {
      ...rules,
      localEntries: [
        ...rules.localEntries,
        {
          id: 'promo',
          action: 'allow',
          target: { host: 'promo.example.org' },
          reason: 'A partner',
        },
        { id: 'help', action: 'allow', target: { host: 'help-alias.example.org' }, reason: 'x' },
      ],
    },
    builder.build(),
  );
  const f = await start({ snapshots: fixedSnapshotSource({ ...snapshot, snapshot: compiled }) });
  try {
    assert.equal((await askDecoded(f.port, query('promo.example.org'))).rcode, 'NOERROR');
    assert.equal(f.sink.events[0]?.ruleId, 'local-allow:promo');
    assert.equal((await askDecoded(f.port, query('help-alias.example.org'))).rcode, 'NXDOMAIN');
    assert.equal(f.sink.events[1]?.ruleId, 'illegal:child-abuse');
  } finally {
    await f.stop();
  }
});
