import { domainToASCII } from 'node:url';

/**
 * Host names and URLs as the engine sees them: lower case, ASCII (IDN in punycode), no trailing
 * dot, no port, no brackets around IPv6 addresses, no scheme.
 */

const MAX_HOST_LENGTH = 253;

function isPlainAsciiHost(host: string): boolean {
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    // a-z 0-9 - . _ :  (':' for IPv6)
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 58) || c === 45 || c === 46 || c === 95)) {
      return false;
    }
  }
  return true;
}

/**
 * Normalises a host name: trims, lower-cases, strips a port, IPv6 brackets and trailing dots,
 * and converts an internationalised name to punycode. Returns `null` when nothing usable remains
 * or the name cannot be converted (invalid IDN).
 */
export function normaliseHost(input: string): string | null {
  let host = input.trim();
  if (host.length === 0) return null;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    if (close < 0) return null;
    host = host.slice(1, close);
  } else {
    const colon = host.indexOf(':');
    // one colon = host:port; several = a bare IPv6 address
    if (colon >= 0 && host.indexOf(':', colon + 1) < 0) host = host.slice(0, colon);
  }
  let end = host.length;
  while (end > 0 && host.charCodeAt(end - 1) === 46) end--;
  if (end !== host.length) host = host.slice(0, end);
  if (host.length === 0) return null;
  if (!isPlainAsciiHost(host)) {
    const lowered = host.toLowerCase();
    if (isPlainAsciiHost(lowered)) {
      host = lowered;
    } else {
      const ascii = domainToASCII(lowered);
      if (ascii.length === 0) return null;
      host = ascii;
    }
  }
  if (host.length > MAX_HOST_LENGTH) return null;
  return host;
}

/** A request target split into its parts. `path` keeps the query; the fragment is dropped. */
export interface SplitUrl {
  readonly host: string;
  /** Starts with `/`; `/` when the URL has no path. */
  readonly path: string;
  readonly hasPath: boolean;
}

/**
 * Splits `http://Host:80/a/b?q#f`, `host/a/b` or `host` into a normalised host and a path.
 * Userinfo (`user@`) is dropped. Returns `null` when the host is unusable.
 */
export function splitUrl(input: string): SplitUrl | null {
  let s = input.trim();
  const scheme = s.indexOf('://');
  if (scheme >= 0 && scheme < 12) s = s.slice(scheme + 3);
  else if (s.startsWith('//')) s = s.slice(2);
  let hostEnd = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) {
      hostEnd = i;
      break;
    }
  }
  let authority = s.slice(0, hostEnd);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  const host = normaliseHost(authority);
  if (host === null) return null;
  let rest = s.slice(hostEnd);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  if (rest.length === 0) return { host, path: '/', hasPath: false };
  if (rest.charCodeAt(0) === 63 /* ? */) rest = '/' + rest;
  return { host, path: rest, hasPath: rest !== '/' };
}

/** True for a dotted-quad IPv4 address or an IPv6 address (contains `:`). */
export function isIpAddress(host: string): boolean {
  if (host.includes(':')) return true;
  const parts = host.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
