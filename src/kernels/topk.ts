/**
 * Top-k over sort keys: the first `k` rows of the stable order that `sort` computes, without
 * ordering every row. `sort` calls it once per input batch, on its kept rows followed by the
 * batch, so that it holds at most `k` rows however long the input is.
 *
 * Keys are `sort`'s (see `sortKeyOf` in src/stages/transforms/sort.ts): `ord` numbers already
 * negated for descending, `cls` classes ordered before numbers (nulls last, NaN placed), or the
 * int64 words when a value is not exact as a double. {@link topKRows} serves both; the kernel
 * `topKF64` (native: crates/sluice-core/src/topk.rs) covers keys that are all `ord`, and its
 * TypeScript twin is {@link topKF64}, which calls {@link topKRows}.
 */
import type { Kernels } from './index.js';
import { sortStableF64 } from './sort.js';

/** One sort key, as `sortKeyOf` builds it (structurally: the kernel layer does not import stages). */
export interface TopKKey {
  readonly ord: Float64Array | null;
  readonly words: Int32Array | null;
  readonly cls: Uint8Array | null;
  readonly desc: boolean;
}

/** The class of rows holding numbers: 0 ascending, 1 descending (NaN takes 0 there, to come first). */
function numberClass(key: TopKKey): number {
  return key.desc ? 1 : 0;
}

/** Rows `a` and `b` by `keys` only (negative: `a` first; 0: tied, input order decides). */
export function compareKeyRows(keys: readonly TopKKey[], a: number, b: number): number {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const cls = key.cls;
    if (cls !== null) {
      const ca = cls[a]!;
      const cb = cls[b]!;
      if (ca !== cb) return ca - cb;
      // Nulls tie with each other: their words are left as they are (`ord` numbers are zeroed).
      if (key.ord === null && ca !== numberClass(key)) continue;
    }
    let d: number;
    if (key.ord !== null) {
      // As sortStableF64 orders: -0 equals 0, NaN above every number and equal to NaN.
      const x = key.ord[a]!;
      const y = key.ord[b]!;
      d = x < y ? -1 : x > y ? 1 : x === y || (x !== x && y !== y) ? 0 : x !== x ? 1 : -1;
    } else {
      const w = key.words!;
      const sign = key.desc ? -1 : 1;
      const ha = w[2 * a + 1]!;
      const hb = w[2 * b + 1]!;
      if (ha !== hb) d = ha < hb ? -sign : sign;
      else {
        const la = w[2 * a]! >>> 0;
        const lb = w[2 * b]! >>> 0;
        d = la === lb ? 0 : la < lb ? -sign : sign;
      }
    }
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Reorders `rows` (ascending row indices, i.e. input order) stably by `keys`, in place: one
 * `sortStableF64` step per key, last key first, when every key is exact as doubles; otherwise a
 * comparator sort with the row index as the last tie-break.
 */
export function sortRows(keys: readonly TopKKey[], rows: Uint32Array, kernels: Pick<Kernels, 'sortStableF64'>): Uint32Array {
  if (keys.every((key) => key.ord !== null)) {
    for (let k = keys.length - 1; k >= 0; k--) kernels.sortStableF64(keys[k]!.ord!, keys[k]!.cls, rows);
    return rows;
  }
  const sorted = Array.from(rows).sort((a, b) => compareKeyRows(keys, a, b) || a - b);
  rows.set(sorted);
  return rows;
}

/**
 * The first `k` rows of `0..n-1` in stable key order. Rows `0..sorted-1` must already be in
 * that order and precede the others in the input (the rows kept from earlier batches). When
 * `sorted >= k`, row `k-1` is the worst row that can still be kept: only later rows strictly
 * before it are candidates (a tie loses, as it came later), so most of a batch is dropped by one
 * comparison per row and only the candidates are sorted.
 */
export function topKRows(keys: readonly TopKKey[], n: number, sorted: number, k: number, kernels: Pick<Kernels, 'sortStableF64'>): Uint32Array {
  if (k <= 0 || n === 0) return new Uint32Array(0);
  let candidates: Uint32Array;
  if (sorted >= k && n > k) {
    const threshold = k - 1;
    const picked = new Uint32Array(n);
    let count = 0;
    for (let r = 0; r < k; r++) picked[count++] = r;
    for (let r = sorted; r < n; r++) if (compareKeyRows(keys, r, threshold) < 0) picked[count++] = r;
    if (count === k) return picked.subarray(0, k);
    candidates = picked.subarray(0, count);
  } else {
    candidates = new Uint32Array(n);
    for (let r = 0; r < n; r++) candidates[r] = r;
  }
  const order = sortRows(keys, candidates, kernels);
  return order.length > k ? order.subarray(0, k) : order;
}

/**
 * TypeScript twin of the native `topKF64` kernel: {@link topKRows} over keys that are all
 * `(classes[j][row], ords[j][row])` (see {@link Kernels.topKF64}), into `out`.
 */
export function topKF64(ords: readonly Float64Array[], classes: readonly (Uint8Array | null)[], n: number, sorted: number, k: number, out: Uint32Array): number {
  if (classes.length !== ords.length) throw new RangeError(`classes must have one entry per key (${ords.length}, got ${classes.length})`);
  if (sorted > n) throw new RangeError(`sorted must be at most n (${n}, got ${sorted})`);
  const keys = ords.map((ord, j): TopKKey => {
    if (ord.length < n) throw new RangeError(`ords[${j}] must have at least n (${n}) elements (got ${ord.length})`);
    const cls = classes[j] ?? null;
    if (cls !== null && cls.length < n) throw new RangeError(`classes[${j}] must have at least n (${n}) elements (got ${cls.length})`);
    return { ord, words: null, cls, desc: false };
  });
  const needed = Math.min(k, n);
  if (out.length < needed) throw new RangeError(`out must have at least min(k, n) (${needed}) elements (got ${out.length})`);
  const rows = topKRows(keys, n, sorted, k, { sortStableF64 });
  out.set(rows);
  return rows.length;
}
