import { domainToASCII } from 'node:url';
import { isIpAddress } from '../engine/host-name.ts';

/** A host accepted from a list, or why it was refused. */
export type HostCheck =
  { readonly ok: true; readonly host: string } | { readonly ok: false; readonly reason: string };

const MAX_HOST = 253;
const MAX_LABEL = 63;

function labelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
}

/**
 * The common case in one pass: already lower-case ASCII letters, digits, `-`, `_` and dots, labels
 * of 1–63 characters, no leading or trailing dot, not all digits (an IP address goes the slow way).
 */
function fastHost(h: string): boolean {
  const n = h.length;
  if (n === 0 || n > MAX_HOST) return false;
  let label = 0;
  let letters = false;
  for (let i = 0; i < n; i++) {
    const c = h.charCodeAt(i);
    if (c === 46) {
      if (label === 0) return false;
      label = 0;
      continue;
    }
    if ((c >= 97 && c <= 122) || c === 45 || c === 95) letters = true;
    else if (c < 48 || c > 57) return false;
    if (++label > MAX_LABEL) return false;
  }
  return label > 0 && letters;
}

/**
 * Checks and normalises a host name taken from a list line: lower case, punycode, no trailing
 * dot, a leading `*.` or `.` dropped (squidGuard and wildcard styles mean the same: "and every
 * subdomain"). Letters, digits, `-` and `_` (found in real DNS names) are accepted in labels.
 */
export function checkListHost(text: string): HostCheck {
  const fast = fastHost(text);
  if (fast) return { ok: true, host: text };
  let h = text.trim();
  if (h.startsWith('*.')) h = h.slice(2);
  else if (h.startsWith('.')) h = h.slice(1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  if (h.length === 0) return { ok: false, reason: 'empty host name' };
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.includes(':')) {
    if (/^[0-9a-f:.]+$/i.test(h) && isIpAddress(h)) return { ok: true, host: h.toLowerCase() };
    return { ok: false, reason: 'invalid IPv6 address' };
  }
  let lower = h.toLowerCase();
  let ascii = true;
  for (let i = 0; i < lower.length; i++) {
    if (lower.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    const converted = domainToASCII(lower);
    if (converted.length === 0) return { ok: false, reason: 'not a valid internationalised name' };
    lower = converted;
  }
  if (lower.length > MAX_HOST)
    return { ok: false, reason: `host name longer than ${MAX_HOST} characters` };
  let labelStart = 0;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 46;
    if (c === 46) {
      const len = i - labelStart;
      if (len === 0) return { ok: false, reason: 'empty label in host name' };
      if (len > MAX_LABEL)
        return { ok: false, reason: `label longer than ${MAX_LABEL} characters` };
      labelStart = i + 1;
    } else if (!labelChar(c)) {
      const ch = lower[i] ?? '';
      const what = c === 47 ? 'a path ("/")' : c === 32 || c === 9 ? 'a space' : `"${ch}"`;
      return { ok: false, reason: `invalid character in host name: ${what}` };
    }
  }
  if (/^[0-9.]+$/.test(lower) && !isIpAddress(lower)) {
    return { ok: false, reason: 'invalid IPv4 address' };
  }
  return { ok: true, host: lower };
}
