/**
 * Headers on their way through the proxy (RFC 9110 §7.6). Hop-by-hop headers belong to one
 * connection and are never forwarded: `Connection` and every header it names, `Proxy-Connection`,
 * `Keep-Alive`, `TE`, `Trailer`, `Transfer-Encoding` (Node frames the body again), `Upgrade`,
 * `Proxy-Authorization` (the person's password stops here) and `Proxy-Authenticate`. The proxy
 * adds itself to `Via`. Headers are kept as raw name/value pairs, in order and in their case.
 *
 * Pure functions over `IncomingMessage.rawHeaders`-style arrays (`[name, value, name, value…]`).
 */

const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Header name lengths that may be hop-by-hop, `host` or `via`: the others are copied at once. */
const CHECKED_LENGTHS = new Set([...HOP_BY_HOP, 'host', 'via'].map((h) => h.length));

/** Lower-case names listed in `Connection` headers (extra hop-by-hop headers), or null. */
function connectionTokens(raw: readonly string[]): string[] | null {
  let tokens: string[] | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
    for (const token of (raw[i + 1] ?? '').split(',')) {
      const t = token.trim().toLowerCase();
      if (t.length > 0 && t !== 'close' && t !== 'keep-alive') (tokens ??= []).push(t);
    }
  }
  return tokens;
}

function viaValue(previous: string | null, via: string): string {
  return previous === null ? via : `${previous}, ${via}`;
}

/**
 * The headers to send upstream for a plain-HTTP request: `Host` first (the authority of the
 * absolute URI, which wins over the client's `Host`), the client's end-to-end headers, `Via`, and
 * any `extra` pairs (e.g. `YouTube-Restrict`).
 */
export function forwardRequestHeaders(
  raw: readonly string[],
  authority: string,
  via: string,
  extra: readonly string[] | null = null,
): string[] {
  const listed = connectionTokens(raw);
  const out: string[] = ['Host', authority];
  let previousVia: string | null = null;
  const extraNames =
    extra === null ? null : extra.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    if (CHECKED_LENGTHS.has(name.length) || listed !== null || extraNames !== null) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || lower === 'host') continue;
      if (lower === 'via') {
        previousVia = viaValue(previousVia, value);
        continue;
      }
      if (listed?.includes(lower) === true || extraNames?.includes(lower) === true) continue;
    }
    out.push(name, value);
  }
  out.push('Via', viaValue(previousVia, via));
  if (extra !== null) for (const item of extra) out.push(item);
  return out;
}

/** The headers to send back to the client: the origin's end-to-end headers and `Via`. */
export function forwardResponseHeaders(raw: readonly string[], via: string): string[] {
  const listed = connectionTokens(raw);
  const out: string[] = [];
  let previousVia: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    if (CHECKED_LENGTHS.has(name.length) || listed !== null) {
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) continue;
      if (lower === 'via') {
        previousVia = viaValue(previousVia, value);
        continue;
      }
      if (listed?.includes(lower) === true) continue;
    }
    out.push(name, value);
  }
  out.push('Via', viaValue(previousVia, via));
  return out;
}

/** True when a `Via` value already names this proxy (`1.1 <name>`): a request loop. */
export function viaNames(raw: readonly string[], name: string): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const header = raw[i] ?? '';
    if (header.length !== 3 || header.toLowerCase() !== 'via') continue;
    for (const hop of (raw[i + 1] ?? '').split(',')) {
      const parts = hop.trim().split(/\s+/);
      if (parts[1] === name) return true;
    }
  }
  return false;
}

/** The value of the first header called `name` (lower case), or undefined. */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const header = raw[i] ?? '';
    if (header.length === name.length && header.toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}
