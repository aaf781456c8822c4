/**
 * TypeScript twins of the grouped stats of one value column that may have nulls, per value type
 * (crates/sluice-core/src/group_typed.rs): row count, null count, sum, min and max per group,
 * scattered by group id into the state of `stages/transforms/aggregate/aggregation.ts` (`stride`
 * f64 slots per group; a slot < 0 skips that accumulator).
 *
 * Update rule, shared bit for bit with Rust, rows in order: every row adds 1 to `rows`; a null row
 * adds 1 to `nulls` and nothing else; float64 `sum += v` and `min = v` when `v < min` or v is NaN
 * (a NaN, once met, stays); int32 the same without the NaN case (the sum is exact below 2^53);
 * int64 the low words (unsigned) and the high words (signed) summed apart, min/max kept as the
 * value's two words, read and written through an Int32Array view of the state only (a double
 * load/store could canonicalise a NaN-looking bit pattern).
 */

type Validity = Uint8Array | null | undefined;

function check(rows: number, validity: Validity, gids: Int32Array, state: Float64Array, stride: number, slots: readonly number[]): void {
  if (gids.length !== rows) throw new RangeError(`gids must have ${rows} elements, one per value (got ${gids.length})`);
  if (validity != null && validity.length < (rows + 7) >>> 3) {
    throw new RangeError(`validity must have at least ${(rows + 7) >>> 3} bytes for ${rows} rows (got ${validity.length})`);
  }
  if (!(stride > 0) || slots.some((s) => !(s < stride))) throw new RangeError(`slots must be offsets below stride (${stride}), stride > 0`);
  const groups = Math.floor(state.length / stride);
  for (let i = 0; i < gids.length; i++) {
    const g = gids[i]!;
    if (g < 0 || g >= groups) throw new RangeError(`gids[${i}] (${g}) must be a group of the state (0..${groups})`);
  }
}

/**
 * Row count, null count, sum, min and max of a float64 column with nulls, in one loop over the
 * rows (measured on 10M rows, 10% null, 50 groups: 109 ms fused, 269 ms as one loop per
 * accumulator; reading the validity byte once per 8 rows was slower, 159 ms).
 */
export function groupedStatsValidF64(
  values: Float64Array,
  validity: Validity,
  gids: Int32Array,
  state: Float64Array,
  stride: number,
  rowsSlot: number,
  nullsSlot: number,
  sumSlot: number,
  minSlot: number,
  maxSlot: number,
): void {
  const n = values.length;
  check(n, validity, gids, state, stride, [rowsSlot, nullsSlot, sumSlot, minSlot, maxSlot]);
  const st = state;
  const bits = validity ?? null;
  for (let i = 0; i < n; i++) {
    const g = gids[i]! * stride;
    if (rowsSlot >= 0) st[g + rowsSlot]!++;
    if (bits !== null && (bits[i >>> 3]! & (1 << (i & 7))) === 0) {
      if (nullsSlot >= 0) st[g + nullsSlot]!++;
      continue;
    }
    const v = values[i]!;
    if (sumSlot >= 0) st[g + sumSlot]! += v;
    if (minSlot >= 0 && (v < st[g + minSlot]! || v !== v)) st[g + minSlot] = v;
    if (maxSlot >= 0 && (v > st[g + maxSlot]! || v !== v)) st[g + maxSlot] = v;
  }
}

/** {@link groupedStatsValidF64} for int32 values: exact sums (fewer than 2^21 rows between normalisations). */
export function groupedStatsI32(
  values: Int32Array,
  validity: Validity,
  gids: Int32Array,
  state: Float64Array,
  stride: number,
  rowsSlot: number,
  nullsSlot: number,
  sumSlot: number,
  minSlot: number,
  maxSlot: number,
): void {
  const n = values.length;
  check(n, validity, gids, state, stride, [rowsSlot, nullsSlot, sumSlot, minSlot, maxSlot]);
  const st = state;
  const bits = validity ?? null;
  for (let i = 0; i < n; i++) {
    const g = gids[i]! * stride;
    if (rowsSlot >= 0) st[g + rowsSlot]!++;
    if (bits !== null && (bits[i >>> 3]! & (1 << (i & 7))) === 0) {
      if (nullsSlot >= 0) st[g + nullsSlot]!++;
      continue;
    }
    const v = values[i]!;
    if (sumSlot >= 0) st[g + sumSlot]! += v;
    if (minSlot >= 0 && v < st[g + minSlot]!) st[g + minSlot] = v;
    if (maxSlot >= 0 && v > st[g + maxSlot]!) st[g + maxSlot] = v;
  }
}

/**
 * {@link groupedStatsValidF64} for int64/timestamp values: the exact sum as unsigned low words
 * (`sumLoSlot`) and signed high words (`sumHiSlot`), fewer than 2^20 rows between
 * normalisations; min and max slots hold the value's words.
 */
export function groupedStatsI64(
  values: BigInt64Array,
  validity: Validity,
  gids: Int32Array,
  state: Float64Array,
  stride: number,
  rowsSlot: number,
  nullsSlot: number,
  sumLoSlot: number,
  sumHiSlot: number,
  minSlot: number,
  maxSlot: number,
): void {
  const n = values.length;
  check(n, validity, gids, state, stride, [rowsSlot, nullsSlot, sumLoSlot, sumHiSlot, minSlot, maxSlot]);
  const st = state;
  const sw = new Int32Array(state.buffer, state.byteOffset, state.length * 2);
  const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
  const bits = validity ?? null;
  for (let i = 0; i < n; i++) {
    const g = gids[i]! * stride;
    if (rowsSlot >= 0) st[g + rowsSlot]!++;
    if (bits !== null && (bits[i >>> 3]! & (1 << (i & 7))) === 0) {
      if (nullsSlot >= 0) st[g + nullsSlot]!++;
      continue;
    }
    const lo = words[2 * i]!;
    const hi = words[2 * i + 1]!;
    if (sumLoSlot >= 0) st[g + sumLoSlot]! += lo >>> 0;
    if (sumHiSlot >= 0) st[g + sumHiSlot]! += hi;
    if (minSlot >= 0) {
      const s = 2 * (g + minSlot);
      const mhi = sw[s + 1]!;
      if (hi < mhi || (hi === mhi && lo >>> 0 < sw[s]! >>> 0)) {
        sw[s] = lo;
        sw[s + 1] = hi;
      }
    }
    if (maxSlot >= 0) {
      const s = 2 * (g + maxSlot);
      const mhi = sw[s + 1]!;
      if (hi > mhi || (hi === mhi && lo >>> 0 > sw[s]! >>> 0)) {
        sw[s] = lo;
        sw[s + 1] = hi;
      }
    }
  }
}
