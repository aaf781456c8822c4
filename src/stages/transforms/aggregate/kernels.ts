/**
 * Accumulation kernels: one tight loop per accumulator over rows [start, end) of a batch,
 * scattering into the per-group state by group id. No closure, object or boxed number per row;
 * each kernel has a loop without nulls and one that tests the validity bit.
 *
 * State layout: one Float64Array holding `stride` slots per group (group g's slot o is at
 * `g * stride + o`), so that every accumulator of a group shares a cache line or two: measured
 * on 10M rows into 50 groups, the fused count+sum+min+max pass takes 36 ms over this layout
 * against 44 ms over one array per accumulator. int64/timestamp min/max slots hold the value's
 * two little-endian words and are read and written only through an Int32Array view (`words`) of
 * the same buffer, never as doubles (a double load/store may canonicalise NaN bit patterns).
 *
 * The null-free loops of the hot kernels are unrolled by four: V8 does not unroll, and loop
 * overhead (counter, bounds and interrupt checks) is much of the cost of a scatter (measured:
 * count 31 → 11-19 ms, sum 41 → 21-24 ms per 10M rows). Unrolling keeps the row order of each
 * group's updates, so float sums are unchanged.
 *
 * NaN: sums propagate it by IEEE addition; min/max store a NaN when they meet one and then keep
 * it (`v < m` is false for every v once m is NaN, and `v !== v` holds only for NaN).
 */

type Validity = Uint8Array | null;

/** Adds one per row to slot `o` (the row count). */
export function countRows(gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, o: number): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    st[gids[i]! * stride + o]!++;
    st[gids[i + 1]! * stride + o]!++;
    st[gids[i + 2]! * stride + o]!++;
    st[gids[i + 3]! * stride + o]!++;
  }
  for (; i < end; i++) st[gids[i]! * stride + o]!++;
}

/** Adds one per null row to slot `o`. */
export function countNulls(validity: Uint8Array, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, o: number): void {
  for (let i = start; i < end; i++) {
    if ((validity[i >>> 3]! & (1 << (i & 7))) === 0) st[gids[i]! * stride + o]!++;
  }
}

/** The fused count/sum/min/max loop is the twin of a native kernel, so it lives with the kernels. */
export { statsF64 } from '../../../kernels/group.js';

/**
 * Row count and sum of a null-free float column in one pass (unrolled by four): one cache line
 * per row instead of two when the groups outgrow the caches (100K groups: 245 → ~170 ms per 10M rows).
 */
export function countSumF64(values: Float64Array, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, oRows: number, oSum: number): void {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    let g = gids[i]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += values[i]!;
    g = gids[i + 1]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += values[i + 1]!;
    g = gids[i + 2]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += values[i + 2]!;
    g = gids[i + 3]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += values[i + 3]!;
  }
  for (; i < end; i++) {
    const g = gids[i]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += values[i]!;
  }
}

/** Float sums into slot `o`, added in row order. */
export function sumF64(values: Float64Array, validity: Validity, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, o: number): void {
  if (validity === null) {
    let i = start;
    for (; i + 4 <= end; i += 4) {
      st[gids[i]! * stride + o]! += values[i]!;
      st[gids[i + 1]! * stride + o]! += values[i + 1]!;
      st[gids[i + 2]! * stride + o]! += values[i + 2]!;
      st[gids[i + 3]! * stride + o]! += values[i + 3]!;
    }
    for (; i < end; i++) st[gids[i]! * stride + o]! += values[i]!;
  } else {
    for (let i = start; i < end; i++) {
      if ((validity[i >>> 3]! & (1 << (i & 7))) !== 0) st[gids[i]! * stride + o]! += values[i]!;
    }
  }
}

export function minF64(values: Float64Array, validity: Validity, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, o: number): void {
  if (validity === null) {
    let i = start;
    for (; i + 2 <= end; i += 2) {
      let v = values[i]!;
      let s = gids[i]! * stride + o;
      if (v < st[s]! || v !== v) st[s] = v;
      v = values[i + 1]!;
      s = gids[i + 1]! * stride + o;
      if (v < st[s]! || v !== v) st[s] = v;
    }
    for (; i < end; i++) {
      const v = values[i]!;
      const s = gids[i]! * stride + o;
      if (v < st[s]! || v !== v) st[s] = v;
    }
  } else {
    for (let i = start; i < end; i++) {
      if ((validity[i >>> 3]! & (1 << (i & 7))) === 0) continue;
      const v = values[i]!;
      const s = gids[i]! * stride + o;
      if (v < st[s]! || v !== v) st[s] = v;
    }
  }
}

