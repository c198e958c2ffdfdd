import { readFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import type { UpstreamAddress } from './upstream.ts';

/**
 * Where the DNS filter forwards to: `filter.dnsUpstreams` from the configuration, or else the
 * `nameserver` lines of /etc/resolv.conf (the resolvers the machine itself uses).
 */

export const DNS_PORT = 53;

/**
 * Reads `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`, `[2001:db8::53]:5353` or
 * `fe80::1%eth0`. Returns null for anything else.
 */
export function parseUpstream(text: string, defaultPort = DNS_PORT): UpstreamAddress | null {
  const value = text.trim();
  let host = value;
  let port = defaultPort;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed !== null) {
    host = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (value.includes(':') && value.indexOf(':') === value.lastIndexOf(':')) {
    const at = value.indexOf(':');
    host = value.slice(0, at);
    const portText = value.slice(at + 1);
    if (!/^\d+$/.test(portText)) return null;
    port = Number(portText);
  }
  const bare = host.replace(/%[\w.-]+$/, '');
  if (net.isIP(bare) === 0) return null;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host, port };
}

/** The nameservers of a resolv.conf text, in order. */
export function parseResolvConf(text: string): UpstreamAddress[] {
  const out: UpstreamAddress[] = [];
  for (const line of text.split('\n')) {
    const words = line
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (words[0] !== 'nameserver' || words[1] === undefined) continue;
    const address = parseUpstream(words[1]);
    if (address !== null) out.push(address);
  }
  return out;
}

/** The nameservers of /etc/resolv.conf (or `path`); empty when the file cannot be read. */
export function readResolvConf(path = '/etc/resolv.conf'): UpstreamAddress[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return parseResolvConf(text);
}

export class UpstreamConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamConfigError';
  }
}

/**
 * The upstreams to use: the configured ones (`filter.dnsUpstreams`), or the nameservers of
 * resolv.conf when none are configured. Throws `UpstreamConfigError` naming a bad entry, or when
 * there are none at all.
 */
export function resolveUpstreams(
  configured: readonly string[],
  resolvConfPath = '/etc/resolv.conf',
): UpstreamAddress[] {
  if (configured.length > 0) {
    return configured.map((text) => {
      const address = parseUpstream(text);
      if (address === null) {
        throw new UpstreamConfigError(
          `filter.dnsUpstreams: "${text}" is not an address such as 192.0.2.53 or 192.0.2.53:53`,
        );
      }
      return address;
    });
  }
  const found = readResolvConf(resolvConfPath);
  if (found.length === 0) {
    throw new UpstreamConfigError(
      `no upstream resolver: set filter.dnsUpstreams, or list a nameserver in ${resolvConfPath}`,
    );
  }
  return found;
}

function isLoopback(host: string): boolean {
  return host === '::1' || host.startsWith('127.') || host.startsWith('::ffff:127.');
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** The addresses of this machine's network interfaces. */
export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) out.add(info.address);
  }
  return out;
}

/**
 * True when forwarding to `upstream` would send queries back to a filter listening on
 * `host:port` (a loop): the same port, and the same address, or — when the filter listens on
 * every address — a loopback address or one of this machine's own.
 */
export function pointsAtItself(
  upstream: UpstreamAddress,
  host: string,
  port: number,
  local: ReadonlySet<string> = localAddresses(),
): boolean {
  if (upstream.port !== port) return false;
  if (upstream.host === host) return true;
  if (isWildcard(host)) return isLoopback(upstream.host) || local.has(upstream.host);
  return false;
}
