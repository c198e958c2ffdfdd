/**
 * ICAP message pieces (RFC 3507), as pure functions over bytes: the request and response heads,
 * the `Encapsulated` header, the encapsulated HTTP request head, and the chunked body with its
 * `ieof` extension. The server and the client feed these from their sockets.
 *
 * An ICAP REQMOD request, as Squid sends it:
 *
 *   REQMOD icap://127.0.0.1:1344/reqmod ICAP/1.0      ← ICAP head, ends with an empty line
 *   Host: 127.0.0.1:1344
 *   Allow: 204
 *   Preview: 0                                        ← only when the HTTP request has a body
 *   X-Client-IP: 10.0.20.7
 *   Encapsulated: req-hdr=0, null-body=135            ← offsets into what follows the ICAP head
 *
 *   GET http://bet365.com/ HTTP/1.1                   ← encapsulated HTTP head (bytes 0..135)
 *   Host: bet365.com
 *
 * With a body, `req-body=N` replaces `null-body=N` and the body follows in chunked encoding; a
 * preview ends with `0\r\n\r\n`, or `0; ieof\r\n\r\n` when the preview was the whole body.
 */

export class IcapProtocolError extends Error {
  /** The ICAP status to answer with before closing the connection. */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'IcapProtocolError';
    this.status = status;
  }
}

export const ICAP_REASONS: Readonly<Record<number, string>> = {
  100: 'Continue',
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  404: 'ICAP Service Not Found',
  405: 'Method Not Allowed For Service',
  408: 'Request Timeout',
  500: 'Server Error',
  501: 'Method Not Implemented',
  503: 'Service Overloaded',
  505: 'ICAP Version Not Supported',
};

export type EncapsulatedName =
  'req-hdr' | 'res-hdr' | 'req-body' | 'res-body' | 'null-body' | 'opt-body';

export interface EncapsulatedPart {
  readonly name: EncapsulatedName;
  readonly offset: number;
}

/** Header names in lower case; a repeated header's values joined with `, `. */
export type HeaderMap = ReadonlyMap<string, string>;

export interface IcapRequestHead {
  readonly method: string;
  readonly uri: string;
  /** The service path of the ICAP URI, e.g. `/reqmod`. */
  readonly path: string;
  readonly headers: HeaderMap;
  readonly encapsulated: readonly EncapsulatedPart[];
  /** `Preview: N`, or null when the client sent no preview. */
  readonly preview: number | null;
  /** The client accepts `204 No Content` outside a preview (`Allow: 204`). */
  readonly allow204: boolean;
  /** False when the client asked to close the connection after this message. */
  readonly keepAlive: boolean;
}

export interface IcapResponseHead {
  readonly status: number;
  readonly reason: string;
  readonly headers: HeaderMap;
  readonly encapsulated: readonly EncapsulatedPart[];
}

export interface HttpRequestHead {
  readonly method: string;
  /** The request target as sent: absolute URI, origin form `/path`, or `host:port` (CONNECT). */
  readonly target: string;
  readonly version: string;
  readonly headers: HeaderMap;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENCAPSULATED_NAMES: ReadonlySet<string> = new Set([
  'req-hdr',
  'res-hdr',
  'req-body',
  'res-body',
  'null-body',
  'opt-body',
]);

/**
 * Where a head (ICAP or HTTP) ends: the index just after its empty line, or -1 when more bytes
 * are needed. Throws when no end is found within `max` bytes.
 */
export function findHeadEnd(buffer: Buffer, max: number): number {
  const at = buffer.indexOf(CRLFCRLF);
  if (at >= 0 && at + 4 <= max) return at + 4;
  if (at >= 0 || buffer.length >= max) {
    throw new IcapProtocolError(400, `message head longer than ${max} bytes`);
  }
  return -1;
}

/** Parses header lines (after the start line); folded continuation lines are joined. */
export function parseHeaderLines(lines: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | null = null;
  for (const line of lines) {
    if (line.length === 0) continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === null) throw new IcapProtocolError(400, 'continuation line without a header');
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new IcapProtocolError(400, 'header line without a name');
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new IcapProtocolError(400, 'invalid header name');
    const value = line.slice(colon + 1).trim();
    if (hasControlCharacter(value, true)) {
      throw new IcapProtocolError(400, 'control character in a header value');
    }
    const key = name.toLowerCase();
    const before = headers.get(key);
    headers.set(key, before === undefined ? value : `${before}, ${value}`);
    last = key;
  }
  return headers;
}

function splitHead(text: string): string[] {
  if (text.indexOf('\r\n\r\n') !== text.length - 4) {
    throw new IcapProtocolError(400, 'message head not terminated by its first empty line');
  }
  return text.slice(0, -4).split('\r\n');
}

