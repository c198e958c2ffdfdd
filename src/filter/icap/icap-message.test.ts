import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ChunkedDecoder,
  decisionTarget,
  encodeChunk,
  findHeadEnd,
  headerValue,
  IcapProtocolError,
  icapResponseHead,
  parseEncapsulated,
  parseHttpRequestHead,
  parseIcapRequestHead,
  parseIcapResponseHead,
} from './icap-message.ts';

function protocolError(status: number): (error: unknown) => boolean {
  return (error) => error instanceof IcapProtocolError && error.status === status;
}

/** Feeds `input` to a decoder in pieces of `step` bytes; returns data, bytes used and flags. */
function decode(input: string, step = input.length) {
  const decoder = new ChunkedDecoder();
  const buffer = Buffer.from(input, 'latin1');
  const data: Buffer[] = [];
  let used = 0;
  let pending = Buffer.alloc(0);
  for (let i = 0; i < buffer.length && !decoder.done; i += step) {
    pending = Buffer.concat([pending, buffer.subarray(i, i + step)]);
    const n = decoder.push(pending, (d) => data.push(Buffer.from(d)));
    used += n;
    pending = pending.subarray(n);
  }
  return {
    body: Buffer.concat(data).toString('latin1'),
    used,
    done: decoder.done,
    ieof: decoder.ieof,
    total: decoder.total,
  };
}

describe('Encapsulated', () => {
  test('the shapes Squid sends', () => {
    assert.deepEqual(parseEncapsulated('req-hdr=0, null-body=170'), [
      { name: 'req-hdr', offset: 0 },
      { name: 'null-body', offset: 170 },
    ]);
    assert.deepEqual(parseEncapsulated('req-hdr=0,req-body=412'), [
      { name: 'req-hdr', offset: 0 },
      { name: 'req-body', offset: 412 },
    ]);
    assert.deepEqual(parseEncapsulated('null-body=0'), [{ name: 'null-body', offset: 0 }]);
    assert.deepEqual(parseEncapsulated('req-hdr=0, res-hdr=137, res-body=296'), [
      { name: 'req-hdr', offset: 0 },
      { name: 'res-hdr', offset: 137 },
      { name: 'res-body', offset: 296 },
    ]);
  });

  test('what is refused', () => {
    for (const bad of [
      '',
      'req-hdr=0',
      'req-hdr=0, req-body=-1',
      'req-hdr=10, req-body=5',
      'req-body=0, req-hdr=10',
      'foo-hdr=0, null-body=5',
      'req-hdr=0; null-body=5',
      'req-hdr=0, null-body=99999999999',
      'req-hdr=0, req-body=4, null-body=8',
    ]) {
      assert.throws(() => parseEncapsulated(bad), protocolError(400), bad);
    }
  });
});

describe('ICAP heads', () => {
  test('a REQMOD head as Squid 5 sends it', () => {
    const head = parseIcapRequestHead(
      'REQMOD icap://127.0.0.1:1344/reqmod ICAP/1.0\r\nHost: 127.0.0.1:1344\r\n' +
        'Date: Mon, 23 Nov 2026 16:54:20 GMT\r\nEncapsulated: req-hdr=0, null-body=103\r\n' +
        'Preview: 0\r\nAllow: 204, trailers\r\nX-Client-IP: 10.0.20.7\r\n\r\n',
    );
    assert.equal(head.method, 'REQMOD');
    assert.equal(head.path, '/reqmod');
    assert.equal(head.preview, 0);
    assert.equal(head.allow204, true);
    assert.equal(head.keepAlive, true);
    assert.equal(head.headers.get('x-client-ip'), '10.0.20.7');
    assert.deepEqual(
      head.encapsulated.map((p) => p.name),
      ['req-hdr', 'null-body'],
    );
  });

  test('no preview, no 204, close, folded and repeated headers', () => {
    const head = parseIcapRequestHead(
      'OPTIONS icap://icap.test/reqmod?x=1 ICAP/1.0\r\nConnection: close\r\n' +
        'X-Note: one\r\n  folded\r\nX-Note: two\r\nAllow: 206\r\n\r\n',
    );
    assert.equal(head.preview, null);
    assert.equal(head.allow204, false);
    assert.equal(head.keepAlive, false);
    assert.equal(head.path, '/reqmod');
    assert.equal(head.headers.get('x-note'), 'one folded, two');
    assert.deepEqual(head.encapsulated, []);
  });

  test('malformed heads', () => {
    const cases: Array<[string, number]> = [
      ['REQMOD icap://a/reqmod HTTP/1.1\r\n\r\n', 400],
      ['REQMOD icap://a/reqmod ICAP/2.0\r\n\r\n', 505],
      ['reqmod icap://a/reqmod ICAP/1.0\r\n\r\n', 400],
      ['REQMOD http://a/reqmod ICAP/1.0\r\n\r\n', 400],
      ['REQMOD icap://a/reqmod ICAP/1.0\r\nNo colon here\r\n\r\n', 400],
      ['REQMOD icap://a/reqmod ICAP/1.0\r\n folded first\r\n\r\n', 400],
      ['REQMOD icap://a/reqmod ICAP/1.0\r\nBad Name: x\r\n\r\n', 400],
      ['REQMOD icap://a/reqmod ICAP/1.0\r\nPreview: lots\r\n\r\n', 400],
      ['REQMOD icap://a/reqmod ICAP/1.0\r\nX: a\u0000b\r\n\r\n', 400],
      ['REQMOD icap://a/reqmod ICAP/1.0\r\n\r\nExtra: after\r\n\r\n', 400],
      ['REQMOD icap://a/reqmod ICAP/1.0\r\n', 400],
    ];
    for (const [text, status] of cases) {
      assert.throws(() => parseIcapRequestHead(text), protocolError(status), JSON.stringify(text));
    }
  });

  test('findHeadEnd waits for the empty line and enforces the limit', () => {
    const text = Buffer.from('OPTIONS icap://a/reqmod ICAP/1.0\r\nHost: a\r\n\r\nNEXT');
    assert.equal(findHeadEnd(text, 1024), text.length - 4);
    assert.equal(findHeadEnd(text.subarray(0, 20), 1024), -1);
    assert.throws(() => findHeadEnd(Buffer.alloc(2048, 0x41), 1024), protocolError(400));
    assert.throws(() => findHeadEnd(text, 16), protocolError(400));
  });

  test('response heads', () => {
    const head = parseIcapResponseHead(
      'ICAP/1.0 204 No Content\r\nISTag: "x"\r\nEncapsulated: null-body=0\r\n\r\n',
    );
    assert.equal(head.status, 204);
    assert.equal(head.reason, 'No Content');
    assert.equal(
      icapResponseHead(200, [
        ['ISTag', '"x"'],
        ['X-Evil', 'a\r\nInjected: yes'],
      ]),
      'ICAP/1.0 200 OK\r\nISTag: "x"\r\nX-Evil: a  Injected: yes\r\n\r\n',
    );
    assert.equal(headerValue('plain'), 'plain');
  });
});

