/**
 * TypeScript twin of the multi-column group id step (crates/sluice-core/src/group_multi.rs):
 * interns the pairs `(a[i], b[i])` into a {@link PairTable}'s words (`slots`: four per slot — a,
 * b, id or -1, unused — a power of two of them, linear probing from {@link hash}), writes each
 * row's id into `out` and returns the new key count. New ids are `count, count + 1, …` in row
 * order; with `keysA`/`keysB` each new id's pair is recorded there. The caller makes room first
 * (`PairTable.reserve(rows)`): the table never grows here.
 */
import { hash } from '../stages/transforms/aggregate/hash.js';

export function internPairs(
  a: Int32Array,
  b: Int32Array,
  slots: Int32Array,
  count: number,
  out: Int32Array,
  keysA: Int32Array | null | undefined,
  keysB: Int32Array | null | undefined,
): number {
  const n = a.length;
  if (b.length < n) throw new RangeError(`b must have ${n} elements, one per value (got ${b.length})`);
  if (out.length < n) throw new RangeError(`out must have ${n} elements, one per value (got ${out.length})`);
  const capacity = slots.length >>> 2;
  const needed = 2 * (count + n);
  if (slots.length % 4 !== 0 || (capacity & (capacity - 1)) !== 0 || capacity < needed) {
    let room = 1;
    while (room < needed) room *= 2;
    throw new RangeError(`slots must have ${4 * room} elements, one per value (got ${slots.length})`);
  }
  const withKeys = keysA != null || keysB != null;
  if (withKeys) {
    if (keysA == null || keysB == null) throw new TypeError(`keysA and keysB must both be Int32Arrays or both null`);
    if (keysA.length < count + n) throw new RangeError(`keysA must have ${count + n} elements, one per value (got ${keysA.length})`);
    if (keysB.length < count + n) throw new RangeError(`keysB must have ${count + n} elements, one per value (got ${keysB.length})`);
  }
  const mask = capacity - 1;
  const wrap = (mask << 2) | 3;
  let next = count;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let at = (hash(x, y) & mask) << 2;
    for (;;) {
      const id = slots[at + 2]!;
      if (id === -1) {
        slots[at] = x;
        slots[at + 1] = y;
        slots[at + 2] = next;
        if (withKeys) {
          keysA![next] = x;
          keysB![next] = y;
        }
        out[i] = next++;
        break;
      }
      if (slots[at] === x && slots[at + 1] === y) {
        out[i] = id;
        break;
      }
      at = (at + 4) & wrap;
    }
  }
  return next;
}
