import { webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { x509 } from './x509.ts';
import { randomSerial, type SchoolCa } from './school-ca.ts';

/**
 * Leaf certificates for inspected hosts, made on demand and signed by the school CA: the SAN is
 * the DNS name (or an IP address SAN for an IP), valid `validityDays` (7) from one hour in the
 * past (clocks on school devices drift). Every leaf shares one ECDSA P-256 key made at start, so
 * issuing a certificate is one signature. Ready TLS contexts are kept in an LRU cache; requests
 * for a host that is being issued wait for the same promise (coalesced).
 */

const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_SIGN: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface LeafOptions {
  /** TLS contexts kept at most. Default 1,000. */
  readonly cacheSize: number;
  /** Days a leaf certificate is valid. Default 7. */
  readonly validityDays: number;
  readonly clock: () => Date;
}

export const DEFAULT_LEAF_OPTIONS: LeafOptions = {
  cacheSize: 1000,
  validityDays: 7,
  clock: () => new Date(),
};

export interface LeafStats {
  readonly issued: number;
  readonly hits: number;
  readonly coalesced: number;
  readonly cached: number;
}

interface CachedLeaf {
  readonly context: Promise<SecureContext>;
  /** Renewed after this time (a day before the certificate expires). */
  renewAfter: number;
  settled: boolean;
}

/** A small LRU map: `get` refreshes an entry; `set` evicts the least recently used past `size`. */
export class LruMap<K, V> {
  readonly #size: number;
  readonly #map = new Map<K, V>();

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.#size) {
      const oldest = this.#map.keys().next();
      if (oldest.done === true) break;
      this.#map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  get size(): number {
    return this.#map.size;
  }
}

function pemOf(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The leaf key shared by every leaf certificate, as a key pair and PEM for `createSecureContext`. */
export interface LeafKey {
  readonly keys: CryptoKeyPair;
  readonly keyPem: string;
}

export async function createLeafKey(): Promise<LeafKey> {
  const keys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { keys, keyPem: pemOf('PRIVATE KEY', pkcs8) };
}

/** Issues one leaf certificate for `host` (a DNS name or an IP address), signed by the CA. */
export async function issueLeafCertificate(
  ca: SchoolCa,
  leafKey: LeafKey,
  host: string,
  now: Date,
  validityDays: number = DEFAULT_LEAF_OPTIONS.validityDays,
): Promise<x509.X509Certificate> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = isIP(bare) !== 0;
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [bare.slice(0, 64)] }],
    issuer: ca.certificate.subjectName,
    notBefore: new Date(now.getTime() - HOUR_MS),
    notAfter: new Date(now.getTime() + validityDays * DAY_MS),
    signingAlgorithm: EC_SIGN,
    publicKey: leafKey.keys.publicKey,
    signingKey: ca.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([{ type: ip ? 'ip' : 'dns', value: bare }], false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey, false),
    ],
  });
}

/** Leaf TLS contexts per host, cached and coalesced. */
export class LeafCertificates {
  readonly #ca: SchoolCa;
  readonly #leafKey: LeafKey;
  readonly #options: LeafOptions;
  readonly #cache: LruMap<string, CachedLeaf>;
  #issued = 0;
  #hits = 0;
  #coalesced = 0;

  constructor(ca: SchoolCa, leafKey: LeafKey, options: Partial<LeafOptions> = {}) {
    this.#ca = ca;
    this.#leafKey = leafKey;
    this.#options = { ...DEFAULT_LEAF_OPTIONS, ...options };
    this.#cache = new LruMap(this.#options.cacheSize);
  }

  static async create(ca: SchoolCa, options: Partial<LeafOptions> = {}): Promise<LeafCertificates> {
    return new LeafCertificates(ca, await createLeafKey(), options);
  }

  /** The TLS context presenting a leaf certificate for `host` (normalised, lower case). */
  contextFor(host: string): Promise<SecureContext> {
    const nowMs = this.#options.clock().getTime();
    const cached = this.#cache.get(host);
    if (cached !== undefined && nowMs < cached.renewAfter) {
      if (cached.settled) this.#hits++;
      else this.#coalesced++;
      return cached.context;
    }
    const entry: CachedLeaf = {
      context: this.issueContext(host),
      renewAfter: nowMs + Math.max(HOUR_MS, (this.#options.validityDays - 1) * DAY_MS),
      settled: false,
    };
    this.#cache.set(host, entry);
    entry.context.then(
      () => {
        entry.settled = true;
      },
      () => {
        // a failed issue is not remembered: the next request tries again
        if (this.#cache.get(host) === entry) this.#cache.delete(host);
      },
    );
    return entry.context;
  }

  /** Issues a new context for `host` without the cache (also what the bench measures). */
  async issueContext(host: string): Promise<SecureContext> {
    const certificate = await issueLeafCertificate(
      this.#ca,
      this.#leafKey,
      host,
      this.#options.clock(),
      this.#options.validityDays,
    );
    this.#issued++;
    return createSecureContext({
      key: this.#leafKey.keyPem,
      cert: certificate.toString('pem') + '\n' + this.#ca.certPem,
      minVersion: 'TLSv1.2',
    });
  }

  stats(): LeafStats {
    return {
      issued: this.#issued,
      hits: this.#hits,
      coalesced: this.#coalesced,
      cached: this.#cache.size,
    };
  }
}
