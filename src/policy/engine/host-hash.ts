/**
 * 64-bit hashes of host names and of each of their label suffixes, computed in one right-to-left
 * pass with no allocation. Hashing `a.b.example.com` visits `com`, `example.com`,
 * `b.example.com` and `a.b.example.com`, and the hash of each suffix equals the hash of the same
 * text hashed on its own, so a table keyed by list entries can be probed with every suffix.
 *
 * The hash is two 32-bit lanes (FNV-1a and a Murmur-style step) mixed by a finaliser. ASCII
 * upper case is folded to lower case and trailing dots are ignored while hashing, so callers need
 * not normalise ASCII names. A non-ASCII character makes the hash fail (`-1`): the caller
 * converts the name to punycode first.
 */

/** Most labels a host can have (253 characters, 127 one-letter labels). */
export const MAX_SUFFIXES = 128;

/** Scratch space for the suffix hashes of one host. Reused across calls; not shared between threads. */
export class SuffixKeys {
  /** High and low 32 bits of the hash of each suffix, least specific (TLD) first. */
  readonly hi = new Uint32Array(MAX_SUFFIXES);
  readonly lo = new Uint32Array(MAX_SUFFIXES);
  /** Index in the host where each suffix starts. */
  readonly start = new Int32Array(MAX_SUFFIXES);
  /** Number of suffixes filled by the last `hashSuffixes` call. */
  count = 0;
  /** The host text that was hashed (after trailing dots). */
  end = 0;
}

function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function finalHi(a: number, b: number): number {
  const h = fmix32((a + Math.imul(b ^ (b >>> 15), 0x9e3779b1)) | 0);
  // 0 marks an empty slot in the tables.
  return h === 0 ? 1 : h;
}

function finalLo(a: number, b: number): number {
  return fmix32(b ^ Math.imul((a << 13) | (a >>> 19), 0x27d4eb2f));
}

const SEED_A = 0x811c9dc5;
const SEED_B = 0x2f3c7a91;

/**
 * Fills `out` with the hash of every label suffix of `host`, from the TLD to the whole name.
 * For an IPv4 address (numeric last label) or an IPv6 address only the whole name is hashed.
 * Returns the number of suffixes, or -1 when the host has a non-ASCII character or too many
 * labels.
 */
export function hashSuffixes(host: string, out: SuffixKeys): number {
  let end = host.length;
  while (end > 0 && host.charCodeAt(end - 1) === 46) end--;
  out.end = end;
  let a = SEED_A;
  let b = SEED_B;
  let n = 0;
  let inLast = true;
  let lastNumeric = true;
  let wholeOnly = false;
  for (let i = end - 1; i >= 0; i--) {
    let c = host.charCodeAt(i);
    if (c === 46) {
      if (inLast) {
        inLast = false;
        wholeOnly = lastNumeric;
      }
      if (!wholeOnly) {
        if (n === MAX_SUFFIXES - 1) return -1;
        out.hi[n] = finalHi(a, b);
        out.lo[n] = finalLo(a, b);
        out.start[n] = i + 1;
        n++;
      }
    } else if (c >= 65 && c <= 90) {
      c |= 32;
      lastNumeric = false;
    } else if (c > 127) {
      return -1;
    } else if (c === 58) {
      wholeOnly = true; // IPv6
    } else if (inLast && (c < 48 || c > 57)) {
      lastNumeric = false;
    }
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  if (end === 0) {
    out.count = 0;
    return 0;
  }
  if (wholeOnly && n > 0) n = 0;
  out.hi[n] = finalHi(a, b);
  out.lo[n] = finalLo(a, b);
  out.start[n] = 0;
  n++;
  out.count = n;
  return n;
}

/** The 64-bit key of a whole name, as `[hi, lo]` (same value as its longest suffix above). */
export function hashHost(host: string, scratch: SuffixKeys): readonly [number, number] | null {
  const n = hashSuffixes(host, scratch);
  if (n <= 0) return null;
  return [scratch.hi[n - 1] ?? 0, scratch.lo[n - 1] ?? 0];
}
