import { randomBytes, webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x509 } from './x509.ts';
import { isSealedSecret, openSecret, sealSecret, SecretKeyError } from './secret-key.ts';

/**
 * The school's own certificate authority for HTTPS inspection (ENF-5): an ECDSA P-256 root,
 * "<School> Haven inspection CA", valid five years, that may sign only end-entity certificates
 * (basicConstraints CA:true, pathlen 0; keyUsage keyCertSign and cRLSign).
 *
 * On disk, in `HAVEN_DATA/ca/`:
 *   school-ca.pem        the certificate (public: install it on managed devices)
 *   school-ca.key.json   the private key (PKCS#8), sealed with AES-256-GCM (secret-key.ts)
 *   previous.json        earlier certificates still trusted after a rotation, with the date
 *                        each stops being exported
 * The private key is never logged or printed; only this module opens it.
 */

export const CA_DIR = 'ca';
export const CA_CERT_FILE = 'school-ca.pem';
export const CA_KEY_FILE = 'school-ca.key.json';
export const CA_PREVIOUS_FILE = 'previous.json';
export const CA_VALIDITY_YEARS = 5;
/** After a rotation, the old certificate stays in the exported bundle this many days. */
export const DEFAULT_ROTATION_OVERLAP_DAYS = 90;

const KEY_CONTEXT = 'haven:school-ca:private-key';
const EC_KEY: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_SIGN: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export class SchoolCaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchoolCaError';
  }
}

/** A CA with its private key, ready to sign leaf certificates. */
export interface SchoolCa {
  readonly certificate: x509.X509Certificate;
  readonly certPem: string;
  readonly signingKey: CryptoKey;
}

/** An earlier CA certificate kept trusted for a while after `rotate`. */
export interface PreviousCa {
  readonly certPem: string;
  readonly trustedUntil: string;
}

/** What `haven ca status` shows: public facts only. */
export interface SchoolCaStatus {
  readonly subject: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly sha256Fingerprint: string;
  readonly previous: readonly {
    readonly subject: string;
    readonly notAfter: Date;
    readonly trustedUntil: Date;
    readonly sha256Fingerprint: string;
  }[];
}

export function caDirOf(dataDir: string): string {
  return join(dataDir, CA_DIR);
}

/** A positive 128-bit serial number in hex. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString('hex');
}

/** Keeps the characters a distinguished name's CN may hold without escaping surprises. */
function commonNameOf(schoolName: string): string {
  const clean = schoolName
    .replace(/[^\p{L}\p{N} '&().-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 40);
  return `${clean === '' ? 'School' : clean} Haven inspection CA`;
}

function addYears(date: Date, years: number): Date {
  const next = new Date(date.getTime());
  next.setUTCFullYear(next.getUTCFullYear() + years);
  return next;
}

/** Makes a new root CA (in memory); `save` it to keep it. */
export async function createSchoolCa(options: {
  readonly schoolName: string;
  readonly now: Date;
  readonly validityYears?: number;
}): Promise<SchoolCa & { readonly privateKeyPkcs8: Buffer }> {
  const keys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const notBefore = new Date(options.now.getTime() - 60 * 60 * 1000);
  const cn = commonNameOf(options.schoolName);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [cn] }, { O: ['Haven'] }],
    notBefore,
    notAfter: addYears(options.now, options.validityYears ?? CA_VALIDITY_YEARS),
    signingAlgorithm: EC_SIGN,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const privateKeyPkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const signingKey = await importSigningKey(privateKeyPkcs8);
  return { certificate, certPem: certificate.toString('pem'), signingKey, privateKeyPkcs8 };
}

function importSigningKey(pkcs8: Buffer): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', pkcs8, EC_KEY, false, ['sign']);
}

/** Writes a file atomically (temporary file, then rename) with the given mode. */
function writeAtomic(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Stores a CA: the certificate in clear, the private key sealed with `secretKey`. */
export function saveSchoolCa(
  dataDir: string,
  secretKey: Buffer,
  ca: { readonly certPem: string; readonly privateKeyPkcs8: Buffer },
): void {
  const dir = caDirOf(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const sealed = sealSecret(secretKey, ca.privateKeyPkcs8, KEY_CONTEXT);
  writeAtomic(join(dir, CA_KEY_FILE), `${JSON.stringify(sealed)}\n`, 0o600);
  writeAtomic(join(dir, CA_CERT_FILE), ca.certPem, 0o644);
}

export function hasSchoolCa(dataDir: string): boolean {
  return readText(join(caDirOf(dataDir), CA_CERT_FILE)) !== null;
}

function readCertificate(dataDir: string): x509.X509Certificate {
  const pem = readText(join(caDirOf(dataDir), CA_CERT_FILE));
  if (pem === null) {
    throw new SchoolCaError(
      `There is no school CA in ${caDirOf(dataDir)} yet: run \`haven ca create\`.`,
    );
  }
  return new x509.X509Certificate(pem);
}

function readPrevious(dataDir: string): PreviousCa[] {
  const text = readText(join(caDirOf(dataDir), CA_PREVIOUS_FILE));
  if (text === null) return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new SchoolCaError(`${CA_PREVIOUS_FILE} is not a list.`);
  return parsed.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const e = entry as Record<string, unknown>;
    return typeof e.certPem === 'string' && typeof e.trustedUntil === 'string'
      ? [{ certPem: e.certPem, trustedUntil: e.trustedUntil }]
      : [];
  });
}

