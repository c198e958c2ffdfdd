/**
 * Client address ranges (`filter.clients`): parse IPv4 and IPv6 addresses and CIDR ranges, and
 * find the most specific range holding an address (longest-prefix match). Pure: no I/O.
 *
 * An IPv4-mapped IPv6 address (`::ffff:10.0.20.7`, what a dual-stack socket reports for an IPv4
 * client) is treated as the IPv4 address it carries, so `10.0.20.0/24` matches it.
 */

export interface ParsedAddress {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export interface CidrRange extends ParsedAddress {
  /** Prefix length in bits; the bytes have every bit after it cleared. */
  readonly prefix: number;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    if (!/^\d{1,3}$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] ?? '';
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (!v4) return null;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(piece)) return null;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** True for `::ffff:a.b.c.d`. */
function isMappedIpv4(bytes: Uint8Array): boolean {
  if (bytes.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Parse an address as an adapter or a config file gives it; null when it is not one. */
export function parseAddress(input: string): ParsedAddress | null {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.includes(':')) {
    const bytes = parseIpv6(text);
    if (!bytes) return null;
    return isMappedIpv4(bytes) ? { family: 4, bytes: bytes.slice(12) } : { family: 6, bytes };
  }
  const bytes = parseIpv4(text);
  return bytes ? { family: 4, bytes } : null;
}

/** The canonical text of an address (`10.0.20.7`, `2001:db8::1`). */
export function formatAddress(address: ParsedAddress): string {
  if (address.family === 4) return Array.from(address.bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push(((address.bytes[i] ?? 0) << 8) | (address.bytes[i + 1] ?? 0));
  // RFC 5952: the longest run of two or more zero groups becomes `::`.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = (bytes[i] ?? 0) & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/**
 * Parse `10.0.20.0/24` or `2001:db8:20::/48`; null when it is not a range. Bits after the
 * prefix are cleared (`10.0.20.9/24` is `10.0.20.0/24`). An IPv4-mapped range of /96 or longer
 * is the IPv4 range it carries.
 */
export function parseCidr(input: string): CidrRange | null {
  const text = input.trim();
  const slash = text.lastIndexOf('/');
  if (slash < 0) return null;
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return null;
  let prefix = Number(lengthText);
  const addressText = text.slice(0, slash);
  let address = parseAddress(addressText);
  if (!address) return null;
  if (address.family === 4 && addressText.includes(':')) {
    // A mapped address written as IPv6: its prefix counts the 96 bits before the IPv4 part.
    if (prefix < 96) {
      const bytes = parseIpv6(addressText.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
      if (!bytes) return null;
      address = { family: 6, bytes };
    } else prefix -= 96;
  }
  const max = address.family === 4 ? 32 : 128;
  if (prefix > max) return null;
  return { family: address.family, bytes: maskBytes(address.bytes, prefix), prefix };
}

function keyOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

interface FamilyTable<T> {
  /** Prefix lengths present, longest first. */
  prefixes: number[];
  byPrefix: Map<number, Map<string, T>>;
}

/** Ranges with a value each; `match` returns the value of the most specific range. */
export class CidrTable<T> {
  readonly #families: Record<4 | 6, FamilyTable<T>> = {
    4: { prefixes: [], byPrefix: new Map() },
    6: { prefixes: [], byPrefix: new Map() },
  };
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /**
   * Add a range. Throws when `cidr` is not a range; returns false (and keeps the first value)
   * when the same range was added before.
   */
  add(cidr: string, value: T): boolean {
    const range = parseCidr(cidr);
    if (!range) throw new Error(`"${cidr}" is not an address range such as 10.0.20.0/24`);
    const table = this.#families[range.family];
    let entries = table.byPrefix.get(range.prefix);
    if (!entries) {
      entries = new Map();
      table.byPrefix.set(range.prefix, entries);
      table.prefixes.push(range.prefix);
      table.prefixes.sort((a, b) => b - a);
    }
    const key = keyOf(range.bytes);
    if (entries.has(key)) return false;
    entries.set(key, value);
    this.#size += 1;
    return true;
  }

  /** The value of the longest range holding `address`, or undefined. */
  match(address: string | ParsedAddress): T | undefined {
    const parsed = typeof address === 'string' ? parseAddress(address) : address;
    if (!parsed) return undefined;
    const table = this.#families[parsed.family];
    for (const prefix of table.prefixes) {
      const value = table.byPrefix.get(prefix)?.get(keyOf(maskBytes(parsed.bytes, prefix)));
      if (value !== undefined) return value;
    }
    return undefined;
  }
}
