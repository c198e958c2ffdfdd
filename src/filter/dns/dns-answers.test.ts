import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, type Answer, type Packet, type RecordType } from 'dns-packet';
import {
  blockPageAnswer,
  blockRecords,
  errorAnswer,
  nxdomainAnswer,
  prepareAnswer,
  renderPrepared,
  rewriteAnswer,
  udpLimit,
  type AnswerSettings,
} from './dns-answers.ts';
import { Flag, parseQuery, Rcode, type DnsQuery } from './dns-wire.ts';
import { dataOf, decodeAnswer as decode, opt, optOf, ttlOf } from './packets.test-data.ts';

const settings: AnswerSettings = { maxUdpPayload: 1232 };

function client(
  name: string,
  type: RecordType,
  edns?: { size: number; dnssecOk?: boolean },
): { raw: Buffer; q: DnsQuery } {
  const packet: Packet = {
    type: 'query',
    id: 777,
    flags: 0x0100 | 0x0010, // RD, CD
    questions: [{ type, name, class: 'IN' }],
    ...(edns === undefined
      ? {}
      : { additionals: [opt(edns.size, { dnssecOk: edns.dnssecOk === true })] }),
  };
  const raw = encode(packet);
  const q = parseQuery(raw);
  assert.ok(q);
  return { raw, q };
}

function upstreamAnswer(name: string, answers: Answer[], extra: Partial<Packet> = {}): Buffer {
  return encode({
    type: 'response',
    id: 31337,
    flags: 0x8180,
    questions: [{ type: 'A', name: name.toLowerCase(), class: 'IN' }],
    answers,
    additionals: [opt(4096)],
    ...extra,
  });
}

test('answers echo id, RD, CD and the question as sent; RA set', () => {
  const { raw, q } = client('WwW.Example.org', 'A');
  const answer = decode(errorAnswer(raw, q, settings, Rcode.SERVFAIL));
  assert.equal(answer.id, 777);
  assert.equal(answer.rcode, 'SERVFAIL');
  assert.equal(answer.flag_qr, true);
  assert.equal(answer.flag_rd, true);
  assert.equal(answer.flag_cd, true);
  assert.equal(answer.flag_ra, true);
  assert.equal(answer.questions?.[0]?.name, 'WwW.Example.org');
});

test('EDNS: an OPT record comes back only when the client sent one, with our size and its DO bit', () => {
  const plain = client('example.org', 'A');
  assert.equal(optOf(decode(errorAnswer(plain.raw, plain.q, settings, Rcode.REFUSED))), undefined);
  const edns = client('example.org', 'A', { size: 4096, dnssecOk: true });
  const echoed = optOf(decode(errorAnswer(edns.raw, edns.q, settings, Rcode.REFUSED)));
  assert.equal(echoed?.udpPayloadSize, 1232);
  assert.equal((echoed?.flags ?? 0) & 0x8000, 0x8000);
  const badvers = decode(errorAnswer(edns.raw, edns.q, settings, Rcode.BADVERS));
  assert.equal(optOf(badvers)?.extendedRcode, 1);
  assert.equal(badvers.rcode, 'NOERROR'); // the low four bits of 16
});

test('UDP limit: 512 without EDNS, the client’s size with EDNS, never above ours nor below 512', () => {
  assert.equal(udpLimit(client('a.test', 'A').q, settings), 512);
  assert.equal(udpLimit(client('a.test', 'A', { size: 1000 }).q, settings), 1000);
  assert.equal(udpLimit(client('a.test', 'A', { size: 4096 }).q, settings), 1232);
  assert.equal(udpLimit(client('a.test', 'A', { size: 100 }).q, settings), 512);
});

test('blocked: NXDOMAIN with an SOA whose minimum is the block TTL', () => {
  const block = blockRecords(60, null);
  const { raw, q } = client('www.bet365.com', 'A');
  const answer = decode(nxdomainAnswer(raw, q, settings, block));
  assert.equal(answer.rcode, 'NXDOMAIN');
  assert.equal(answer.answers?.length, 0);
  const authority = answer.authorities?.[0];
  assert.equal(authority?.type, 'SOA');
  assert.equal(authority?.name, 'www.bet365.com');
  assert.equal(ttlOf(authority), 60);
  assert.equal(authority?.type === 'SOA' ? authority.data.minimum : -1, 60);
});

test('blocked, block-page mode: A gets the address, AAAA and others NODATA with SOA', () => {
  const block = blockRecords(30, Buffer.from([192, 0, 2, 80]));
  const a = client('bet365.com', 'A');
  const answerA = decode(blockPageAnswer(a.raw, a.q, settings, block));
  assert.equal(answerA.rcode, 'NOERROR');
  assert.deepEqual(
    answerA.answers?.map((r) => [r.type, r.name, dataOf(r), ttlOf(r)]),
    [['A', 'bet365.com', '192.0.2.80', 30]],
  );
  const aaaa = client('bet365.com', 'AAAA');
  const answerAAAA = decode(blockPageAnswer(aaaa.raw, aaaa.q, settings, block));
  assert.equal(answerAAAA.rcode, 'NOERROR');
  assert.equal(answerAAAA.answers?.length, 0);
  assert.equal(answerAAAA.authorities?.[0]?.type, 'SOA');
});