/** `req-hdr=0, req-body=412` → parts in order; offsets must not decrease. */
export function parseEncapsulated(value: string): EncapsulatedPart[] {
  const parts: EncapsulatedPart[] = [];
  let previous = 0;
  for (const item of value.split(',')) {
    const match = /^\s*([a-z-]+)=([0-9]{1,9})\s*$/.exec(item);
    if (match === null) throw new IcapProtocolError(400, 'malformed Encapsulated header');
    const name = match[1] ?? '';
    if (!ENCAPSULATED_NAMES.has(name)) {
      throw new IcapProtocolError(400, `unknown Encapsulated entity ${name}`);
    }
    const offset = Number(match[2]);
    if (offset < previous) throw new IcapProtocolError(400, 'Encapsulated offsets go backwards');
    previous = offset;
    parts.push({ name: name as EncapsulatedName, offset });
  }
  if (parts.length === 0) throw new IcapProtocolError(400, 'empty Encapsulated header');
  const lastName = parts[parts.length - 1]?.name;
  if (
    lastName !== 'req-body' &&
    lastName !== 'res-body' &&
    lastName !== 'null-body' &&
    lastName !== 'opt-body'
  ) {
    throw new IcapProtocolError(400, 'Encapsulated must end with a body entity');
  }
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i]?.name.endsWith('-body')) {
      throw new IcapProtocolError(400, 'only the last Encapsulated entity may be a body');
    }
  }
  return parts;
}

function icapPath(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new IcapProtocolError(400, 'invalid ICAP URI');
  }
  if (url.protocol !== 'icap:') throw new IcapProtocolError(400, 'not an icap:// URI');
  return url.pathname === '' ? '/' : url.pathname;
}

/** Parses an ICAP request head (request line to the empty line, included). */
export function parseIcapRequestHead(text: string): IcapRequestHead {
  const lines = splitHead(text);
  const requestLine = lines[0] ?? '';
  const match = /^([A-Z]{1,16}) (\S{1,8192}) (ICAP\/\d\.\d)$/.exec(requestLine);
  if (match === null) throw new IcapProtocolError(400, 'malformed ICAP request line');
  const [, method = '', uri = '', version = ''] = match;
  if (version !== 'ICAP/1.0') throw new IcapProtocolError(505, `unsupported version ${version}`);
  const headers = parseHeaderLines(lines.slice(1));
  const encapsulatedValue = headers.get('encapsulated');
  const encapsulated = encapsulatedValue === undefined ? [] : parseEncapsulated(encapsulatedValue);
  const previewValue = headers.get('preview');
  let preview: number | null = null;
  if (previewValue !== undefined) {
    if (!/^[0-9]{1,9}$/.test(previewValue)) throw new IcapProtocolError(400, 'malformed Preview');
    preview = Number(previewValue);
  }
  const allow = (headers.get('allow') ?? '').split(',').map((s) => s.trim());
  const connection = (headers.get('connection') ?? '').toLowerCase();
  return {
    method,
    uri,
    path: icapPath(uri),
    headers,
    encapsulated,
    preview,
    allow204: allow.includes('204'),
    keepAlive: !connection.split(',').some((token) => token.trim() === 'close'),
  };
}

