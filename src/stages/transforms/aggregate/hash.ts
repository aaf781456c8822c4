/**
 * An open-addressing hash table from a pair of 32-bit words to an id chosen by the caller
 * (usually the next dense id), on typed arrays only: no object and no boxed number per lookup. It keys
 * int32, bool, int64/timestamp and float64 values (as their two little-endian words) and pairs
 * of ids (multi-column group keys).
 *
 * Linear probing, power-of-two capacity, load factor at most 1/2.
 */

const EMPTY = -1;

export class PairTable {
  /** Number of keys held. */
  count = 0;
  private mask: number;
  /** Slot s holds key words `keys[2s]`, `keys[2s + 1]` and id `ids[s]` (EMPTY when free). */
  private keys: Int32Array;
  private ids: Int32Array;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.keys = new Int32Array(capacity * 2);
    this.ids = new Int32Array(capacity).fill(EMPTY);
  }

  /** The id of key (a, b); when absent, inserts it with `newId` and returns that. */
  intern(a: number, b: number, newId: number): number {
    const keys = this.keys;
    const ids = this.ids;
    const mask = this.mask;
    let slot = hash(a, b) & mask;
    for (;;) {
      const id = ids[slot]!;
      if (id === EMPTY) break;
      if (keys[2 * slot] === a && keys[2 * slot + 1] === b) return id;
      slot = (slot + 1) & mask;
    }
    ids[slot] = newId;
    keys[2 * slot] = a;
    keys[2 * slot + 1] = b;
    if (++this.count * 2 > mask + 1) this.grow();
    return newId;
  }

  /** The id of key (a, b), or -1. */
  find(a: number, b: number): number {
    const keys = this.keys;
    const ids = this.ids;
    const mask = this.mask;
    let slot = hash(a, b) & mask;
    for (;;) {
      const id = ids[slot]!;
      if (id === EMPTY) return -1;
      if (keys[2 * slot] === a && keys[2 * slot + 1] === b) return id;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldIds = this.ids;
    const capacity = oldIds.length * 2;
    const mask = capacity - 1;
    const keys = new Int32Array(capacity * 2);
    const ids = new Int32Array(capacity).fill(EMPTY);
    for (let s = 0; s < oldIds.length; s++) {
      const id = oldIds[s]!;
      if (id === EMPTY) continue;
      const a = oldKeys[2 * s]!;
      const b = oldKeys[2 * s + 1]!;
      let slot = hash(a, b) & mask;
      while (ids[slot] !== EMPTY) slot = (slot + 1) & mask;
      ids[slot] = id;
      keys[2 * slot] = a;
      keys[2 * slot + 1] = b;
    }
    this.keys = keys;
    this.ids = ids;
    this.mask = mask;
  }
}

/** A 32-bit mix of two words (murmur3 finaliser over a multiplicative combine). */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
