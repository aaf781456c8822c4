/**
 * An open-addressing hash table from a pair of 32-bit words to an id chosen by the caller
 * (usually the next dense id), on typed arrays only: no object and no boxed number per lookup. It
 * keys int32, bool, int64/timestamp and float64 values (as their two little-endian words) and
 * pairs of ids (multi-column group keys).
 *
 * Linear probing, power-of-two capacity, load factor at most 1/2. A slot is four consecutive
 * words (key a, key b, id, unused), so a probe touches one cache line: with millions of keys the
 * table is far larger than the caches and every lookup is a miss, so that is what counts.
 */

const EMPTY = -1;

export class PairTable {
  /** Number of keys held. */
  count = 0;
  private mask: number;
  /** Slot s: `slots[4s]` = a, `slots[4s + 1]` = b, `slots[4s + 2]` = id (EMPTY when free). */
  private slots: Int32Array;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = emptySlots(capacity);
  }

  /** The id of key (a, b); when absent, inserts it with `newId` and returns that. */
  intern(a: number, b: number, newId: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const wrap = (mask << 2) | 3;
    let at = (hash(a, b) & mask) << 2;
    for (;;) {
      const id = slots[at + 2]!;
      if (id === EMPTY) break;
      if (slots[at] === a && slots[at + 1] === b) return id;
      at = (at + 4) & wrap;
    }
    slots[at] = a;
    slots[at + 1] = b;
    slots[at + 2] = newId;
    if (++this.count * 2 > mask + 1) this.grow();
    return newId;
  }

  /**
   * Grows the table (if needed) so that `extra` more keys fit at load 1/2 without growing: what
   * the `internPairs` kernel needs, which writes into {@link PairTable.slotsArray} and never grows.
   */
  reserve(extra: number): void {
    while (2 * (this.count + extra) > this.mask + 1) this.grow();
  }

  /** The table's words (four per slot: a, b, id or -1, unused), for the `internPairs` kernel. */
  get slotsArray(): Int32Array {
    return this.slots;
  }

  /** The id of key (a, b), or -1. */
  find(a: number, b: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const wrap = (mask << 2) | 3;
    let at = (hash(a, b) & mask) << 2;
    for (;;) {
      const id = slots[at + 2]!;
      if (id === EMPTY) return -1;
      if (slots[at] === a && slots[at + 1] === b) return id;
      at = (at + 4) & wrap;
    }
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    const mask = capacity - 1;
    const wrap = (mask << 2) | 3;
    const slots = emptySlots(capacity);
    for (let s = 0; s < old.length; s += 4) {
      const id = old[s + 2]!;
      if (id === EMPTY) continue;
      const a = old[s]!;
      const b = old[s + 1]!;
      let at = (hash(a, b) & mask) << 2;
      while (slots[at + 2] !== EMPTY) at = (at + 4) & wrap;
      slots[at] = a;
      slots[at + 1] = b;
      slots[at + 2] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function emptySlots(capacity: number): Int32Array {
  const slots = new Int32Array(capacity * 4);
  for (let s = 2; s < slots.length; s += 4) slots[s] = EMPTY;
  return slots;
}

/** A 32-bit mix of two words (murmur3 finaliser over a multiplicative combine); sluice-core's group_multi.rs has the same. */
export function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
