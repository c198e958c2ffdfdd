import { decode, encode, type Answer } from 'dns-packet';
import {
  CLASSIC_UDP_LIMIT,
  DnsClass,
  DnsType,
  Flag,
  HEADER_LENGTH,
  OPT_RECORD_LENGTH,
  Rcode,
  scanMessage,
  type DnsQuery,
} from './dns-wire.ts';

/**
 * The answers the filter writes. Every answer echoes the client's id, opcode, RD and CD bits and
 * question bytes (so a client's 0x20 mixed case comes back as sent), sets RA, and carries an OPT
 * record when the query had one (EDNS(0), RFC 6891): our UDP size, the client's DO bit, version 0.
 * A UDP answer larger than the client can take is cut to its header, question and OPT with TC set,
 * and the client asks again over TCP.
 */

export interface AnswerSettings {
  /** Largest UDP answer we send to an EDNS client, and the size we advertise (default 1232). */
  readonly maxUdpPayload: number;
}

/** How large a UDP answer may be for this query; TCP answers are not limited. */
export function udpLimit(query: DnsQuery, settings: AnswerSettings): number {
  if (query.edns === null) return CLASSIC_UDP_LIMIT;
  return Math.max(CLASSIC_UDP_LIMIT, Math.min(query.edns.udpSize, settings.maxUdpPayload));
}

function responseFlags(query: DnsQuery, rcode: number): number {
  return (
    Flag.QR | (query.flags & (Flag.OPCODE | Flag.RD | Flag.CD)) | Flag.RA | (rcode & Flag.RCODE)
  );
}

function writeOpt(
  out: Buffer,
  at: number,
  query: DnsQuery,
  settings: AnswerSettings,
  rcode: number,
): void {
  out[at] = 0; // root
  out.writeUInt16BE(DnsType.OPT, at + 1);
  out.writeUInt16BE(settings.maxUdpPayload, at + 3);
  out[at + 5] = rcode >> 4; // extended rcode
  out[at + 6] = 0; // version
  out.writeUInt16BE(query.edns?.dnssecOk === true ? 0x8000 : 0, at + 7);
  out.writeUInt16BE(0, at + 9);
}

/**
 * An answer made of the client's question and `records` (already in wire format; names may
 * point at offset 12, the question name).
 */
export function synthesize(
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  rcode: number,
  records: Buffer | null = null,
  answers = 0,
  authorities = 0,
): Buffer {
  const questionLength = query.questionEnd - HEADER_LENGTH;
  const recordsLength = records === null ? 0 : records.length;
  const opt = query.edns === null ? 0 : OPT_RECORD_LENGTH;
  const out = Buffer.allocUnsafe(HEADER_LENGTH + questionLength + recordsLength + opt);
  out.writeUInt16BE(query.id, 0);
  out.writeUInt16BE(responseFlags(query, rcode), 2);
  out.writeUInt16BE(questionLength > 0 ? 1 : 0, 4);
  out.writeUInt16BE(answers, 6);
  out.writeUInt16BE(authorities, 8);
  out.writeUInt16BE(opt === 0 ? 0 : 1, 10);
  raw.copy(out, HEADER_LENGTH, HEADER_LENGTH, query.questionEnd);
  if (records !== null) records.copy(out, query.questionEnd);
  if (opt !== 0) writeOpt(out, query.questionEnd + recordsLength, query, settings, rcode);
  return out;
}

/** An answer with no records: SERVFAIL, REFUSED, NOTIMP, FORMERR, BADVERS. */
export function errorAnswer(
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  rcode: number,
): Buffer {
  return synthesize(raw, query, settings, rcode);
}

/** Records the filter writes for blocked names, built once per filter. */
export interface BlockRecords {
  /** An SOA owned by the question name, for the authority section of NXDOMAIN and NODATA. */
  readonly soa: Buffer;
  /** An A record of the block page address owned by the question name, or null. */
  readonly address: Buffer | null;
}

const NAME_POINTER_TO_QUESTION = 0xc00c;

function record(type: number, ttl: number, rdata: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + rdata.length);
  out.writeUInt16BE(NAME_POINTER_TO_QUESTION, 0);
  out.writeUInt16BE(type, 2);
  out.writeUInt16BE(DnsClass.IN, 4);
  out.writeUInt32BE(ttl, 6);
  out.writeUInt16BE(rdata.length, 10);
  rdata.copy(out, 12);
  return out;
}

