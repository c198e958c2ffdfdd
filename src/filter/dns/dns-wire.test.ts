import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, type Packet, type RecordType } from 'dns-packet';
import { opt } from './packets.test-data.ts';
import {
  DnsType,
  encodeName,
  encodeQuestion,
  ipv4Bytes,
  lowerCaseQuestion,
  parseQuery,
  readName,
  scanMessage,
  skipName,
  typeName,
} from './dns-wire.ts';
import { createRandom } from '../../policy/engine/seeded-random.ts';

function query(name: string, type: RecordType, extra: Partial<Packet> = {}): Buffer {
  return encode({
    type: 'query',
    id: 4242,
    flags: 0x0100,
    questions: [{ type, name, class: 'IN' }],
    ...extra,
  });
}

test('parseQuery reads id, lower-cased name, type, class and question end', () => {
  const raw = query('WwW.ExAmple.ORG', 'AAAA');
  const q = parseQuery(raw);
  assert.ok(q);
  assert.equal(q.id, 4242);
  assert.equal(q.name, 'www.example.org');
  assert.equal(q.qtype, DnsType.AAAA);
  assert.equal(q.qclass, 1);
  assert.equal(q.opcode, 0);
  assert.equal(q.questionEnd, raw.length);
  assert.equal(q.edns, null);
  assert.equal(typeName(q.qtype), 'AAAA');
  assert.equal(typeName(65), 'HTTPS');
  assert.equal(typeName(4321), 'TYPE4321');
});

test('parseQuery reads the EDNS(0) OPT record: size, version, DO', () => {
  const raw = query('example.org', 'A', {
    additionals: [opt(4096, { dnssecOk: true })],
  });
  const q = parseQuery(raw);
  assert.deepEqual(q?.edns, { udpSize: 4096, version: 0, dnssecOk: true });
  const v1 = parseQuery(
    query('example.org', 'A', {
      additionals: [opt(512, { ednsVersion: 1 })],
    }),
  );
  assert.deepEqual(v1?.edns, { udpSize: 512, version: 1, dnssecOk: false });
});