describe('encapsulated HTTP request heads', () => {
  test('absolute URI, origin form with Host, CONNECT, OPTIONS *', () => {
    const absolute = parseHttpRequestHead(
      'GET http://bet365.com/a?b HTTP/1.1\r\nHost: bet365.com\r\n\r\n',
    );
    assert.deepEqual(decisionTarget(absolute), { url: 'http://bet365.com/a?b' });
    const origin = parseHttpRequestHead('post /form HTTP/1.1\r\nHost: allowed.test:8080\r\n\r\n');
    assert.equal(origin.method, 'POST');
    assert.deepEqual(decisionTarget(origin), { url: 'http://allowed.test:8080/form' });
    const connect = parseHttpRequestHead('CONNECT bet365.com:443 HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.deepEqual(decisionTarget(connect), { host: 'bet365.com:443' });
    const star = parseHttpRequestHead('OPTIONS * HTTP/1.1\r\nHost: a.test\r\n\r\n');
    assert.deepEqual(decisionTarget(star), { host: 'a.test' });
  });

  test('malformed', () => {
    for (const text of [
      'GET http://a/ HTTP/1.1\r\n',
      'GET http://a/\r\n\r\n',
      'GET  http://a/ HTTP/1.1\r\n\r\n',
      'G\u0000T http://a/ HTTP/1.1\r\n\r\n',
    ]) {
      assert.throws(() => parseHttpRequestHead(text), protocolError(400), JSON.stringify(text));
    }
  });
});

describe('ChunkedDecoder', () => {
  const body = '5\r\nhello\r\n1;name=value\r\n \r\nb\r\nICAP world!\r\n0\r\n\r\nNEXT MESSAGE';

  test('decodes chunks with extensions and stops at the last chunk', () => {
    const result = decode(body);
    assert.equal(result.body, 'hello ICAP world!');
    assert.equal(result.done, true);
    assert.equal(result.ieof, false);
    assert.equal(result.used, body.length - 'NEXT MESSAGE'.length);
    assert.equal(result.total, 17);
  });

  test('the same whatever the pieces the bytes arrive in', () => {
    for (let step = 1; step <= 12; step++) {
      const result = decode(body, step);
      assert.equal(result.body, 'hello ICAP world!', `step ${step}`);
      assert.equal(result.done, true, `step ${step}`);
    }
  });

  test('preview: 0 (just the end), ieof, and trailers', () => {
    assert.deepEqual(decode('0\r\n\r\n'), { body: '', used: 5, done: true, ieof: false, total: 0 });
    const ieof = decode('0; ieof\r\n\r\n');
    assert.equal(ieof.ieof, true);
    assert.equal(decode('3\r\nabc\r\n0;IEOF\r\n\r\n').ieof, true);
    const trailer = decode('2\r\nok\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT');
    assert.equal(trailer.body, 'ok');
    assert.equal(trailer.used, '2\r\nok\r\n0\r\nX-Trailer: 1\r\n\r\n'.length);
  });

  test('incomplete input waits for more', () => {
    const result = decode('A\r\n01234');
    assert.equal(result.done, false);
    assert.equal(result.body, '01234');
  });

  test('malformed chunks', () => {
    for (const bad of [
      'zz\r\nhello\r\n0\r\n\r\n',
      '5\r\nhello world\r\n0\r\n\r\n',
      '-1\r\n\r\n',
      '123456789\r\n',
      `${'1'.repeat(5000)}`,
      '0\r\n' + 'X: y\r\n'.repeat(5000),
    ]) {
      assert.throws(() => decode(bad), protocolError(400), JSON.stringify(bad.slice(0, 30)));
    }
  });

  test('encodeChunk round-trips', () => {
    const data = Buffer.from('x'.repeat(300));
    const result = decode(
      Buffer.concat([encodeChunk(data), Buffer.from('0\r\n\r\n')]).toString('latin1'),
    );
    assert.equal(result.body, data.toString());
    assert.equal(encodeChunk(Buffer.alloc(0)).length, 0);
  });
});