function wireName(name: string): Buffer {
  const parts = name.split('.');
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'latin1')])),
    Buffer.from([0]),
  ]);
}

/**
 * The block records. The SOA's TTL and minimum are `ttl`, so resolvers and clients cache the
 * negative answer for that long (RFC 2308) and a policy change is seen within it.
 */
export function blockRecords(ttl: number, address: Buffer | null): BlockRecords {
  const times = Buffer.allocUnsafe(20);
  times.writeUInt32BE(1, 0); // serial
  times.writeUInt32BE(3600, 4); // refresh
  times.writeUInt32BE(600, 8); // retry
  times.writeUInt32BE(86400, 12); // expire
  times.writeUInt32BE(ttl, 16); // minimum: the negative caching TTL
  const soaData = Buffer.concat([
    wireName('blocked.haven.invalid'),
    wireName('hostmaster.haven.invalid'),
    times,
  ]);
  return {
    soa: record(DnsType.SOA, ttl, soaData),
    address: address === null ? null : record(DnsType.A, ttl, address),
  };
}

/** NXDOMAIN with the SOA in the authority section. */
export function nxdomainAnswer(
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  block: BlockRecords,
): Buffer {
  return synthesize(raw, query, settings, Rcode.NXDOMAIN, block.soa, 0, 1);
}

/** NOERROR without answers (NODATA), with the SOA in the authority section. */
export function nodataAnswer(
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  block: BlockRecords,
): Buffer {
  return synthesize(raw, query, settings, Rcode.NOERROR, block.soa, 0, 1);
}

/** The block page address for A queries; NODATA for every other type. */
export function blockPageAnswer(
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  block: BlockRecords,
): Buffer {
  if (block.address !== null && query.qtype === DnsType.A && query.qclass === DnsClass.IN) {
    return synthesize(raw, query, settings, Rcode.NOERROR, block.address, 1, 0);
  }
  return nodataAnswer(raw, query, settings, block);
}

/**
 * An upstream answer made ready to be handed out many times: OPT record removed (the filter
 * writes its own), id zeroed, TTL offsets found, and how long it may be cached.
 */
export interface PreparedAnswer {
  /** Header and sections without OPT; the question as sent upstream. */
  readonly message: Buffer;
  /** Offset just after the question in `message`. */
  readonly questionEnd: number;
  readonly ttlOffsets: readonly number[];
  readonly ttls: readonly number[];
  readonly rcode: number;
  /** Seconds the answer may be cached before clamping; -1 when it must not be cached. */
  readonly ttl: number;
  /** NXDOMAIN or NODATA. */
  readonly negative: boolean;
  /** The answer section is empty. */
  readonly empty: boolean;
  /** Where the answer's CNAME records lead (checked against the policy too). */
  readonly cnameTargets: readonly string[];
}

/**
 * Prepares an upstream answer; null when it cannot be read. Cacheable: NOERROR with answers
 * (smallest answer TTL), NXDOMAIN and NODATA with an SOA (RFC 2308: min of its TTL and minimum).
 * Not cacheable: SERVFAIL, REFUSED, other errors, negative answers without SOA, truncated answers.
 */
export function prepareAnswer(response: Buffer): PreparedAnswer | null {
  let scan = scanMessage(response);
  if (scan === null) return null;
  let message: Buffer;
  if (scan.optStart >= 0) {
    message = Buffer.concat([response.subarray(0, scan.optStart), response.subarray(scan.optEnd)]);
    message.writeUInt16BE(scan.additionals - 1, 10);
    scan = scanMessage(message);
    if (scan === null) return null;
  } else {
    message = Buffer.from(response);
  }
  message.writeUInt16BE(0, 0);
  const rcode = scan.rcode;
  const truncated = (scan.flags & Flag.TC) !== 0;
  const empty = scan.answers === 0;
  const negative = rcode === Rcode.NXDOMAIN || (rcode === Rcode.NOERROR && empty);
  let ttl = -1;
  if (!truncated) {
    if (rcode === Rcode.NOERROR && !empty) ttl = scan.minAnswerTtl;
    else if (negative && scan.negativeTtl >= 0) ttl = scan.negativeTtl;
  }
  return {
    message,
    questionEnd: scan.questionEnd,
    ttlOffsets: scan.ttlOffsets,
    ttls: scan.ttls,
    rcode,
    ttl,
    negative,
    empty,
    cnameTargets: scan.cnameTargets,
  };
}

