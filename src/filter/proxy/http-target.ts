/**
 * Request targets as a forward proxy receives them: the absolute form of a plain-HTTP request
 * (`GET http://host:port/path?query HTTP/1.1`) and the authority form of a CONNECT
 * (`CONNECT host:port`). Pure functions; nothing here throws.
 */

export interface HttpTarget {
  /** Lower-case host name or IP address; an IPv6 address without brackets. */
  readonly host: string;
  readonly port: number;
  /** `host[:port]` for the `Host` header (port only when not 80; IPv6 in brackets). */
  readonly authority: string;
  /** Origin-form path and query (`/` at least); the fragment is dropped. */
  readonly path: string;
}

export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
}

/** True when `url` starts with `http://` in any case. */
export function isAbsoluteHttp(url: string): boolean {
  return (
    url.length > 7 &&
    url.charCodeAt(4) === 58 /* : */ &&
    url.charCodeAt(5) === 47 &&
    url.charCodeAt(6) === 47 &&
    url.slice(0, 4).toLowerCase() === 'http'
  );
}

/** The scheme of an absolute URI (`https`, `ftp`, …), or null for an origin-form target. */
export function schemeOf(url: string): string | null {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]{0,15}):\/\//.exec(url);
  return m?.[1]?.toLowerCase() ?? null;
}

/** Host characters accepted: letters, digits, `-`, `.`, `_` (IPv6 is checked separately). */
function isHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (!(
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === 45 ||
      c === 46 ||
      c === 95
    ))
      return false;
  }
  return true;
}

function isIpv6(host: string): boolean {
  if (host.length < 2 || host.length > 45) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (!(
      (c >= 48 && c <= 58) ||
      (c >= 97 && c <= 102) ||
      (c >= 65 && c <= 70) ||
      c === 46 /* . for v4-mapped */
    ))
      return false;
  }
  return host.includes(':');
}

function parsePort(text: string): number {
  if (text.length === 0 || text.length > 5) return -1;
  let port = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    port = port * 10 + c;
  }
  return port >= 1 && port <= 65535 ? port : -1;
}

/** Splits `host[:port]` or `[v6][:port]`; `defaultPort` when none is given. Null when invalid. */
export function parseAuthority(authority: string, defaultPort: number): ConnectTarget | null {
  let host: string;
  let port = defaultPort;
  if (authority.charCodeAt(0) === 91 /* [ */) {
    const close = authority.indexOf(']');
    if (close < 0) return null;
    host = authority.slice(1, close);
    if (!isIpv6(host)) return null;
    const rest = authority.slice(close + 1);
    if (rest.length > 0) {
      if (rest.charCodeAt(0) !== 58) return null;
      port = parsePort(rest.slice(1));
    }
  } else {
    const colon = authority.indexOf(':');
    if (colon >= 0) {
      host = authority.slice(0, colon);
      port = parsePort(authority.slice(colon + 1));
    } else {
      host = authority;
    }
    // a trailing dot (fully qualified) is fine; the engine strips it
    if (!isHostName(host)) return null;
  }
  if (port < 0) return null;
  return { host: host.toLowerCase(), port };
}

/**
 * Parses an absolute `http://` URI. Userinfo (`user:pass@`) is dropped; it is never forwarded.
 * Returns null when the URI is not `http://` or its authority is unusable.
 */
export function parseHttpTarget(url: string): HttpTarget | null {
  if (!isAbsoluteHttp(url)) return null;
  let end = url.length;
  for (let i = 7; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  let authority = url.slice(7, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  const parsed = parseAuthority(authority, 80);
  if (parsed === null) return null;
  let path = url.slice(end);
  const hash = path.indexOf('#');
  if (hash >= 0) path = path.slice(0, hash);
  if (path.length === 0) path = '/';
  else if (path.charCodeAt(0) === 63 /* ? */) path = `/${path}`;
  const hostPart = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  return {
    host: parsed.host,
    port: parsed.port,
    authority: parsed.port === 80 ? hostPart : `${hostPart}:${parsed.port}`,
    path,
  };
}

/** The `host/path` string the engine decides on (`[v6]/path` for IPv6). */
export function engineUrlOf(target: { readonly host: string; readonly path: string }): string {
  return target.host.includes(':') ? `[${target.host}]${target.path}` : target.host + target.path;
}
