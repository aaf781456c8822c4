/**
 * TypeScript twin of the native comparison kernel: the best plain TypeScript for the job (one
 * specialised loop per operator, branch-free index writes, no allocation), so that comparing it
 * with the Rust kernel is honest.
 *
 * Semantics (ARCHITECTURE.md): a null row never passes; any comparison with NaN is false except
 * `ne`, which is true; -0 equals 0.
 */

export const COMPARE_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

type Values = ArrayLike<number> & { readonly length: number };

/**
 * Writes into `out` the ascending indices of rows where `values[i] op threshold` holds and
 * returns how many. `out` must have room for `values.length` indices.
 */
export function compareNumbers(values: Values, validity: Uint8Array | null, op: CompareOp, threshold: number, out: Uint32Array): number {
  const n = values.length;
  if (out.length < n) throw new RangeError(`out must have at least ${n} elements (got ${out.length})`);
  if (validity !== null && validity.length < (n + 7) >>> 3) {
    throw new RangeError(`validity must have at least ${(n + 7) >>> 3} bytes for ${n} rows (got ${validity.length})`);
  }
  let k = 0;
  switch (op) {
    case 'gt':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! > threshold); }
      break;
    case 'gte':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! >= threshold); }
      break;
    case 'lt':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! < threshold); }
      break;
    case 'lte':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! <= threshold); }
      break;
    case 'eq':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! === threshold); }
      break;
    case 'ne':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! !== threshold); }
      break;
    default:
      throw new TypeError(`op must be one of ${COMPARE_OPS.join(', ')} (got ${JSON.stringify(op)})`);
  }
  return validity === null ? k : dropNulls(validity, out, k);
}

/**
 * The same comparison over int64/timestamp values. BigInt and Number compare exactly in
 * JavaScript (`90n < 90.5`), so a fractional or huge threshold needs no rounding.
 */
export function compareBigInts(values: BigInt64Array, validity: Uint8Array | null, op: CompareOp, threshold: number, out: Uint32Array): number {
  const n = values.length;
  if (out.length < n) throw new RangeError(`out must have at least ${n} elements (got ${out.length})`);
  let k = 0;
  switch (op) {
    case 'gt':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! > threshold); }
      break;
    case 'gte':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! >= threshold); }
      break;
    case 'lt':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! < threshold); }
      break;
    case 'lte':
      for (let i = 0; i < n; i++) { out[k] = i; k += +(values[i]! <= threshold); }
      break;
    case 'eq':
      // eslint-disable-next-line eqeqeq -- loose equality is the exact BigInt/Number comparison
      for (let i = 0; i < n; i++) { out[k] = i; k += +((values[i]! as bigint | number) == threshold); }
      break;
    case 'ne':
      // eslint-disable-next-line eqeqeq
      for (let i = 0; i < n; i++) { out[k] = i; k += +((values[i]! as bigint | number) != threshold); }
      break;
    default:
      throw new TypeError(`op must be one of ${COMPARE_OPS.join(', ')} (got ${JSON.stringify(op)})`);
  }
  return validity === null ? k : dropNulls(validity, out, k);
}

/** Removes null rows from a selection in place; nulls are rare, so this second pass is cheap. */
function dropNulls(validity: Uint8Array, selection: Uint32Array, count: number): number {
  let k = 0;
  for (let j = 0; j < count; j++) {
    const i = selection[j]!;
    selection[k] = i;
    k += (validity[i >>> 3]! >>> (i & 7)) & 1;
  }
  return k;
}
