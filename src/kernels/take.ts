/**
 * TypeScript twins of the take (compaction) kernels: copy the rows named by a selection into a
 * caller-allocated output, so that the output can be transferred to a worker like any JS buffer.
 */

function check(rows: number, indices: Uint32Array, room: number): void {
  if (room < indices.length) throw new RangeError(`out must have at least ${indices.length} elements (got ${room})`);
  for (let j = 0; j < indices.length; j++) {
    if (indices[j]! >= rows) throw new RangeError(`indices[${j}] (${indices[j]}) must be less than the ${rows} rows of values`);
  }
}

/**
 * `out[j] = values[indices[j]]` for every j; every index is checked before anything is written.
 * One function per element type, so that each loop stays monomorphic in V8.
 */
export function takeF64(values: Float64Array, indices: Uint32Array, out: Float64Array): void {
  check(values.length, indices, out.length);
  const n = indices.length;
  for (let j = 0; j < n; j++) out[j] = values[indices[j]!]!;
}

export function takeI32(values: Int32Array, indices: Uint32Array, out: Int32Array): void {
  check(values.length, indices, out.length);
  const n = indices.length;
  for (let j = 0; j < n; j++) out[j] = values[indices[j]!]!;
}

export function takeI64(values: BigInt64Array, indices: Uint32Array, out: BigInt64Array): void {
  check(values.length, indices, out.length);
  const n = indices.length;
  for (let j = 0; j < n; j++) out[j] = values[indices[j]!]!;
}

/** The validity bits of rows `indices` of a `rows`-row bitmap, into `out`; returns the number of null rows taken. */
export function takeValidity(validity: Uint8Array, rows: number, indices: Uint32Array, out: Uint8Array): number {
  if (validity.length < (rows + 7) >>> 3) throw new RangeError(`validity must have at least ${(rows + 7) >>> 3} bytes for ${rows} rows (got ${validity.length})`);
  const needed = (indices.length + 7) >>> 3;
  if (out.length < needed) throw new RangeError(`out must have at least ${needed} elements (got ${out.length})`);
  check(rows, indices, out.length * 8);
  out.fill(0, 0, needed);
  let valid = 0;
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    const bit = (validity[i >>> 3]! >>> (i & 7)) & 1;
    out[j >>> 3]! |= bit << (j & 7);
    valid += bit;
  }
  return indices.length - valid;
}