/**
 * Writes a prepared answer for a client: its id, flags and question bytes, TTLs lowered by
 * `ageSeconds`, and our OPT record when the client sent one. Cut to fit `limit` (TC set).
 */
export function renderPrepared(
  prepared: PreparedAnswer,
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  ageSeconds: number,
  limit: number,
): Buffer {
  const body = prepared.message;
  const opt = query.edns === null ? 0 : OPT_RECORD_LENGTH;
  const questionLength = query.questionEnd - HEADER_LENGTH;
  // the cached question must be the client's question in another case, byte for byte otherwise
  if (prepared.questionEnd !== query.questionEnd || body.readUInt16BE(4) !== 1) {
    return errorAnswer(raw, query, settings, Rcode.SERVFAIL);
  }
  if (body.length + opt > limit) return truncatedAnswer(raw, query, settings, prepared.rcode);
  const out = Buffer.allocUnsafe(body.length + opt);
  body.copy(out, 0);
  out.writeUInt16BE(query.id, 0);
  out.writeUInt16BE(responseFlags(query, prepared.rcode), 2);
  raw.copy(out, HEADER_LENGTH, HEADER_LENGTH, HEADER_LENGTH + questionLength);
  if (ageSeconds > 0) {
    const offsets = prepared.ttlOffsets;
    const ttls = prepared.ttls;
    for (let i = 0; i < offsets.length; i++) {
      const left = (ttls[i] ?? 0) - ageSeconds;
      out.writeUInt32BE(left > 0 ? left : 0, offsets[i] ?? 0);
    }
  }
  if (opt !== 0) {
    writeOpt(out, body.length, query, settings, prepared.rcode);
    out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
  }
  return out;
}

/** Header, question and OPT only, with TC set: the client retries over TCP. */
export function truncatedAnswer(
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  rcode: number,
): Buffer {
  const out = synthesize(raw, query, settings, rcode);
  out.writeUInt16BE(out.readUInt16BE(2) | Flag.TC, 2);
  return out;
}

/** Cuts a finished answer that is too large for UDP down to a truncated one. */
export function fitUdp(
  answer: Buffer,
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  limit: number,
): Buffer {
  if (answer.length <= limit) return answer;
  return truncatedAnswer(raw, query, settings, answer.readUInt16BE(2) & Flag.RCODE);
}

/**
 * A safe-search answer: a CNAME from the question name to `target`, followed by the answer
 * records of the target's own (prepared) answer, TTLs lowered by `ageSeconds`. Built with
 * dns-packet: the target's records are re-encoded, since their compressed names point into
 * another message. The CNAME's TTL is the smallest of the target's (300 s when it has none).
 */
export function rewriteAnswer(
  raw: Buffer,
  query: DnsQuery,
  settings: AnswerSettings,
  target: string,
  targetAnswer: PreparedAnswer | null,
  ageSeconds: number,
): Buffer {
  const records: Answer[] = [];
  let ttl = 300;
  if (targetAnswer !== null) {
    const decoded = decode(targetAnswer.message);
    for (const a of decoded.answers ?? []) {
      if (a.type === 'OPT') continue;
      const left = Math.max(0, (a.ttl ?? 0) - ageSeconds);
      records.push({ ...a, ttl: left });
      ttl = records.length === 1 ? left : Math.min(ttl, left);
    }
  }
  const rcode = targetAnswer === null ? Rcode.NOERROR : targetAnswer.rcode;
  const cname = encode({
    type: 'response',
    id: 0,
    flags: 0,
    questions: [],
    answers: [{ type: 'CNAME', class: 'IN', name: 'x', ttl, data: target }, ...records],
  });
  // replace the CNAME's owner ("x", 3 bytes) with a pointer to the question name
  const body = cname.subarray(HEADER_LENGTH);
  const recordsWire = Buffer.concat([Buffer.from([0xc0, 0x0c]), body.subarray(3)]);
  return synthesize(raw, query, settings, rcode, recordsWire, 1 + records.length, 0);
}
