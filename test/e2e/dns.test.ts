import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { decode, encode, type Answer } from 'dns-packet';
import { createDnsFilter, type DnsFilter } from '../../src/filter/dns/dns-filter.ts';
import {
  fixedSnapshotSource,
  identity,
  MemorySink,
  staticIdentifier,
} from '../support/filter-fixtures.ts';

/**
 * The DNS filter end to end, driven by dig (bind9-dnsutils) over loopback: a ks2 pupil at
 * 127.0.0.1, a member of staff at 127.0.0.2, a guest at 127.0.0.3 (dig -b). The upstream is a
 * tiny DNS server written here that answers every A question with 127.0.0.1 — never the real
 * internet.
 */

const hasDig = spawnSync('dig', ['-v']).error === undefined;
if (!hasDig && process.env.CI === 'true')
  throw new Error('dig is not installed (apt-get install bind9-dnsutils); CI=true needs every leg');
const PUPIL = '127.0.0.1';
const STAFF = '127.0.0.2';
const GUEST = '127.0.0.3';

interface TinyUpstream {
  readonly port: number;
  readonly questions: string[];
  stop(): Promise<void>;
}

/** A for everything (127.0.0.1, TTL 300); `big.test` gets 30 addresses (too large for 512 bytes). */
async function tinyUpstream(): Promise<TinyUpstream> {
  const socket = dgram.createSocket('udp4');
  const questions: string[] = [];
  let open = true;
  socket.on('message', (msg, rinfo) => {
    let query;
    try {
      query = decode(msg);
    } catch {
      return;
    }
    const q = query.questions?.[0];
    if (q === undefined) return;
    questions.push(`${q.name} ${q.type}`);
    const answers: Answer[] = [];
    if (q.type === 'A') {
      const count = q.name === 'big.test' ? 30 : 1;
      for (let i = 0; i < count; i++) {
        answers.push({
          type: 'A',
          name: q.name,
          ttl: 300,
          data: count === 1 ? '127.0.0.1' : `127.0.1.${i}`,
        });
      }
    }
    socket.send(
      encode({
        type: 'response',
        id: query.id ?? 0,
        flags: 0x8180,
        questions: query.questions ?? [],
        answers,
      }),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    port: socket.address().port,
    questions,
    stop: () =>
      open
        ? new Promise((r) => {
            open = false;
            socket.close(() => r());
          })
        : Promise.resolve(),
  };
}

interface DigResult {
  readonly status: string;
  readonly flags: readonly string[];
  /** Answer section records: [name, ttl, class, type, data]. */
  readonly answers: readonly string[][];
  readonly authority: readonly string[][];
  readonly edns: boolean;
  readonly ednsUdp: number | null;
  readonly tcp: boolean;
  readonly text: string;
}

function section(text: string, title: string): string[][] {
  const start = text.indexOf(`;; ${title} SECTION:`);
  if (start < 0) return [];
  const rest = text.slice(start).split('\n').slice(1);
  const out: string[][] = [];
  for (const line of rest) {
    if (line.trim() === '' || line.startsWith(';;')) break;
    out.push(line.split(/\s+/));
  }
  return out;
}

function dig(
  port: number,
  name: string,
  type = 'A',
  options: { from?: string; extra?: string[] } = {},
): Promise<DigResult> {
  const args = [
    '@127.0.0.1',
    '-p',
    String(port),
    '-b',
    options.from ?? PUPIL,
    name,
    type,
    '+time=3',
    '+tries=1',
    ...(options.extra ?? []),
  ];
  return new Promise((resolve, reject) => {
    execFile('dig', args, { timeout: 15_000 }, (error, stdout) => {
      if (error !== null && stdout === '') {
        reject(error);
        return;
      }
      const text = stdout;
      const header = /status: ([A-Z]+)/.exec(text);
      const flags = /;; flags: ([a-z ]+);/.exec(text);
      const udp = /EDNS: version: \d+, flags:[a-z ]*; udp: (\d+)/.exec(text);
      resolve({
        status: header?.[1] ?? 'NONE',
        flags: (flags?.[1] ?? '').trim().split(' '),
        answers: section(text, 'ANSWER'),
        authority: section(text, 'AUTHORITY'),
        edns: text.includes('OPT PSEUDOSECTION'),
        ednsUdp: udp === null ? null : Number(udp[1]),
        tcp: /\(TCP\)/.test(text),
        text,
      });
    });
  });
}

describe(
  'DNS filter, end to end with dig',
  { skip: hasDig ? false : 'dig is not installed (apt-get install bind9-dnsutils)' },
  () => {
    let upstream: TinyUpstream;
    let filter: DnsFilter;
    let port = 0;
    const sink = new MemorySink();

    before(async () => {
      upstream = await tinyUpstream();
      filter = createDnsFilter({
        identifier: staticIdentifier({ [PUPIL]: identity(['ks2']), [STAFF]: identity(['staff']) }),
        snapshots: fixedSnapshotSource(),
        events: sink,
        clock: () => new Date(),
        upstreams: [{ host: '127.0.0.1', port: upstream.port }],
        blockAnswer: 'nxdomain',
        timeouts: { upstreamMs: 500 },
      });
      port = (await filter.listen(0, '127.0.0.1')).udpPort;
    });

    after(async () => {
      await filter.close();
      await upstream.stop();
    });

    test('a blocked name is NXDOMAIN with an SOA for negative caching', async () => {
      const r = await dig(port, 'www.bet365.com');
      assert.equal(r.status, 'NXDOMAIN', r.text);
      assert.equal(r.answers.length, 0);
      assert.equal(r.authority[0]?.[3], 'SOA');
      assert.ok(!upstream.questions.some((q) => q.includes('bet365')), 'never forwarded');
    });

    test('an allowed name gets the forwarded answer; a second ask comes from the cache', async () => {
      const r = await dig(port, 'allowed.example.org');
      assert.equal(r.status, 'NOERROR');
      assert.deepEqual(
        r.answers.map((a) => [a[0], a[3], a[4]]),
        [['allowed.example.org.', 'A', '127.0.0.1']],
      );
      assert.ok(r.flags.includes('ra'));
      const asked = upstream.questions.length;
      const again = await dig(port, 'allowed.example.org');
      assert.equal(again.answers[0]?.[4], '127.0.0.1');
      assert.equal(upstream.questions.length, asked, 'the cache answered: no upstream query');
      assert.ok(filter.stats().cache.hits >= 1);
    });

    test('google.com for a ks2 pupil: CNAME forcesafesearch.google.com and its address', async () => {
      const r = await dig(port, 'google.com');
      assert.equal(r.status, 'NOERROR');
      assert.deepEqual(
        r.answers.map((a) => [a[0], a[3], a[4]]),
        [
          ['google.com.', 'CNAME', 'forcesafesearch.google.com.'],
          ['forcesafesearch.google.com.', 'A', '127.0.0.1'],
        ],
      );
      const www = await dig(port, 'www.google.co.uk');
      assert.equal(www.answers[0]?.[4], 'forcesafesearch.google.com.');
    });

    test('google.com for staff is not rewritten', async () => {
      const r = await dig(port, 'google.com', 'A', { from: STAFF });
      assert.equal(r.status, 'NOERROR');
      assert.deepEqual(
        r.answers.map((a) => [a[0], a[3], a[4]]),
        [['google.com.', 'A', '127.0.0.1']],
      );
    });

    test('an illegal name is blocked for every group', async () => {
      for (const from of [PUPIL, STAFF, GUEST]) {
        const r = await dig(port, 'images.iwf-listed.test', 'A', { from });
        assert.equal(r.status, 'NXDOMAIN', `from ${from}`);
      }
      const events = sink.events.filter((e) => e.host === 'images.iwf-listed.test');
      assert.deepEqual(
        events.map((e) => e.ruleId),
        ['illegal:child-abuse', 'illegal:child-abuse', 'illegal:child-abuse'],
      );
      assert.deepEqual(
        events.map((e) => e.group),
        ['ks2', 'staff', 'guests'],
      );
    });

    test('DoH providers are blocked (circumvention) and the Firefox canary is NXDOMAIN', async () => {
      assert.equal((await dig(port, 'dns.google')).status, 'NXDOMAIN');
      assert.equal(
        (await dig(port, 'cloudflare-dns.com', 'AAAA', { from: STAFF })).status,
        'NXDOMAIN',
      );
      assert.equal(
        (await dig(port, 'use-application-dns.net', 'A', { from: STAFF })).status,
        'NXDOMAIN',
      );
    });

    test('EDNS: +edns=0 gets our OPT record back, +noedns none; +tcp works', async () => {
      const edns = await dig(port, 'edns.example.org', 'A', { extra: ['+edns=0'] });
      assert.equal(edns.edns, true);
      assert.equal(edns.ednsUdp, 1232);
      const plain = await dig(port, 'edns.example.org', 'A', { extra: ['+noedns'] });
      assert.equal(plain.edns, false);
      assert.equal(plain.answers[0]?.[4], '127.0.0.1');
      const tcp = await dig(port, 'tcp.example.org', 'A', { extra: ['+tcp'] });
      assert.equal(tcp.tcp, true);
      assert.equal(tcp.status, 'NOERROR');
      assert.equal(tcp.answers[0]?.[4], '127.0.0.1');
      const blockedTcp = await dig(port, 'bet365.com', 'A', { extra: ['+tcp', '+noedns'] });
      assert.equal(blockedTcp.status, 'NXDOMAIN');
    });

    test('an answer too large for 512 bytes is truncated and dig falls back to TCP', async () => {
      const r = await dig(port, 'big.test', 'A', { extra: ['+noedns'] });
      assert.match(r.text, /Truncated, retrying in TCP mode/);
      assert.equal(r.tcp, true);
      assert.equal(r.answers.length, 30);
      const edns = await dig(port, 'big.test', 'A', { extra: ['+edns=0', '+bufsize=1232'] });
      assert.equal(edns.tcp, false, 'fits the client’s EDNS size');
      assert.equal(edns.answers.length, 30);
      assert.ok(filter.stats().answers.truncated >= 1);
    });

    test('garbage over UDP and a cut-off TCP frame: no crash, counted', async () => {
      const before = filter.stats().malformed;
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) =>
        socket.send(Buffer.from('this is not DNS'), port, '127.0.0.1', () => resolve()),
      );
      await new Promise<void>((resolve) =>
        socket.send(Buffer.from([1, 2, 3]), port, '127.0.0.1', () => resolve()),
      );
      socket.close();
      const tcp = net.connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => tcp.once('connect', () => resolve()));
      tcp.end(Buffer.from([0, 60, 0x12, 0x34, 1, 0]));
      await new Promise<void>((resolve) => tcp.once('close', () => resolve()));
      const until = Date.now() + 2000;
      while (filter.stats().malformed.udp < before.udp + 2 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      const after = filter.stats().malformed;
      assert.equal(after.udp, before.udp + 2);
      assert.equal(after.tcp, before.tcp + 1);
      assert.equal((await dig(port, 'still.example.org')).status, 'NOERROR', 'still answering');
    });

    test('upstream down: SERVFAIL for names not in the cache; cached names still answer', async () => {
      await upstream.stop();
      const r = await dig(port, 'uncached.example.org');
      assert.equal(r.status, 'SERVFAIL');
      const cached = await dig(port, 'allowed.example.org');
      assert.equal(cached.status, 'NOERROR');
      assert.ok(filter.stats().upstream.unanswered >= 1);
    });
  },
);

