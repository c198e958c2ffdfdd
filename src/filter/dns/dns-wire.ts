/**
 * The DNS wire format, as much as the filter reads itself (RFC 1035, RFC 6891):
 *
 * - `parseQuery`: the header, the question (name lower-cased, for the engine and the cache key)
 *   and the EDNS(0) OPT record of a client's query. Hand-written because it runs on every query
 *   and measured several times faster than a full `dns-packet` decode (docs/dns.md, "Measured");
 *   `dns-wire.test.ts` checks it against `dns-packet` on valid and random packets.
 * - `scanMessage`: where the records of an upstream answer are, so a forwarded answer is passed
 *   on byte for byte (name compression, unknown types and odd labels kept as they came) and only
 *   its id, TTLs and OPT record are patched.
 *
 * Nothing here throws on bad input: a packet that cannot be read gives `null`.
 */

export const DnsType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  SVCB: 64,
  HTTPS: 65,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const DnsClass = { IN: 1, CH: 3, ANY: 255 } as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended rcode (OPT): the client's EDNS version is not supported. */
  BADVERS: 16,
} as const;

export const Flag = {
  QR: 0x8000,
  OPCODE: 0x7800,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
  RCODE: 0x000f,
} as const;

export const HEADER_LENGTH = 12;
/** The largest UDP answer a client without EDNS accepts. */
export const CLASSIC_UDP_LIMIT = 512;
/** Bytes of the OPT record the filter adds to an answer (root name, no options). */
export const OPT_RECORD_LENGTH = 11;

const TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(DnsType).map(([name, value]) => [value, name]),
);

/** The mnemonic of a record type (`A`, `HTTPS`), or `TYPE<n>` (RFC 3597) for the others. */
export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

const RCODE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(Rcode).map(([name, value]) => [value, name]),
);