test('a prepared upstream answer loses its OPT and id, keeps its records, and knows its TTL', () => {
  const response = upstreamAnswer('example.org', [
    { type: 'A', name: 'example.org', ttl: 300, data: '192.0.2.1' },
    { type: 'A', name: 'example.org', ttl: 200, data: '192.0.2.2' },
  ]);
  const prepared = prepareAnswer(response);
  assert.ok(prepared);
  assert.equal(prepared.ttl, 200);
  assert.equal(prepared.negative, false);
  const decoded = decode(prepared.message);
  assert.equal(decoded.id, 0);
  assert.equal(decoded.additionals?.length, 0);
  assert.equal(decoded.answers?.length, 2);

  const servfail = prepareAnswer(upstreamAnswer('example.org', [], { flags: 0x8182 }));
  assert.equal(servfail?.ttl, -1);
  const nodataWithoutSoa = prepareAnswer(upstreamAnswer('example.org', []));
  assert.equal(nodataWithoutSoa?.negative, true);
  assert.equal(nodataWithoutSoa?.ttl, -1, 'negative answers without SOA are not cached (RFC 2308)');
  assert.equal(prepareAnswer(Buffer.from([1, 2, 3])), null);
});

test('a cached answer is rendered with the client’s id and question, TTLs aged, our OPT', () => {
  const prepared = prepareAnswer(
    upstreamAnswer('www.example.org', [
      { type: 'A', name: 'www.example.org', ttl: 300, data: '192.0.2.1' },
    ]),
  );
  assert.ok(prepared);
  const { raw, q } = client('WWW.example.ORG', 'A', { size: 1232 });
  const out = decode(renderPrepared(prepared, raw, q, settings, 100, udpLimit(q, settings)));
  assert.equal(out.id, 777);
  assert.equal(out.questions?.[0]?.name, 'WWW.example.ORG');
  assert.equal(ttlOf(out.answers?.[0]), 200);
  assert.equal(optOf(out)?.udpPayloadSize, 1232);
  const old = decode(renderPrepared(prepared, raw, q, settings, 1000, 1232));
  assert.equal(ttlOf(old.answers?.[0]), 0, 'TTLs never go below zero');
  const noEdns = client('www.example.org', 'A');
  assert.equal(
    optOf(decode(renderPrepared(prepared, noEdns.raw, noEdns.q, settings, 0, 512))),
    undefined,
  );
});

test('an answer too large for the client is truncated (TC) and the client falls back to TCP', () => {
  const many: Answer[] = [];
  for (let i = 0; i < 30; i++)
    many.push({ type: 'A', name: 'big.example.org', ttl: 60, data: `192.0.2.${i}` });
  const prepared = prepareAnswer(upstreamAnswer('big.example.org', many));
  assert.ok(prepared);
  assert.ok(prepared.message.length > 512 && prepared.message.length < 1232);
  const classic = client('big.example.org', 'A');
  const cut = renderPrepared(
    prepared,
    classic.raw,
    classic.q,
    settings,
    0,
    udpLimit(classic.q, settings),
  );
  assert.ok(cut.length <= 512);
  const decoded = decode(cut);
  assert.equal(decoded.flag_tc, true);
  assert.equal(decoded.answers?.length, 0);
  assert.equal(decoded.questions?.[0]?.name, 'big.example.org');
  // an EDNS client with room gets it whole
  const edns = client('big.example.org', 'A', { size: 1232 });
  const whole = decode(
    renderPrepared(prepared, edns.raw, edns.q, settings, 0, udpLimit(edns.q, settings)),
  );
  assert.equal(whole.flag_tc, false);
  assert.equal(whole.answers?.length, 30);
  // over TCP there is no limit
  const tcp = decode(renderPrepared(prepared, classic.raw, classic.q, settings, 0, 65_535));
  assert.equal(tcp.answers?.length, 30);
  assert.equal((cut.readUInt16BE(2) & Flag.TC) !== 0, true);
});

test('safe search: CNAME to the target, then the target’s own records', () => {
  const target = prepareAnswer(
    upstreamAnswer('forcesafesearch.google.com', [
      { type: 'A', name: 'forcesafesearch.google.com', ttl: 120, data: '216.239.38.120' },
    ]),
  );
  const { raw, q } = client('www.Google.co.uk', 'A', { size: 1232 });
  const out = decode(rewriteAnswer(raw, q, settings, 'forcesafesearch.google.com', target, 20));
  assert.equal(out.rcode, 'NOERROR');
  assert.equal(out.questions?.[0]?.name, 'www.Google.co.uk');
  assert.deepEqual(
    out.answers?.map((a) => [a.type, a.name, dataOf(a), ttlOf(a)]),
    [
      ['CNAME', 'www.Google.co.uk', 'forcesafesearch.google.com', 100],
      ['A', 'forcesafesearch.google.com', '216.239.38.120', 100],
    ],
  );
  assert.equal(optOf(out)?.udpPayloadSize, 1232);
  const cnameOnly = decode(rewriteAnswer(raw, q, settings, 'restrict.youtube.com', null, 0));
  assert.deepEqual(
    cnameOnly.answers?.map((a) => a.type),
    ['CNAME'],
  );
});