/** Parses an ICAP response head (`ICAP/1.0 204 No Content` …). */
export function parseIcapResponseHead(text: string): IcapResponseHead {
  const lines = splitHead(text);
  const match = /^ICAP\/1\.0 ([0-9]{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (match === null) throw new IcapProtocolError(400, 'malformed ICAP status line');
  const headers = parseHeaderLines(lines.slice(1));
  const encapsulatedValue = headers.get('encapsulated');
  return {
    status: Number(match[1]),
    reason: match[2] ?? '',
    headers,
    encapsulated: encapsulatedValue === undefined ? [] : parseEncapsulated(encapsulatedValue),
  };
}

/** Parses the encapsulated HTTP request head (request line to the empty line, included). */
export function parseHttpRequestHead(text: string): HttpRequestHead {
  const lines = splitHead(text);
  const match = /^([A-Za-z-]{1,20}) (\S{1,65536}) (HTTP\/\d\.\d)$/.exec(lines[0] ?? '');
  if (match === null) throw new IcapProtocolError(400, 'malformed encapsulated HTTP request line');
  const [, method = '', target = '', version = ''] = match;
  return {
    method: method.toUpperCase(),
    target,
    version,
    headers: parseHeaderLines(lines.slice(1)),
  };
}

/**
 * What the engine decides on: CONNECT → its host; an absolute URI → the URL; origin form →
 * `http://` + Host + path (Squid sends the absolute URI for proxied requests and origin form
 * for intercepted ones).
 */
export function decisionTarget(head: HttpRequestHead): { url: string } | { host: string } {
  if (head.method === 'CONNECT') return { host: head.target };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(head.target)) return { url: head.target };
  const host = head.headers.get('host') ?? '';
  if (head.target === '*') return { host };
  return { url: `http://${host}${head.target.startsWith('/') ? '' : '/'}${head.target}` };
}

const CHUNK_LINE_MAX = 4096;
const TRAILER_MAX = 16 * 1024;

type ChunkState = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

/**
 * Decodes an ICAP chunked body incrementally: feed it bytes with `push`, which returns how many
 * it used; bytes after the last chunk belong to the next message. A zero-size chunk ends the
 * body (or the preview); `ieof` says the preview was the whole body.
 */
export class ChunkedDecoder {
  private state: ChunkState = 'size';
  private remaining = 0;
  private lineBytes = 0;
  private lineParts: Buffer[] = [];
  private trailerBytes = 0;
  /** True once the terminating zero-size chunk (and any trailer) has been read. */
  done = false;
  /** True when the terminating chunk carried the `ieof` extension. */
  ieof = false;
  /** Body bytes seen so far. */
  total = 0;

  /** Consumes bytes from `input`, handing each piece of body data to `onData`. */
  push(input: Buffer, onData: (data: Buffer) => void): number {
    let i = 0;
    while (i < input.length && this.state !== 'done') {
      switch (this.state) {
        case 'size':
        case 'data-end':
        case 'trailer': {
          const nl = input.indexOf(10, i);
          const end = nl < 0 ? input.length : nl + 1;
          this.lineBytes += end - i;
          const limit = this.state === 'trailer' ? TRAILER_MAX : CHUNK_LINE_MAX;
          if (this.lineBytes > limit) throw new IcapProtocolError(400, 'chunk line too long');
          this.lineParts.push(input.subarray(i, end));
          i = end;
          if (nl < 0) break;
          const line = Buffer.concat(this.lineParts).toString('latin1');
          this.lineParts = [];
          this.lineBytes = 0;
          this.onLine(line.endsWith('\r\n') ? line.slice(0, -2) : line.slice(0, -1));
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, input.length - i);
          if (take > 0) onData(input.subarray(i, i + take));
          this.remaining -= take;
          this.total += take;
          i += take;
          if (this.remaining === 0) this.state = 'data-end';
          break;
        }
      }
    }
    return i;
  }

  private onLine(line: string): void {
    switch (this.state) {
      case 'size': {
        const match = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;(.*))?$/.exec(line);
        if (match === null) throw new IcapProtocolError(400, 'malformed chunk size');
        const size = Number.parseInt(match[1] ?? '', 16);
        if (size > 0x7fffffff) throw new IcapProtocolError(400, 'chunk too large');
        if (size === 0) {
          const extensions = (match[2] ?? '').split(';').map((e) => e.trim().toLowerCase());
          this.ieof = extensions.includes('ieof');
          this.state = 'trailer';
        } else {
          this.remaining = size;
          this.state = 'data';
        }
        return;
      }
      case 'data-end':
        if (line.length !== 0) throw new IcapProtocolError(400, 'chunk data longer than its size');
        this.state = 'size';
        return;
      case 'trailer':
        if (line.length === 0) {
          this.state = 'done';
          this.done = true;
        } else {
          this.trailerBytes += line.length;
          if (this.trailerBytes > TRAILER_MAX) throw new IcapProtocolError(400, 'trailer too long');
        }
        return;
      default:
        return;
    }
  }
}

/** One chunk of a chunked body (empty data gives nothing: use `LAST_CHUNK`). */
export function encodeChunk(data: Buffer): Buffer {
  if (data.length === 0) return Buffer.alloc(0);
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
}

export const LAST_CHUNK = Buffer.from('0\r\n\r\n');

/** True when `text` holds a control character (tab allowed when `allowTab`). */
export function hasControlCharacter(text: string, allowTab = false): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && !(allowTab && c === 9)) || c === 127) return true;
  }
  return false;
}

/** A header value safe to put on one line: control characters become spaces. */
export function headerValue(text: string): string {
  if (!hasControlCharacter(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c < 32 || c === 127 ? ' ' : text[i];
  }
  return out;
}

/** An ICAP response head (status line, headers, empty line). */
export function icapResponseHead(
  status: number,
  headers: ReadonlyArray<readonly [string, string]>,
): string {
  let out = `ICAP/1.0 ${status} ${ICAP_REASONS[status] ?? 'Unknown'}\r\n`;
  for (const [name, value] of headers) out += `${name}: ${headerValue(value)}\r\n`;
  return `${out}\r\n`;
}
