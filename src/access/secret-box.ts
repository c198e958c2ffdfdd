import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The key that encrypts Haven’s secrets at rest (the school CA’s private key, incident
 * evidence): 32 bytes,
 * from `HAVEN_SECRET_KEY` (base64) when set, else from `HAVEN_DATA/secret.key`, created on first
 * use with mode 0600. Encryption is AES-256-GCM with a random 96-bit nonce per secret; the tag
 * makes a wrong key or a changed file fail loudly instead of yielding garbage.
 */

export const SECRET_KEY_BYTES = 32;
export const SECRET_KEY_FILE = 'secret.key';

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/** Where the key came from (never the key itself). */
export type SecretKeySource = 'environment' | 'key-file' | 'new-key-file';

export interface SecretKey {
  readonly key: Buffer;
  readonly source: SecretKeySource;
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== SECRET_KEY_BYTES) {
    throw new SecretKeyError(
      `${where} must be ${SECRET_KEY_BYTES} bytes written in base64 (for example: openssl rand -base64 32).`,
    );
  }
  return key;
}

/** The secret key: `HAVEN_SECRET_KEY`, else `dataDir/secret.key` (created 0600 when `create`). */
export function loadSecretKey(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly create: boolean } = { create: true },
): SecretKey {
  const fromEnv = env.HAVEN_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { key: decodeKey(fromEnv, 'HAVEN_SECRET_KEY'), source: 'environment' };
  }
  const file = join(dataDir, SECRET_KEY_FILE);
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== null) return { key: decodeKey(text, file), source: 'key-file' };
  if (!options.create) {
    throw new SecretKeyError(`No secret key: set HAVEN_SECRET_KEY or keep ${file}.`);
  }
  const key = randomBytes(SECRET_KEY_BYTES);
  mkdirSync(dirname(file), { recursive: true });
  // 'wx': never overwrite a key another process has just written
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'new-key-file' };
}

/** A secret encrypted at rest, as stored in JSON. */
export interface SealedSecret {
  readonly v: 1;
  readonly alg: 'aes-256-gcm';
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/** Encrypts `plain` with AES-256-GCM; `context` is bound as associated data (e.g. a file's role). */
export function sealSecret(key: Buffer, plain: Buffer, context: string): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    v: 1,
    alg: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Decrypts a sealed secret; throws `SecretKeyError` for a wrong key or a changed file. */
export function openSecret(key: Buffer, sealed: SealedSecret, context: string): Buffer {
  if (sealed.v !== 1 || sealed.alg !== 'aes-256-gcm') {
    throw new SecretKeyError('The encrypted secret has a format this version cannot read.');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    throw new SecretKeyError(
      'The encrypted secret could not be opened: the secret key (HAVEN_SECRET_KEY or secret.key) is not the one it was made with, or the file was changed.',
    );
  }
}

export function isSealedSecret(value: unknown): value is SealedSecret {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.v === 1 &&
    v.alg === 'aes-256-gcm' &&
    typeof v.iv === 'string' &&
    typeof v.tag === 'string' &&
    typeof v.data === 'string'
  );
}
