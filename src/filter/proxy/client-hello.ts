/**
 * Reads the server name (SNI) from the first bytes a client sends through a CONNECT tunnel, so
 * that a tunnel opened to an IP address (or to an allowed name) cannot carry a TLS session to a
 * blocked site. A pure function over bytes: it never throws, whatever it is given, and it never
 * reads past the end of its input.
 *
 * TLS 1.0–1.3 (RFC 8446 §4.1.2, RFC 6066 §3): one or more handshake records (type 22) carry a
 * ClientHello (handshake type 1):
 *
 *   record      type(1)=22  version(2)=3.x  length(2)  fragment…
 *   handshake   type(1)=1   length(3)  client_version(2)  random(32)
 *               session_id<0..32>  cipher_suites<2..2^16-2>  compression_methods<1..2^8-1>
 *               extensions<0..2^16-1>:  type(2) length(2) data…
 *   server_name (extension 0): list length(2), then entries name_type(1)=0 host_name<1..2^16-1>
 *
 * A ClientHello larger than one record (post-quantum key shares make it about 1.8 KB, still one
 * record; padding can make it bigger) is reassembled from consecutive handshake records.
 */

export type ClientHello =
  /** The bytes so far are the start of a TLS handshake: wait for more. */
  | { readonly kind: 'need-more' }
  /** Not TLS (e.g. plain HTTP inside the tunnel). */
  | { readonly kind: 'not-tls' }
  /** A TLS ClientHello (or TLS that cannot be read further): its server name, when it sent one. */
  | { readonly kind: 'tls'; readonly serverName: string | null };

const NEED_MORE: ClientHello = Object.freeze({ kind: 'need-more' });
const NOT_TLS: ClientHello = Object.freeze({ kind: 'not-tls' });
const TLS_NO_NAME: ClientHello = Object.freeze({ kind: 'tls', serverName: null });

const RECORD_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXTENSION_SERVER_NAME = 0;
const NAME_TYPE_HOST = 0;
/** Largest TLS record fragment: 2^14 bytes plus room for the TLS 1.2 compression expansion. */
const MAX_RECORD = 16384 + 2048;
/** A ClientHello bigger than this is not worth waiting for: treated as TLS without a name. */
export const MAX_CLIENT_HELLO = 65536;

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function u24(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0);
}

/**
 * What the first bytes of a tunnel are. `need-more` means: read more and ask again with all the
 * bytes so far (the caller caps how long and how much it waits).
 */
export function readClientHello(data: Uint8Array): ClientHello {
  const n = data.length;
  if (n === 0) return NEED_MORE;
  if (data[0] !== RECORD_HANDSHAKE) return NOT_TLS;
  if (n >= 2 && data[1] !== 3) return NOT_TLS;
  if (n >= 3 && (data[2] ?? 0) > 4) return NOT_TLS;
  if (n < 5) return NEED_MORE;
  const first = u16(data, 3);
  if (first === 0 || first > MAX_RECORD) return NOT_TLS;

  // The common case: the whole message is inside the first record.
  if (first >= 4 && n >= 9) {
    if (data[5] !== HANDSHAKE_CLIENT_HELLO) return TLS_NO_NAME;
    const messageLength = 4 + u24(data, 6);
    if (messageLength > MAX_CLIENT_HELLO) return TLS_NO_NAME;
    if (messageLength <= first) {
      if (n < 5 + messageLength) return NEED_MORE;
      return parseHello(data, 9, 5 + messageLength);
    }
  }
  return reassemble(data);
}

/** Reassembles a handshake message carried by several consecutive handshake records. */
function reassemble(data: Uint8Array): ClientHello {
  const n = data.length;
  let message: Uint8Array | null = null;
  let messageLength = -1;
  const head = new Uint8Array(4);
  let have = 0;
  let at = 0;
  while (messageLength < 0 || have < messageLength) {
    if (at + 5 > n) return NEED_MORE;
    if (data[at] !== RECORD_HANDSHAKE || data[at + 1] !== 3) return TLS_NO_NAME;
    const length = u16(data, at + 3);
    if (length === 0 || length > MAX_RECORD) return TLS_NO_NAME;
    const start = at + 5;
    const fragmentEnd = start + length;
    for (let i = start; i < fragmentEnd; i++) {
      if (i >= n) return NEED_MORE;
      const value = data[i] ?? 0;
      if (message === null) {
        head[have++] = value;
        if (have === 4) {
          if (head[0] !== HANDSHAKE_CLIENT_HELLO) return TLS_NO_NAME;
          messageLength = 4 + u24(head, 1);
          if (messageLength > MAX_CLIENT_HELLO) return TLS_NO_NAME;
          message = new Uint8Array(messageLength);
          message.set(head, 0);
        }
      } else if (have < messageLength) {
        message[have++] = value;
      } else {
        break;
      }
    }
    at = fragmentEnd;
  }
  return message === null ? TLS_NO_NAME : parseHello(message, 4, messageLength);
}

/** Parses a ClientHello body in `b[start, end)`. */
function parseHello(b: Uint8Array, start: number, end: number): ClientHello {
  let at = start + 2 + 32; // client_version, random
  if (at + 1 > end) return TLS_NO_NAME;
  at += 1 + (b[at] ?? 0); // session_id
  if (at + 2 > end) return TLS_NO_NAME;
  at += 2 + u16(b, at); // cipher_suites
  if (at + 1 > end) return TLS_NO_NAME;
  at += 1 + (b[at] ?? 0); // compression_methods
  if (at + 2 > end) return TLS_NO_NAME; // no extensions (SSL 3.0 style): no name
  const extensionsEnd = Math.min(end, at + 2 + u16(b, at));
  at += 2;
  while (at + 4 <= extensionsEnd) {
    const type = u16(b, at);
    const length = u16(b, at + 2);
    const dataStart = at + 4;
    const dataEnd = dataStart + length;
    if (dataEnd > extensionsEnd) return TLS_NO_NAME;
    if (type === EXTENSION_SERVER_NAME) return serverNameOf(b, dataStart, dataEnd);
    at = dataEnd;
  }
  return TLS_NO_NAME;
}

function serverNameOf(b: Uint8Array, start: number, end: number): ClientHello {
  if (start + 2 > end) return TLS_NO_NAME;
  const listEnd = Math.min(end, start + 2 + u16(b, start));
  let at = start + 2;
  while (at + 3 <= listEnd) {
    const type = b[at] ?? 0;
    const length = u16(b, at + 1);
    const nameStart = at + 3;
    const nameEnd = nameStart + length;
    if (nameEnd > listEnd) return TLS_NO_NAME;
    if (type === NAME_TYPE_HOST && length > 0) {
      let name = '';
      for (let i = nameStart; i < nameEnd; i++) name += String.fromCharCode(b[i] ?? 0);
      return { kind: 'tls', serverName: name };
    }
    at = nameEnd;
  }
  return TLS_NO_NAME;
}
