/**
 * TypeScript twin of the stable sort step (crates/sluice-core/src/sort.rs): reorders
 * `permutation` (row indices into `keys`) stably by `(classes[row], keys[row])` ascending, -0
 * equal to 0, NaN above every number and equal to every other NaN. `sort` calls it once per key,
 * last key first (LSD), so that the result is the lexicographic order with input order breaking
 * ties.
 *
 * No comparator call per pair: each row's key becomes a dense rank (a native numeric sort of a
 * copy of the keys, then one hash lookup per row on the key's words — a binary search per row
 * measured 2-3x slower), `rank·m + position` is packed in one double and sorted natively, which
 * is stable because the position breaks ties; classes are then one stable counting pass. Measured
 * on 1M rows by one float key: 700-1,000 ms with a comparator, ~350 ms this way.
 */
import { PairTable } from '../stages/transforms/aggregate/hash.js';

function check(keys: Float64Array, classes: Uint8Array | null | undefined, permutation: Uint32Array): void {
  const n = keys.length;
  if (classes != null && classes.length < n) throw new RangeError(`classes must have ${n} elements, one per key (got ${classes.length})`);
  for (let p = 0; p < permutation.length; p++) {
    if (permutation[p]! >= n) throw new RangeError(`permutation[${p}] (${permutation[p]}) must be a row of keys (0..${n})`);
  }
}

/** Reorders `permutation` in place, stably, by `(classes[row], keys[row])` ascending. */
export function sortStableF64(keys: Float64Array, classes: Uint8Array | null | undefined, permutation: Uint32Array): void {
  check(keys, classes, permutation);
  const m = permutation.length;
  if (m < 2) return;
  if (m * m + m > Number.MAX_SAFE_INTEGER) {
    comparatorSort(keys, classes ?? null, permutation);
    return;
  }
  const gathered = new Float64Array(m);
  for (let p = 0; p < m; p++) gathered[p] = keys[permutation[p]!]!;
  const rank = ranks(gathered);
  const packed = gathered; // reused: the keys are no longer needed once ranked
  for (let p = 0; p < m; p++) packed[p] = rank[p]! * m + p;
  packed.sort();
  const before = permutation.slice();
  for (let p = 0; p < m; p++) permutation[p] = before[packed[p]! % m]!;
  if (classes != null) byClass(classes, permutation);
}

/** The dense rank of each of `x` among them all (equal numbers equal rank; -0 = 0; NaNs one rank, last). */
function ranks(x: Float64Array): Float64Array {
  const m = x.length;
  const sorted = x.slice().sort();
  const sortedWords = new Int32Array(sorted.buffer);
  const table = new PairTable();
  let r = 0;
  for (let i = 0; i < m; i++) {
    const v = sorted[i]!;
    if (i > 0 && (v === sorted[i - 1] || (v !== v && sorted[i - 1] !== sorted[i - 1]))) continue;
    if (v === 0) table.intern(0, 0, r++);
    else if (v !== v) table.intern(0, 0x7ff80000, r++);
    else table.intern(sortedWords[2 * i]!, sortedWords[2 * i + 1]!, r++);
  }
  const words = new Int32Array(x.buffer, x.byteOffset, 2 * m);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const v = x[i]!;
    out[i] = v === 0 ? table.find(0, 0) : v !== v ? table.find(0, 0x7ff80000) : table.find(words[2 * i]!, words[2 * i + 1]!);
  }
  return out;
}

/** One stable counting pass of `permutation` by the class of each row. */
function byClass(classes: Uint8Array, permutation: Uint32Array): void {
  const m = permutation.length;
  const starts = new Float64Array(257);
  for (let p = 0; p < m; p++) starts[classes[permutation[p]!]! + 1]!++;
  for (let c = 0; c < 257; c++) if (starts[c] === m) return; // one class: nothing moves
  for (let c = 1; c < 257; c++) starts[c]! += starts[c - 1]!;
  const before = permutation.slice();
  for (let p = 0; p < m; p++) {
    const r = before[p]!;
    permutation[starts[classes[r]!]!++] = r;
  }
}

/** Beyond ~9.5·10^7 rows `rank·m + position` is no longer exact in a double. */
function comparatorSort(keys: Float64Array, classes: Uint8Array | null, permutation: Uint32Array): void {
  const order = Array.from(permutation, (r, p) => p);
  const rows = permutation.slice();
  order.sort((a, b) => {
    const ra = rows[a]!;
    const rb = rows[b]!;
    if (classes !== null && classes[ra] !== classes[rb]) return classes[ra]! - classes[rb]!;
    const x = keys[ra]!;
    const y = keys[rb]!;
    if (x < y) return -1;
    if (x > y) return 1;
    if (x === y || (x !== x && y !== y)) return a - b;
    return x !== x ? 1 : -1;
  });
  for (let p = 0; p < order.length; p++) permutation[p] = rows[order[p]!]!;
}
