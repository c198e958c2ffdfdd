import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSecretKey, openSecret, sealSecret, SecretKeyError } from './secret-key.ts';

const dir = mkdtempSync(join(tmpdir(), 'haven-secret-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('secret key', () => {
  it('takes HAVEN_SECRET_KEY (base64, 32 bytes) first', () => {
    const key = randomBytes(32);
    const loaded = loadSecretKey(dir, { HAVEN_SECRET_KEY: key.toString('base64') });
    assert.equal(loaded.source, 'environment');
    assert.deepEqual(loaded.key, key);
  });

  it('refuses a key of the wrong length', () => {
    assert.throws(
      () => loadSecretKey(dir, { HAVEN_SECRET_KEY: randomBytes(16).toString('base64') }),
      SecretKeyError,
    );
  });

  it('creates secret.key with mode 0600 once, then reads it back', () => {
    const data = join(dir, 'data');
    assert.throws(() => loadSecretKey(data, {}, { create: false }), SecretKeyError);
    const first = loadSecretKey(data, {});
    assert.equal(first.source, 'new-key-file');
    assert.equal(statSync(join(data, 'secret.key')).mode & 0o777, 0o600);
    const second = loadSecretKey(data, {});
    assert.equal(second.source, 'key-file');
    assert.deepEqual(second.key, first.key);
    assert.equal(
      readFileSync(join(data, 'secret.key'), 'utf8').trim(),
      first.key.toString('base64'),
    );
  });
});

describe('sealed secrets (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const plain = Buffer.from('private key bytes');

  it('round-trips, with a fresh nonce each time', () => {
    const a = sealSecret(key, plain, 'ctx');
    const b = sealSecret(key, plain, 'ctx');
    assert.notEqual(a.iv, b.iv);
    assert.ok(!Buffer.from(a.data, 'base64').includes(plain));
    assert.deepEqual(openSecret(key, a, 'ctx'), plain);
  });

  it('fails with a wrong key, another context, or a changed ciphertext', () => {
    const sealed = sealSecret(key, plain, 'ctx');
    assert.throws(() => openSecret(randomBytes(32), sealed, 'ctx'), SecretKeyError);
    assert.throws(() => openSecret(key, sealed, 'other'), SecretKeyError);
    const data = Buffer.from(sealed.data, 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    assert.throws(
      () => openSecret(key, { ...sealed, data: data.toString('base64') }, 'ctx'),
      SecretKeyError,
    );
  });
});