export function maxF64(values: Float64Array, validity: Validity, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, o: number): void {
  if (validity === null) {
    let i = start;
    for (; i + 2 <= end; i += 2) {
      let v = values[i]!;
      let s = gids[i]! * stride + o;
      if (v > st[s]! || v !== v) st[s] = v;
      v = values[i + 1]!;
      s = gids[i + 1]! * stride + o;
      if (v > st[s]! || v !== v) st[s] = v;
    }
    for (; i < end; i++) {
      const v = values[i]!;
      const s = gids[i]! * stride + o;
      if (v > st[s]! || v !== v) st[s] = v;
    }
  } else {
    for (let i = start; i < end; i++) {
      if ((validity[i >>> 3]! & (1 << (i & 7))) === 0) continue;
      const v = values[i]!;
      const s = gids[i]! * stride + o;
      if (v > st[s]! || v !== v) st[s] = v;
    }
  }
}

export function minI32(values: Int32Array, validity: Validity, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, o: number): void {
  for (let i = start; i < end; i++) {
    if (validity !== null && (validity[i >>> 3]! & (1 << (i & 7))) === 0) continue;
    const v = values[i]!;
    const s = gids[i]! * stride + o;
    if (v < st[s]!) st[s] = v;
  }
}

export function maxI32(values: Int32Array, validity: Validity, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, o: number): void {
  for (let i = start; i < end; i++) {
    if (validity !== null && (validity[i >>> 3]! & (1 << (i & 7))) === 0) continue;
    const v = values[i]!;
    const s = gids[i]! * stride + o;
    if (v > st[s]!) st[s] = v;
  }
}

/**
 * int32 sums into slot `o` (signed). Exact while fewer than 2^21 rows are added between
 * normalisations (|sum| < 2^52).
 */
export function sumI32(values: Int32Array, validity: Validity, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, o: number): void {
  if (validity === null) {
    for (let i = start; i < end; i++) st[gids[i]! * stride + o]! += values[i]!;
  } else {
    for (let i = start; i < end; i++) {
      if ((validity[i >>> 3]! & (1 << (i & 7))) !== 0) st[gids[i]! * stride + o]! += values[i]!;
    }
  }
}

/**
 * int64 sums from the values' little-endian words: the unsigned low words into slot `oLo`, the
 * signed high words into slot `oHi` (the sum is hi·2^32 + lo). Exact while fewer than 2^20 rows
 * are added between normalisations.
 */
export function sumI64(words: Int32Array, validity: Validity, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, oLo: number, oHi: number): void {
  for (let i = start; i < end; i++) {
    if (validity !== null && (validity[i >>> 3]! & (1 << (i & 7))) === 0) continue;
    const g = gids[i]! * stride;
    st[g + oLo]! += words[2 * i]! >>> 0;
    st[g + oHi]! += words[2 * i + 1]!;
  }
}

/**
 * int64/timestamp min over words into slot `o` of the state, through its word view `sw`: the
 * slot's words are `sw[2(g·stride + o)]` (low) and the next (high).
 */
export function minI64(words: Int32Array, validity: Validity, gids: Int32Array, start: number, end: number, sw: Int32Array, stride: number, o: number): void {
  for (let i = start; i < end; i++) {
    if (validity !== null && (validity[i >>> 3]! & (1 << (i & 7))) === 0) continue;
    const s = 2 * (gids[i]! * stride + o);
    const hi = words[2 * i + 1]!;
    const mhi = sw[s + 1]!;
    if (hi < mhi || (hi === mhi && words[2 * i]! >>> 0 < sw[s]! >>> 0)) {
      sw[s] = words[2 * i]!;
      sw[s + 1] = hi;
    }
  }
}

export function maxI64(words: Int32Array, validity: Validity, gids: Int32Array, start: number, end: number, sw: Int32Array, stride: number, o: number): void {
  for (let i = start; i < end; i++) {
    if (validity !== null && (validity[i >>> 3]! & (1 << (i & 7))) === 0) continue;
    const s = 2 * (gids[i]! * stride + o);
    const hi = words[2 * i + 1]!;
    const mhi = sw[s + 1]!;
    if (hi > mhi || (hi === mhi && words[2 * i]! >>> 0 > sw[s]! >>> 0)) {
      sw[s] = words[2 * i]!;
      sw[s + 1] = hi;
    }
  }
}
