import assert from 'node:assert/strict';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type Server } from 'node:tls';
import {
  createLeafKey,
  issueLeafCertificate,
  LeafCertificates,
  LruMap,
  type LeafKey,
} from './leaf-certs.ts';
import { createSchoolCa, type SchoolCa } from './school-ca.ts';
import { x509 } from './x509.ts';

const now = new Date('2026-11-23T10:00:00Z');
let ca: SchoolCa;
let leafKey: LeafKey;

before(async () => {
  ca = await createSchoolCa({ schoolName: 'Roundwood', now });
  leafKey = await createLeafKey();
});

describe('leaf certificates', () => {
  it('carry a DNS SAN, 7 days from an hour ago, and are signed by the school CA', async () => {
    const leaf = await issueLeafCertificate(ca, leafKey, 'www.example.org', now);
    assert.equal(leaf.subject, 'CN=www.example.org');
    assert.equal(leaf.issuer, ca.certificate.subject);
    const san = leaf.getExtension(x509.SubjectAlternativeNameExtension);
    assert.deepEqual(san?.names.toJSON(), [{ type: 'dns', value: 'www.example.org' }]);
    assert.equal(leaf.notBefore.toISOString(), '2026-11-23T09:00:00.000Z');
    assert.equal(leaf.notAfter.toISOString(), '2026-11-30T10:00:00.000Z');
    assert.equal(leaf.getExtension(x509.BasicConstraintsExtension)?.ca, false);
    const eku = leaf.getExtension(x509.ExtendedKeyUsageExtension);
    assert.deepEqual([...(eku?.usages ?? [])], [x509.ExtendedKeyUsage.serverAuth]);
    assert.ok(await leaf.verify({ publicKey: ca.certificate.publicKey, date: now }));
    // Node's verifier agrees: issued by the CA, and the name checks pass
    const node = new NodeX509(leaf.toString('pem'));
    assert.ok(node.checkIssued(new NodeX509(ca.certPem)));
    assert.equal(node.checkHost('www.example.org'), 'www.example.org');
    assert.equal(node.checkHost('other.example.org'), undefined);
  });

  it('carry an IP address SAN for an IP host', async () => {
    const leaf = await issueLeafCertificate(ca, leafKey, '127.0.0.1', now);
    const san = leaf.getExtension(x509.SubjectAlternativeNameExtension);
    assert.deepEqual(san?.names.toJSON(), [{ type: 'ip', value: '127.0.0.1' }]);
    assert.equal(new NodeX509(leaf.toString('pem')).checkIP('127.0.0.1'), '127.0.0.1');
  });

  it('are cached, and concurrent requests for one host issue one certificate', async () => {
    const leaves = new LeafCertificates(ca, leafKey, { cacheSize: 2, clock: () => now });
    const [a, b] = await Promise.all([leaves.contextFor('a.test'), leaves.contextFor('a.test')]);
    assert.equal(a, b);
    assert.deepEqual(leaves.stats(), { issued: 1, hits: 0, coalesced: 1, cached: 1 });
    assert.equal(await leaves.contextFor('a.test'), a);
    await leaves.contextFor('b.test');
    await leaves.contextFor('c.test'); // evicts a.test (least recently used)
    assert.notEqual(await leaves.contextFor('a.test'), a);
    assert.equal(leaves.stats().issued, 4);
  });

  it('are renewed a day before they expire', async () => {
    let clock = now;
    const leaves = new LeafCertificates(ca, leafKey, { clock: () => clock });
    const first = await leaves.contextFor('a.test');
    clock = new Date(now.getTime() + 5 * 86_400_000);
    assert.equal(await leaves.contextFor('a.test'), first);
    clock = new Date(now.getTime() + 6 * 86_400_000 + 1);
    assert.notEqual(await leaves.contextFor('a.test'), first);
  });
});

describe('LruMap', () => {
  it('evicts the least recently used entry', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    assert.equal(lru.get('a'), 1); // a is now the most recent
    lru.set('c', 3);
    assert.equal(lru.has('b'), false);
    assert.equal(lru.get('a'), 1);
    assert.equal(lru.get('c'), 3);
    assert.equal(lru.size, 2);
  });
});

describe('handshakes per second, with and without the leaf cache (figures, no assertions)', () => {
  let server: Server;
  let port = 0;
  let leaves: LeafCertificates;
  let cached = true;
  let counter = 0;

  before(async () => {
    leaves = new LeafCertificates(ca, leafKey, { cacheSize: 10_000 });
    server = createServer({
      SNICallback: (name, done) => {
        const host = cached ? name : `n${counter++}.${name}`;
        const pending = cached ? leaves.contextFor(host) : leaves.issueContext(host);
        pending.then(
          (context) => done(null, context),
          (error: Error) => done(error),
        );
      },
    });
    server.on('secureConnection', (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function handshakes(count: number): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect({
          host: '127.0.0.1',
          port,
          servername: 'bench.test',
          ca: ca.certPem,
          checkServerIdentity: () => undefined,
        });
        socket.once('secureConnect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
    }
    return (count / (performance.now() - started)) * 1000;
  }

  it('prints handshakes/s', async (t) => {
    cached = true;
    await handshakes(20);
    const withCache = await handshakes(200);
    cached = false;
    const without = await handshakes(200);
    t.diagnostic(
      `leaf cache: ${withCache.toFixed(0)} handshakes/s with the cache, ${without.toFixed(0)} handshakes/s issuing a certificate each time`,
    );
    assert.ok(withCache > 0 && without > 0);
  });
});
