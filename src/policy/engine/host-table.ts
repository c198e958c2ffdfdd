/**
 * An open-addressing hash table from 64-bit host keys to 32-bit values, stored as one
 * `Uint32Array` of `[hi, lo, value]` triples (12 bytes a slot, one cache line a probe) with linear
 * probing. A slot whose `hi` is 0 is empty (the hash never produces 0 there).
 *
 * In front of the table sits a one-bit-per-hash filter (2–4 bytes a key, small enough to stay in
 * the CPU cache): most probes are for names that are not listed, and the filter answers those
 * without touching the large table.
 *
 * The table is immutable once built; `HostTableBuilder` collects keys while a list streams in and
 * merges the values of keys added twice (a domain listed in several categories).
 */

/** Fraction of slots in use. Lower is faster for misses (the common case), higher is smaller. */
const LOAD_FACTOR = 0.55;
/** Filter bits per key (rounded up to a power of two): about 16–32, a 3–6 % false-positive rate. */
const FILTER_BITS_PER_KEY = 16;
const TWO_32 = 4294967296;

export class HostTable {
  readonly size: number;
  readonly capacity: number;
  private readonly slots: Uint32Array;
  private readonly scale: number;
  private readonly filter: Uint32Array;
  private readonly filterMask: number;

  /** @internal use `HostTableBuilder`. */
  constructor(slots: Uint32Array, size: number, filter: Uint32Array) {
    this.slots = slots;
    this.capacity = slots.length / 3;
    this.size = size;
    this.scale = this.capacity / TWO_32;
    this.filter = filter;
    this.filterMask = filter.length * 32 - 1;
  }

  /** The value stored for the key, or -1. */
  get(hi: number, lo: number): number {
    const bit = lo & this.filterMask;
    if (((this.filter[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return -1;
    const slots = this.slots;
    const cap = this.capacity;
    let i = Math.floor(hi * this.scale);
    for (;;) {
      const p = i * 3;
      const h = slots[p] ?? 0;
      if (h === 0) return -1;
      if (h === hi && slots[p + 1] === lo) return slots[p + 2] ?? -1;
      i++;
      if (i === cap) i = 0;
    }
  }

  /** Bytes held by the table's typed arrays. */
  get byteLength(): number {
    return this.slots.byteLength + this.filter.byteLength;
  }

  /** Calls `fn` for each stored key (for tests and diagnostics). */
  forEach(fn: (hi: number, lo: number, value: number) => void): void {
    const s = this.slots;
    for (let p = 0; p < s.length; p += 3) {
      const hi = s[p] ?? 0;
      if (hi !== 0) fn(hi, s[p + 1] ?? 0, s[p + 2] ?? 0);
    }
  }
}

/** Merges the values of a key added more than once. */
export type MergeValues = (existing: number, added: number) => number;

export class HostTableBuilder {
  private pending: Uint32Array;
  private count = 0;

  /** `expected` is a hint for the first buffer (capped at a million keys; it grows as needed). */
  constructor(expected = 1024) {
    this.pending = new Uint32Array(Math.min(Math.max(16, Math.floor(expected)), 1 << 20) * 3);
  }

  get length(): number {
    return this.count;
  }

  add(hi: number, lo: number, value: number): void {
    let p = this.count * 3;
    if (p + 3 > this.pending.length) {
      const grown = new Uint32Array(this.pending.length * 2);
      grown.set(this.pending);
      this.pending = grown;
    }
    const s = this.pending;
    s[p++] = hi;
    s[p++] = lo;
    s[p] = value;
    this.count++;
  }

  /** Builds the table; the builder can be dropped afterwards (its buffer is released). */
  build(merge: MergeValues): HostTable {
    const n = this.count;
    const capacity = Math.max(4, Math.ceil(n / LOAD_FACTOR));
    const slots = new Uint32Array(capacity * 3);
    const scale = capacity / TWO_32;
    const src = this.pending;
    let size = 0;
    for (let k = 0; k < n; k++) {
      const q = k * 3;
      const hi = src[q] ?? 1;
      const lo = src[q + 1] ?? 0;
      const value = src[q + 2] ?? 0;
      let i = Math.floor(hi * scale);
      for (;;) {
        const p = i * 3;
        const h = slots[p] ?? 0;
        if (h === 0) {
          slots[p] = hi;
          slots[p + 1] = lo;
          slots[p + 2] = value;
          size++;
          break;
        }
        if (h === hi && slots[p + 1] === lo) {
          const old = slots[p + 2] ?? 0;
          if (old !== value) slots[p + 2] = merge(old, value);
          break;
        }
        i++;
        if (i === capacity) i = 0;
      }
    }
    let filterBits = 64;
    while (filterBits < size * FILTER_BITS_PER_KEY) filterBits *= 2;
    const filter = new Uint32Array(filterBits / 32);
    const mask = filterBits - 1;
    for (let p = 0; p < slots.length; p += 3) {
      if ((slots[p] ?? 0) === 0) continue;
      const bit = (slots[p + 1] ?? 0) & mask;
      filter[bit >>> 5] = (filter[bit >>> 5] ?? 0) | (1 << (bit & 31));
    }
    this.pending = new Uint32Array(0);
    this.count = 0;
    return new HostTable(slots, size, filter);
  }
}
