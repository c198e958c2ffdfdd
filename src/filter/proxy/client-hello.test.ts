import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import { connect } from 'node:tls';
import { createRandom } from '../../policy/engine/seeded-random.ts';
import { readClientHello } from './client-hello.ts';

/** The first bytes a real Node TLS client sends for `servername` (captured by a plain TCP server). */
async function captureClientHello(servername: string | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const server = createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        const all = Buffer.concat(chunks);
        if (all.length >= 5 && all.length >= 5 + all.readUInt16BE(3)) {
          socket.destroy();
          server.close();
          resolve(all);
        }
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const client = connect({
        host: '127.0.0.1',
        port,
        ...(servername === undefined ? {} : { servername }),
        rejectUnauthorized: false,
      });
      client.on('error', () => undefined);
    });
    server.on('error', reject);
  });
}

/** Re-frames one record's handshake message into records of at most `size` bytes. */
function fragment(hello: Buffer, size: number): Buffer {
  const message = hello.subarray(5, 5 + hello.readUInt16BE(3));
  const parts: Buffer[] = [];
  for (let at = 0; at < message.length; at += size) {
    const piece = message.subarray(at, Math.min(message.length, at + size));
    const header = Buffer.from([22, 3, 1, 0, 0]);
    header.writeUInt16BE(piece.length, 3);
    parts.push(header, piece);
  }
  return Buffer.concat(parts);
}

describe('readClientHello', () => {
  let named: Buffer;
  let unnamed: Buffer;
  before(async () => {
    named = await captureClientHello('Bet365.com');
    unnamed = await captureClientHello(undefined);
  });

  test('reads the server name of a real TLS ClientHello', () => {
    assert.deepEqual(readClientHello(named), { kind: 'tls', serverName: 'Bet365.com' });
  });

  test('a ClientHello without a server name is TLS without a name', () => {
    assert.deepEqual(readClientHello(unnamed), { kind: 'tls', serverName: null });
  });

  test('every proper prefix asks for more bytes', () => {
    for (let i = 1; i < named.length; i++) {
      assert.equal(readClientHello(named.subarray(0, i)).kind, 'need-more', `prefix ${i}`);
    }
    assert.equal(readClientHello(new Uint8Array(0)).kind, 'need-more');
  });

  test('a ClientHello split over several records is reassembled', () => {
    for (const size of [1, 7, 100, 512]) {
      const split = fragment(named, size);
      assert.deepEqual(
        readClientHello(split),
        { kind: 'tls', serverName: 'Bet365.com' },
        `${size}`,
      );
      assert.equal(readClientHello(split.subarray(0, split.length - 1)).kind, 'need-more');
    }
  });

  test('plain HTTP, SSH and other protocols are not TLS', () => {
    for (const text of [
      'GET / HTTP/1.1\r\n',
      'SSH-2.0-OpenSSH_9.2\r\n',
      'PRI * HTTP/2.0',
      '\u0016\u0002',
    ]) {
      assert.equal(
        readClientHello(Buffer.from(text, 'latin1')).kind,
        'not-tls',
        JSON.stringify(text),
      );
    }
    // a handshake record with a zero or oversized length is not TLS
    assert.equal(readClientHello(Buffer.from([22, 3, 1, 0, 0])).kind, 'not-tls');
    assert.equal(readClientHello(Buffer.from([22, 3, 1, 0xff, 0xff])).kind, 'not-tls');
  });

  test('TLS that is not a ClientHello, or is cut short inside, has no name', () => {
    const serverHello = Buffer.from(named);
    serverHello[5] = 2;
    assert.deepEqual(readClientHello(serverHello), { kind: 'tls', serverName: null });
    // the extensions length claims more than the message holds
    const broken = Buffer.from(named);
    broken.writeUInt16BE(0xffff, broken.length - 2);
    assert.equal(readClientHello(broken).kind, 'tls');
  });

  test('fuzz: random bytes, mutations and truncations never throw', () => {
    const random = createRandom(20251006);
    const byte = () => random.int(256);
    for (let round = 0; round < 20_000; round++) {
      let input: Uint8Array;
      const mode = round % 4;
      if (mode === 0) {
        input = Uint8Array.from({ length: random.int(600) }, byte);
      } else if (mode === 1) {
        // a TLS-looking header with random content
        input = Uint8Array.from({ length: 5 + random.int(600) }, byte);
        input[0] = 22;
        input[1] = 3;
        input[2] = random.int(5);
      } else {
        // a real ClientHello with a few bytes changed, perhaps truncated
        input = Uint8Array.from(mode === 2 ? named : fragment(named, 1 + random.int(300)));
        const flips = 1 + random.int(8);
        for (let k = 0; k < flips; k++) input[random.int(input.length)] = byte();
        if (random.next() < 0.5) input = input.subarray(0, random.int(input.length));
      }
      const result = readClientHello(input);
      assert.ok(['need-more', 'not-tls', 'tls'].includes(result.kind));
      if (result.kind === 'tls' && result.serverName !== null) {
        assert.equal(typeof result.serverName, 'string');
        assert.ok(result.serverName.length <= 65535);
      }
    }
  });
});