export function rcodeName(rcode: number): string {
  return RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`;
}

/** The client's EDNS(0) OPT record. */
export interface EdnsInfo {
  /** The largest UDP answer the client accepts (the OPT record's class field). */
  readonly udpSize: number;
  readonly version: number;
  /** DNSSEC OK: copied back into the answer's OPT record (RFC 3225). */
  readonly dnssecOk: boolean;
}

/** A client's query, as far as the filter needs it. */
export interface DnsQuery {
  readonly id: number;
  /** The header's flags word as sent (QR clear). */
  readonly flags: number;
  readonly opcode: number;
  /**
   * The question name: lower case, labels joined with dots, no trailing dot, `''` for the root.
   * Bytes outside `a-z 0-9 - _` are written `\DDD` (presentation format), so two different wire
   * names never give the same string.
   */
  readonly name: string;
  readonly qtype: number;
  readonly qclass: number;
  /** Offset just after the question; the question is `raw[12, questionEnd)`. 12 when none. */
  readonly questionEnd: number;
  readonly edns: EdnsInfo | null;
}

const NAME_SCRATCH = Buffer.allocUnsafe(1024);
const NO_NAMES: readonly string[] = Object.freeze([]);

function u16(buf: Buffer, at: number): number {
  return ((buf[at] ?? 0) << 8) | (buf[at + 1] ?? 0);
}

function u32(buf: Buffer, at: number): number {
  return (
    (((buf[at] ?? 0) << 24) |
      ((buf[at + 1] ?? 0) << 16) |
      ((buf[at + 2] ?? 0) << 8) |
      (buf[at + 3] ?? 0)) >>>
    0
  );
}

/**
 * Skips a (possibly compressed) name starting at `at`; returns the offset after it, or -1 when
 * it runs past `end` or uses a reserved label type.
 */
export function skipName(buf: Buffer, at: number, end = buf.length): number {
  let p = at;
  for (;;) {
    if (p >= end) return -1;
    const len = buf[p] ?? 0;
    if (len === 0) return p + 1;
    const kind = len & 0xc0;
    if (kind === 0xc0) return p + 2 <= end ? p + 2 : -1;
    if (kind !== 0) return -1;
    p += len + 1;
  }
}

/**
 * Writes the label bytes `buf[from, to)` to `out` at `n` as the filter spells names: lower case,
 * `a-z 0-9 - _` as they are, any other byte as `\DDD`. Returns the new length.
 */
function writeLabel(buf: Buffer, from: number, to: number, out: Buffer, at: number): number {
  let n = at;
  for (let i = from; i < to; i++) {
    let c = buf[i] ?? 0;
    if (c >= 65 && c <= 90) c += 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95) {
      out[n++] = c;
    } else {
      out[n++] = 92;
      out[n++] = 48 + ((c / 100) | 0);
      out[n++] = 48 + (((c / 10) | 0) % 10);
      out[n++] = 48 + (c % 10);
    }
  }
  return n;
}

/**
 * Reads a (possibly compressed) name at `at`, spelled as `parseQuery` spells the question name;
 * null when it cannot be read (past the end, a pointer loop, too long).
 */
export function readName(buf: Buffer, at: number): string | null {
  const out = NAME_SCRATCH;
  const len = buf.length;
  let n = 0;
  let p = at;
  let wire = 1;
  let jumps = 0;
  for (;;) {
    if (p >= len) return null;
    const l = buf[p] ?? 0;
    if (l === 0) break;
    if ((l & 0xc0) === 0xc0) {
      if (p + 1 >= len || ++jumps > 64) return null;
      p = ((l & 0x3f) << 8) | (buf[p + 1] ?? 0);
      continue;
    }
    if (l > 63 || p + 1 + l > len) return null;
    wire += l + 1;
    if (wire > 255) return null;
    if (n !== 0) out[n++] = 46;
    n = writeLabel(buf, p + 1, p + 1 + l, out, n);
    p += l + 1;
  }
  return n === 0 ? '' : out.toString('latin1', 0, n);
}

/**
 * Reads a client's query. Returns null when the packet is not a query that can be read: shorter
 * than a header, a response (QR set), not exactly one question (at most one for other opcodes,
 * which the filter answers NOTIMP), a bad name, records running past the end, or a second OPT
 * record.
 */
export function parseQuery(buf: Buffer): DnsQuery | null {
  const len = buf.length;
  if (len < HEADER_LENGTH) return null;
  const id = u16(buf, 0);
  const flags = u16(buf, 2);
  if ((flags & Flag.QR) !== 0) return null;
  const opcode = (flags & Flag.OPCODE) >> 11;
  const questions = u16(buf, 4);
  if (opcode === 0 ? questions !== 1 : questions > 1) return null;
  const records = u16(buf, 6) + u16(buf, 8);
  const additional = u16(buf, 10);

  let p = HEADER_LENGTH;
  let name = '';
  let qtype = 0;
  let qclass = 0;
  if (questions === 1) {
    // the question name: uncompressed labels (nothing comes before it to point at)
    const out = NAME_SCRATCH;
    let n = 0;
    let wire = 1;
    for (;;) {
      if (p >= len) return null;
      const l = buf[p] ?? 0;
      p++;
      if (l === 0) break;
      if (l > 63 || p + l > len) return null;
      wire += l + 1;
      if (wire > 255) return null;
      if (n !== 0) out[n++] = 46;
      n = writeLabel(buf, p, p + l, out, n);
      p += l;
    }
    if (p + 4 > len) return null;
    qtype = u16(buf, p);
    qclass = u16(buf, p + 2);
    p += 4;
    if (n !== 0) name = out.toString('latin1', 0, n);
  }
  const questionEnd = p;

  // answer and authority records (unusual in a query) are skipped; the OPT record is read
  let edns: EdnsInfo | null = null;
  for (let i = 0, total = records + additional; i < total; i++) {
    const owner = p;
    const at = skipName(buf, p, len);
    if (at < 0 || at + 10 > len) return null;
    const type = u16(buf, at);
    const next = at + 10 + u16(buf, at + 8);
    if (next > len) return null;
    if (type === DnsType.OPT && i >= records) {
      if (edns !== null || at !== owner + 1) return null;
      edns = {
        udpSize: u16(buf, at + 2),
        version: buf[at + 5] ?? 0,
        dnssecOk: ((buf[at + 6] ?? 0) & 0x80) !== 0,
      };
    }
    p = next;
  }
  return { id, flags, opcode, name, qtype, qclass, questionEnd, edns };
}

/** Where the parts of an answer are. */
export interface ScannedMessage {
  readonly id: number;
  readonly flags: number;
  readonly rcode: number;
  readonly questionEnd: number;
  readonly answers: number;
  readonly authorities: number;
  readonly additionals: number;
  /** Offsets of the TTL field of every record but OPT, and the TTLs read there. */
  readonly ttlOffsets: readonly number[];
  readonly ttls: readonly number[];
  /** The smallest TTL in the answer section; -1 when it is empty. */
  readonly minAnswerTtl: number;
  /** For negative answers (RFC 2308): min(SOA TTL, SOA minimum) of the authority SOA; -1 when none. */
  readonly negativeTtl: number;
  /** Byte range of the OPT record; -1 when there is none. */
  readonly optStart: number;
  readonly optEnd: number;
  /** The targets of the answer section's CNAME records, in order. */
  readonly cnameTargets: readonly string[];
}

/**
 * Reads where the records of a message are. Returns null when the message cannot be walked:
 * shorter than a header, more than one question, or records running past the end.
 */
export function scanMessage(buf: Buffer): ScannedMessage | null {
  const len = buf.length;
  if (len < HEADER_LENGTH) return null;
  const questions = u16(buf, 4);
  if (questions > 1) return null;
  const answers = u16(buf, 6);
  const authorities = u16(buf, 8);
  const additionals = u16(buf, 10);
  let p = HEADER_LENGTH;
  if (questions === 1) {
    p = skipName(buf, p, len);
    if (p < 0 || p + 4 > len) return null;
    p += 4;
  }
  const questionEnd = p;
  const ttlOffsets: number[] = [];
  const ttls: number[] = [];
  let minAnswerTtl = -1;
  let negativeTtl = -1;
  let optStart = -1;
  let optEnd = -1;
  let cnameTargets: string[] | null = null;
  for (let i = 0, total = answers + authorities + additionals; i < total; i++) {
    const owner = p;
    const at = skipName(buf, p, len);
    if (at < 0 || at + 10 > len) return null;
    const type = u16(buf, at);
    const rdata = at + 10;
    const next = rdata + u16(buf, at + 8);
    if (next > len) return null;
    if (type === DnsType.OPT) {
      if (optStart >= 0) return null;
      optStart = owner;
      optEnd = next;
    } else {
      const ttl = u32(buf, at + 4);
      ttlOffsets.push(at + 4);
      ttls.push(ttl);
      if (i < answers) {
        if (minAnswerTtl < 0 || ttl < minAnswerTtl) minAnswerTtl = ttl;
        if (type === DnsType.CNAME) {
          const target = readName(buf, rdata);
          if (target !== null) (cnameTargets ??= []).push(target);
        }
      } else if (i < answers + authorities && type === DnsType.SOA && negativeTtl < 0) {
        // SOA rdata: mname, rname, serial, refresh, retry, expire, minimum
        const rname = skipName(buf, rdata, next);
        const fields = rname < 0 ? -1 : skipName(buf, rname, next);
        if (fields >= 0 && fields + 20 <= next) negativeTtl = Math.min(ttl, u32(buf, fields + 16));
      }
    }
    p = next;
  }
  const flags = u16(buf, 2);
  return {
    id: u16(buf, 0),
    flags,
    rcode: flags & Flag.RCODE,
    questionEnd,
    answers,
    authorities,
    additionals,
    ttlOffsets,
    ttls,
    minAnswerTtl,
    negativeTtl,
    optStart,
    optEnd,
    cnameTargets: cnameTargets ?? NO_NAMES,
  };
}

/** Encodes a dotted name (`example.org`, `''` for the root) in wire format, lower case. */
export function encodeName(name: string): Buffer {
  const labels = name === '' ? [] : name.split('.');
  const out = Buffer.allocUnsafe(name.length + 2);
  let p = 0;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) throw new Error(`bad DNS name: ${name}`);
    out[p++] = label.length;
    p += out.write(label.toLowerCase(), p, 'latin1');
  }
  out[p++] = 0;
  return out.subarray(0, p);
}

/** A question section for `name`, type and class. */
export function encodeQuestion(name: string, qtype: number, qclass: number = DnsClass.IN): Buffer {
  const wireName = encodeName(name);
  const out = Buffer.allocUnsafe(wireName.length + 4);
  wireName.copy(out, 0);
  out.writeUInt16BE(qtype, wireName.length);
  out.writeUInt16BE(qclass, wireName.length + 2);
  return out;
}

/** The question of a query as the filter forwards it: the client's bytes, lower-cased. */
export function lowerCaseQuestion(raw: Buffer, questionEnd: number): Buffer {
  const out = Buffer.allocUnsafe(questionEnd - HEADER_LENGTH);
  raw.copy(out, 0, HEADER_LENGTH, questionEnd);
  // lower-case label bytes only (not the type and class)
  const nameEnd = out.length - 4;
  for (let i = 0; i < nameEnd;) {
    const l = out[i] ?? 0;
    for (let j = i + 1, e = i + 1 + l; j < e; j++) {
      const c = out[j] ?? 0;
      if (c >= 65 && c <= 90) out[j] = c + 32;
    }
    i += l + 1;
  }
  return out;
}

/** A parsed dotted-quad IPv4 address as 4 bytes, or null. */
export function ipv4Bytes(address: string): Buffer | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  const out = Buffer.allocUnsafe(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    if (!/^\d{1,3}$/.test(part)) return null;
    const v = Number(part);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}
