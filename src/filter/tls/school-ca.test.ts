import assert from 'node:assert/strict';
import { randomBytes, X509Certificate as NodeX509 } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { x509 } from './x509.ts';
import {
  CA_KEY_FILE,
  caDirOf,
  createSchoolCa,
  loadSchoolCa,
  pemToDer,
  rotateSchoolCa,
  saveSchoolCa,
  schoolCaStatus,
  trustedCaPems,
} from './school-ca.ts';
import { SecretKeyError } from './secret-key.ts';

const root = mkdtempSync(join(tmpdir(), 'haven-ca-'));
after(() => rmSync(root, { recursive: true, force: true }));
const now = new Date('2026-11-23T10:00:00Z');

describe('school CA', () => {
  it('is a P-256 root for the school, 5 years, CA:true pathlen 0, keyCertSign + cRLSign', async () => {
    const ca = await createSchoolCa({ schoolName: 'Roundwood Primary', now });
    const cert = new x509.X509Certificate(ca.certPem);
    assert.equal(cert.subject, 'CN=Roundwood Primary Haven inspection CA, O=Haven');
    assert.equal(cert.issuer, cert.subject);
    assert.ok(await cert.isSelfSigned());
    assert.equal(cert.notAfter.toISOString(), '2031-11-23T10:00:00.000Z');
    assert.ok(cert.notBefore < now);
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    assert.ok(basic?.ca);
    assert.equal(basic.pathLength, 0);
    assert.ok(basic.critical);
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    assert.equal(usage?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    assert.equal((cert.publicKey.algorithm as EcKeyAlgorithm).namedCurve, 'P-256');
    // Node's own parser agrees
    const node = new NodeX509(ca.certPem);
    assert.ok(node.ca);
  });

  it('stores the key encrypted at rest and loads it back with the same secret key', async () => {
    const dataDir = join(root, 'a');
    const secret = randomBytes(32);
    const ca = await createSchoolCa({ schoolName: 'Crosfields', now });
    saveSchoolCa(dataDir, secret, ca);
    const keyFile = join(caDirOf(dataDir), CA_KEY_FILE);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const stored = readFileSync(keyFile);
    assert.ok(!stored.includes('PRIVATE KEY'));
    assert.ok(!stored.includes(ca.privateKeyPkcs8.subarray(30, 62)));
    const loaded = await loadSchoolCa(dataDir, secret);
    assert.equal(loaded.certPem, ca.certPem);
    await assert.rejects(loadSchoolCa(dataDir, randomBytes(32)), SecretKeyError);
    const status = await schoolCaStatus(dataDir, now);
    assert.match(status.sha256Fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.deepEqual(pemToDer(ca.certPem), Buffer.from(new NodeX509(ca.certPem).raw));
  });

  it('rotates: a new CA signs, the old one stays exported for the overlap', async () => {
    const dataDir = join(root, 'b');
    const secret = randomBytes(32);
    const first = await createSchoolCa({ schoolName: 'Roundwood', now });
    saveSchoolCa(dataDir, secret, first);
    await assert.rejects(
      rotateSchoolCa(dataDir, randomBytes(32), { schoolName: 'Roundwood', now }),
      SecretKeyError,
    );
    const next = await rotateSchoolCa(dataDir, secret, {
      schoolName: 'Roundwood',
      now,
      overlapDays: 30,
    });
    assert.notEqual(next.certPem, first.certPem);
    assert.equal((await loadSchoolCa(dataDir, secret)).certPem, next.certPem);
    assert.deepEqual(trustedCaPems(dataDir, now), [next.certPem, first.certPem]);
    const later = new Date(now.getTime() + 31 * 86_400_000);
    assert.deepEqual(trustedCaPems(dataDir, later), [next.certPem]);
    const status = await schoolCaStatus(dataDir, now);
    assert.equal(status.previous.length, 1);
    assert.equal(status.previous[0]?.trustedUntil.toISOString(), '2026-12-23T10:00:00.000Z');
  });
});