/** Loads the CA with its private key (opened with `secretKey`). */
export async function loadSchoolCa(dataDir: string, secretKey: Buffer): Promise<SchoolCa> {
  const certificate = readCertificate(dataDir);
  const keyText = readText(join(caDirOf(dataDir), CA_KEY_FILE));
  if (keyText === null) {
    throw new SchoolCaError(`The school CA's private key (${CA_KEY_FILE}) is missing.`);
  }
  const sealed: unknown = JSON.parse(keyText);
  if (!isSealedSecret(sealed)) {
    throw new SecretKeyError(`${CA_KEY_FILE} is not an encrypted key file.`);
  }
  const pkcs8 = openSecret(secretKey, sealed, KEY_CONTEXT);
  const signingKey = await importSigningKey(pkcs8);
  pkcs8.fill(0);
  // the key must belong to the certificate: sign and verify a challenge
  const challenge = randomBytes(32);
  const signature = await webcrypto.subtle.sign(EC_SIGN, signingKey, challenge);
  const publicKey = await certificate.publicKey.export(EC_KEY, ['verify']);
  if (!(await webcrypto.subtle.verify(EC_SIGN, publicKey, signature, challenge))) {
    throw new SchoolCaError("The school CA's private key does not match its certificate.");
  }
  return { certificate, certPem: certificate.toString('pem'), signingKey };
}

async function fingerprintOf(certificate: x509.X509Certificate): Promise<string> {
  const digest = Buffer.from(await certificate.getThumbprint('SHA-256'));
  return [...digest].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** Public facts about the CA and the earlier ones still trusted (no key needed). */
export async function schoolCaStatus(dataDir: string, now: Date): Promise<SchoolCaStatus> {
  const certificate = readCertificate(dataDir);
  const previous = await Promise.all(
    readPrevious(dataDir)
      .filter((p) => new Date(p.trustedUntil).getTime() > now.getTime())
      .map(async (p) => {
        const cert = new x509.X509Certificate(p.certPem);
        return {
          subject: cert.subject,
          notAfter: cert.notAfter,
          trustedUntil: new Date(p.trustedUntil),
          sha256Fingerprint: await fingerprintOf(cert),
        };
      }),
  );
  return {
    subject: certificate.subject,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    sha256Fingerprint: await fingerprintOf(certificate),
    previous,
  };
}

/**
 * The certificates devices should trust, as PEM: the current CA first, then earlier ones whose
 * overlap has not ended (after a rotation, install both until every device has the new one).
 */
export function trustedCaPems(dataDir: string, now: Date): string[] {
  const current = readCertificate(dataDir).toString('pem');
  const previous = readPrevious(dataDir)
    .filter((p) => new Date(p.trustedUntil).getTime() > now.getTime())
    .map((p) => p.certPem);
  return [current, ...previous];
}

/** PEM text → DER bytes (the first certificate in it). */
export function pemToDer(pem: string): Buffer {
  return Buffer.from(new x509.X509Certificate(pem).rawData);
}

/**
 * Makes a new CA and keeps the old certificate trusted (exported) for `overlapDays`. Leaf
 * certificates are signed by the new CA from the next start of the filter.
 */
export async function rotateSchoolCa(
  dataDir: string,
  secretKey: Buffer,
  options: { readonly schoolName: string; readonly now: Date; readonly overlapDays?: number },
): Promise<SchoolCa> {
  // opening the old key proves the caller holds the secret key before anything changes
  const old = await loadSchoolCa(dataDir, secretKey);
  const overlapMs = (options.overlapDays ?? DEFAULT_ROTATION_OVERLAP_DAYS) * 86_400_000;
  const trustedUntil = new Date(
    Math.min(options.now.getTime() + overlapMs, old.certificate.notAfter.getTime()),
  );
  const previous = [
    { certPem: old.certPem, trustedUntil: trustedUntil.toISOString() },
    ...readPrevious(dataDir).filter((p) => new Date(p.trustedUntil) > options.now),
  ];
  const next = await createSchoolCa({ schoolName: options.schoolName, now: options.now });
  writeAtomic(
    join(caDirOf(dataDir), CA_PREVIOUS_FILE),
    `${JSON.stringify(previous, null, 2)}\n`,
    0o644,
  );
  saveSchoolCa(dataDir, secretKey, next);
  next.privateKeyPkcs8.fill(0);
  return { certificate: next.certificate, certPem: next.certPem, signingKey: next.signingKey };
}