test('parseQuery agrees with dns-packet on many valid queries', () => {
  const seeded = createRandom(7);
  const random = () => seeded.next();
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
  const types = ['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'NS', 'SOA', 'PTR', 'SRV'] as const;
  for (let i = 0; i < 2000; i++) {
    const labels: string[] = [];
    const depth = 1 + Math.floor(random() * 5);
    for (let d = 0; d < depth; d++) {
      let label = '';
      const len = 1 + Math.floor(random() * 20);
      for (let c = 0; c < len; c++) label += letters[Math.floor(random() * letters.length)];
      labels.push(label);
    }
    const name = labels.join('.');
    const type = types[i % types.length] ?? 'A';
    const withOpt = i % 3 === 0;
    const raw = query(name, type, {
      id: i,
      ...(withOpt ? { additionals: [opt(1200 + i)] } : {}),
    });
    const mine = parseQuery(raw);
    const theirs = decode(raw);
    assert.ok(mine, name);
    assert.equal(mine.id, theirs.id);
    assert.equal(mine.name, theirs.questions?.[0]?.name.toLowerCase());
    assert.equal(typeName(mine.qtype), theirs.questions?.[0]?.type);
    assert.equal(mine.edns?.udpSize ?? null, withOpt ? 1200 + i : null);
  }
});

test('odd label bytes are escaped, so different wire names never share a string', () => {
  // one label "a.b" vs two labels "a", "b"
  const oneLabel = Buffer.concat([
    Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
    Buffer.from([3, 0x61, 0x2e, 0x62, 4]),
    Buffer.from('test'),
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
  const twoLabels = query('a.b.test', 'A');
  assert.equal(parseQuery(oneLabel)?.name, 'a\\046b.test');
  assert.equal(parseQuery(twoLabels)?.name, 'a.b.test');
  const binary = Buffer.from(oneLabel);
  binary[13 + 1] = 0xff;
  assert.equal(parseQuery(binary)?.name, 'a\\255b.test');
});

test('parseQuery refuses what is not a readable query', () => {
  assert.equal(parseQuery(Buffer.alloc(0)), null);
  assert.equal(parseQuery(Buffer.alloc(11)), null);
  const good = query('example.org', 'A');
  // a response
  const response = Buffer.from(good);
  response[2] = (response[2] ?? 0) | 0x80;
  assert.equal(parseQuery(response), null);
  // cut short in the name, and in type/class
  assert.equal(parseQuery(good.subarray(0, 16)), null);
  assert.equal(parseQuery(good.subarray(0, good.length - 1)), null);
  // two questions
  const two = Buffer.from(good);
  two.writeUInt16BE(2, 4);
  assert.equal(parseQuery(two), null);
  // a compression pointer in the question
  const pointer = Buffer.concat([good.subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
  assert.equal(parseQuery(pointer), null);
  // an additional record running past the end
  const withOpt = query('example.org', 'A', {
    additionals: [opt(1232)],
  });
  assert.equal(parseQuery(withOpt.subarray(0, withOpt.length - 3)), null);
  // two OPT records
  const twoOpt = query('example.org', 'A', {
    additionals: [opt(1232), opt(1232)],
  });
  assert.equal(parseQuery(twoOpt), null);
  // another opcode is read (the filter answers it NOTIMP); garbage with one is not
  assert.equal(parseQuery(Buffer.from('this is not DNS')), null);
  const notify = Buffer.from(good);
  notify.writeUInt16BE(0x2000, 2);
  assert.deepEqual(parseQuery(notify)?.opcode, 4);
});

test('random bytes and mutated queries never throw', () => {
  const seeded = createRandom(99);
  const random = () => seeded.next();
  const seeds = [
    query('www.example.org', 'A'),
    query('example.org', 'AAAA', {
      additionals: [opt(1232)],
    }),
    encode({
      type: 'response',
      id: 1,
      flags: 0x8180,
      questions: [{ type: 'A', name: 'example.org' }],
      answers: [{ type: 'A', name: 'example.org', ttl: 60, data: '192.0.2.1' }],
      authorities: [{ type: 'NS', name: 'example.org', ttl: 60, data: 'ns.example.org' }],
    }),
  ];
  let read = 0;
  for (let i = 0; i < 20_000; i++) {
    let buf: Buffer;
    if (i % 2 === 0) {
      buf = Buffer.alloc(Math.floor(random() * 80));
      for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(random() * 256);
    } else {
      buf = Buffer.from(seeds[i % seeds.length] ?? Buffer.alloc(0));
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++)
        buf[Math.floor(random() * buf.length)] = Math.floor(random() * 256);
      if (random() < 0.3) buf = buf.subarray(0, Math.floor(random() * buf.length));
    }
    const q = parseQuery(buf);
    if (q !== null) {
      read++;
      assert.ok(q.questionEnd <= buf.length);
      assert.equal(typeof q.name, 'string');
    }
    scanMessage(buf);
    skipName(buf, 12);
  }
  assert.ok(read > 0, 'some mutated queries are still queries');
});

test('scanMessage finds TTLs, the smallest answer TTL, the negative TTL and the OPT record', () => {
  const response = encode({
    type: 'response',
    id: 9,
    flags: 0x8183,
    questions: [{ type: 'A', name: 'gone.example.org' }],
    authorities: [
      {
        type: 'SOA',
        name: 'example.org',
        ttl: 900,
        data: {
          mname: 'ns.example.org',
          rname: 'hostmaster.example.org',
          serial: 1,
          refresh: 1,
          retry: 1,
          expire: 1,
          minimum: 300,
        },
      },
    ],
    additionals: [opt(1232)],
  });
  const scan = scanMessage(response);
  assert.ok(scan);
  assert.equal(scan.rcode, 3);
  assert.equal(scan.minAnswerTtl, -1);
  assert.equal(scan.negativeTtl, 300);
  assert.deepEqual(scan.ttls, [900]);
  assert.equal(response.readUInt32BE(scan.ttlOffsets[0] ?? 0), 900);
  assert.ok(scan.optStart > 0 && scan.optEnd === response.length);

  const positive = encode({
    type: 'response',
    id: 9,
    flags: 0x8180,
    questions: [{ type: 'A', name: 'www.example.org' }],
    answers: [
      { type: 'CNAME', name: 'www.example.org', ttl: 3600, data: 'example.org' },
      { type: 'A', name: 'example.org', ttl: 120, data: '192.0.2.1' },
    ],
  });
  assert.equal(scanMessage(positive)?.minAnswerTtl, 120);
  assert.equal(scanMessage(positive.subarray(0, positive.length - 2)), null);
});

test('names and questions encode in lower case; lowerCaseQuestion keeps type and class', () => {
  assert.deepEqual([...encodeName('')], [0]);
  assert.deepEqual([...encodeName('Ab.c')], [2, 0x61, 0x62, 1, 0x63, 0]);
  const q = encodeQuestion('forcesafesearch.google.com', DnsType.AAAA);
  assert.equal(q.readUInt16BE(q.length - 4), DnsType.AAAA);
  const raw = query('WWW.Example.ORG', 'A');
  const parsed = parseQuery(raw);
  assert.ok(parsed);
  const lower = lowerCaseQuestion(raw, parsed.questionEnd);
  assert.deepEqual(lower, encodeQuestion('www.example.org', DnsType.A));
  assert.throws(() => encodeName('a..b'));
  assert.deepEqual([...(ipv4Bytes('192.0.2.10') ?? [])], [192, 0, 2, 10]);
  assert.equal(ipv4Bytes('192.0.2'), null);
  assert.equal(ipv4Bytes('256.0.0.1'), null);
});

test('readName follows compression pointers and refuses loops; scanMessage lists CNAME targets', () => {
  const response = encode({
    type: 'response',
    id: 1,
    flags: 0x8180,
    questions: [{ type: 'A', name: 'promo.example.org' }],
    answers: [
      { type: 'CNAME', name: 'promo.example.org', ttl: 60, data: 'WWW.Bet365.com' },
      { type: 'A', name: 'www.bet365.com', ttl: 60, data: '192.0.2.1' },
    ],
  });
  assert.deepEqual(scanMessage(response)?.cnameTargets, ['www.bet365.com']);
  assert.equal(readName(response, 12), 'promo.example.org');
  // a pointer back to the question name
  const compressed = Buffer.concat([
    response.subarray(0, response.length),
    Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 12]),
  ]);
  assert.equal(readName(compressed, response.length), 'www.promo.example.org');
  // a pointer to itself
  const loop = Buffer.from([0xc0, 0x00]);
  assert.equal(readName(loop, 0), null);
  assert.equal(readName(Buffer.from([5, 0x61]), 0), null);
});
