/**
 * TypeScript twins of the grouped float64 kernels: row count, sum, min and max per group,
 * scattered by group id into a state of `stride` f64 slots per group (group g's slot o at
 * g·stride + o; the layout of `stages/transforms/aggregate/aggregation.ts`).
 *
 * Update rule, shared bit for bit with the Rust kernels: rows in order, `sum += v`, `min = v`
 * when `v < min` or v is NaN (a NaN, once met, stays), likewise max. The loops are unrolled by
 * four because V8 does not unroll and loop overhead is much of a scatter's cost.
 */
import { compareNumbers, type CompareOp } from './compare.js';

/** Row count, sum, min and max of a null-free float column over rows [start, end). `oRows` < 0 skips the count. */
export function statsF64(values: Float64Array, gids: Int32Array, start: number, end: number, st: Float64Array, stride: number, oRows: number, oSum: number, oMin: number, oMax: number): void {
  let i = start;
  if (oRows < 0) {
    for (; i < end; i++) {
      const v = values[i]!;
      const g = gids[i]! * stride;
      st[g + oSum]! += v;
      if (v < st[g + oMin]! || v !== v) st[g + oMin] = v;
      if (v > st[g + oMax]! || v !== v) st[g + oMax] = v;
    }
    return;
  }
  for (; i + 4 <= end; i += 4) {
    let v = values[i]!;
    let g = gids[i]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += v;
    if (v < st[g + oMin]! || v !== v) st[g + oMin] = v;
    if (v > st[g + oMax]! || v !== v) st[g + oMax] = v;
    v = values[i + 1]!;
    g = gids[i + 1]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += v;
    if (v < st[g + oMin]! || v !== v) st[g + oMin] = v;
    if (v > st[g + oMax]! || v !== v) st[g + oMax] = v;
    v = values[i + 2]!;
    g = gids[i + 2]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += v;
    if (v < st[g + oMin]! || v !== v) st[g + oMin] = v;
    if (v > st[g + oMax]! || v !== v) st[g + oMax] = v;
    v = values[i + 3]!;
    g = gids[i + 3]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += v;
    if (v < st[g + oMin]! || v !== v) st[g + oMin] = v;
    if (v > st[g + oMax]! || v !== v) st[g + oMax] = v;
  }
  for (; i < end; i++) {
    const v = values[i]!;
    const g = gids[i]! * stride;
    st[g + oRows]!++;
    st[g + oSum]! += v;
    if (v < st[g + oMin]! || v !== v) st[g + oMin] = v;
    if (v > st[g + oMax]! || v !== v) st[g + oMax] = v;
  }
}

function checkGrouped(values: Float64Array, gids: Int32Array, state: Float64Array, stride: number, slots: readonly number[]): void {
  if (gids.length !== values.length) throw new RangeError(`gids must have ${values.length} elements, one per value (got ${gids.length})`);
  if (!(stride > 0) || slots.some((s) => !(s < stride))) throw new RangeError(`slots must be offsets below stride (${stride}), stride > 0`);
  const groups = Math.floor(state.length / stride);
  for (let i = 0; i < gids.length; i++) {
    const g = gids[i]!;
    if (g < 0 || g >= groups) throw new RangeError(`gids[${i}] (${g}) must be a group of the state (0..${groups})`);
  }
}

/** {@link statsF64} over every row, with the argument checks of the native kernel. */
export function groupedStatsF64(values: Float64Array, gids: Int32Array, state: Float64Array, stride: number, rowsSlot: number, sumSlot: number, minSlot: number, maxSlot: number): void {
  checkGrouped(values, gids, state, stride, [Math.max(rowsSlot, 0), sumSlot, minSlot, maxSlot]);
  statsF64(values, gids, 0, values.length, state, stride, rowsSlot, sumSlot, minSlot, maxSlot);
}

/** Rows per block of the fused kernel: the block's selection is a reused scratch array. */
const BLOCK = 4096;
const blockSelection = new Uint32Array(BLOCK);

/**
 * The fused filter + group-by: {@link groupedStatsF64} over only the valid rows where
 * `values[i] op threshold` holds, block by block (a branch-free selection of the block, then the
 * scatter of its rows), without materialising the filtered column.
 */
export function filterGroupedStatsF64(
  values: Float64Array,
  validity: Uint8Array | null,
  gids: Int32Array,
  op: CompareOp,
  threshold: number,
  state: Float64Array,
  stride: number,
  rowsSlot: number,
  sumSlot: number,
  minSlot: number,
  maxSlot: number,
): void {
  checkGrouped(values, gids, state, stride, [Math.max(rowsSlot, 0), sumSlot, minSlot, maxSlot]);
  const n = values.length;
  if (validity !== null && validity.length < (n + 7) >>> 3) throw new RangeError(`validity must have at least ${(n + 7) >>> 3} bytes for ${n} rows (got ${validity.length})`);
  const st = state;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    const bits = validity === null ? null : validity.subarray(start >>> 3, (end + 7) >>> 3);
    const count = compareNumbers(values.subarray(start, end), bits, op, threshold, blockSelection);
    for (let j = 0; j < count; j++) {
      const i = start + blockSelection[j]!;
      const v = values[i]!;
      const g = gids[i]! * stride;
      if (rowsSlot >= 0) st[g + rowsSlot]!++;
      st[g + sumSlot]! += v;
      if (v < st[g + minSlot]! || v !== v) st[g + minSlot] = v;
      if (v > st[g + maxSlot]! || v !== v) st[g + maxSlot] = v;
    }
  }
}