describe('DNS filter, block page mode', { skip: hasDig ? false : 'dig is not installed' }, () => {
  let upstream: TinyUpstream;
  let filter: DnsFilter;
  let port = 0;

  before(async () => {
    upstream = await tinyUpstream();
    filter = createDnsFilter({
      identifier: staticIdentifier({ [PUPIL]: identity(['ks2']) }),
      snapshots: fixedSnapshotSource(),
      events: new MemorySink(),
      clock: () => new Date(),
      upstreams: [{ host: '127.0.0.1', port: upstream.port }],
      blockAnswer: { address: '192.0.2.80' },
    });
    port = (await filter.listen(0, '127.0.0.1')).udpPort;
  });

  after(async () => {
    await filter.close();
    await upstream.stop();
  });

  test('blocked A → the block page address; AAAA → empty NOERROR', async () => {
    const a = await dig(port, 'www.bet365.com');
    assert.equal(a.status, 'NOERROR');
    assert.deepEqual(
      a.answers.map((r) => [r[3], r[4]]),
      [['A', '192.0.2.80']],
    );
    const aaaa = await dig(port, 'www.bet365.com', 'AAAA');
    assert.equal(aaaa.status, 'NOERROR');
    assert.equal(aaaa.answers.length, 0);
    const allowed = await dig(port, 'example.org');
    assert.equal(allowed.answers[0]?.[4], '127.0.0.1');
  });
});
