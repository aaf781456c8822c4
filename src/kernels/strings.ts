/**
 * TypeScript twins of the utf8 comparison kernels: `eq`/`ne` of a utf8 column (offsets + bytes,
 * or dictionary codes) against a string, on bytes (UTF-8 equality is byte equality), so no string
 * is decoded per row. A dictionary entry is compared once; each row then costs one table lookup.
 */
import type { CompareOp } from './compare.js';

const encoder = new TextEncoder();

function eqOrNe(op: CompareOp): boolean {
  if (op === 'eq') return true;
  if (op === 'ne') return false;
  throw new TypeError(`op must be eq or ne for a utf8 column (got ${JSON.stringify(op)})`);
}

function checkOut(rows: number, out: Uint32Array, validity: Uint8Array | null): void {
  if (out.length < rows) throw new RangeError(`out must have at least ${rows} elements (got ${out.length})`);
  if (validity !== null && validity.length < (rows + 7) >>> 3) {
    throw new RangeError(`validity must have at least ${(rows + 7) >>> 3} bytes for ${rows} rows (got ${validity.length})`);
  }
}

/** 1 where value i (bytes[offsets[i]..offsets[i+1]]) equals `needle` (`eq`) or differs (`ne`). */
function matchFlags(offsets: Int32Array, bytes: Uint8Array, needle: Uint8Array, eq: boolean, flags: Uint8Array | Uint32Array): void {
  const rows = offsets.length - 1;
  const len = needle.length;
  for (let i = 0; i < rows; i++) {
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    if (start < 0 || end < start || end > bytes.length) {
      throw new TypeError(`offsets of row ${i} (${start}..${end}) must lie within the ${bytes.length} bytes, in order`);
    }
    let same = end - start === len;
    for (let j = 0; same && j < len; j++) same = bytes[start + j] === needle[j];
    flags[i] = +(same === eq);
  }
}

/** Turns 0/1 flags held in `out` into the selection of flagged valid rows, in place. */
function selectFlags(out: Uint32Array, rows: number, validity: Uint8Array | null): number {
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const pass = out[i]! !== 0 && (validity === null || ((validity[i >>> 3]! >>> (i & 7)) & 1) === 1);
    out[k] = i;
    k += +pass;
  }
  return k;
}

/** Selection of the rows of a plain utf8 column whose value is (`eq`) or is not (`ne`) `needle`; nulls never pass. */
export function compareUtf8(offsets: Int32Array, bytes: Uint8Array, validity: Uint8Array | null, op: CompareOp, needle: string, out: Uint32Array): number {
  const eq = eqOrNe(op);
  const rows = Math.max(0, offsets.length - 1);
  checkOut(rows, out, validity);
  if (rows === 0) return 0;
  matchFlags(offsets, bytes, encoder.encode(needle), eq, out);
  return selectFlags(out, rows, validity);
}

/** {@link compareUtf8} for a dictionary column: codes into a null-free utf8 dictionary. */
export function compareDictionary(
  codes: Int32Array,
  dictionaryOffsets: Int32Array,
  dictionaryBytes: Uint8Array,
  validity: Uint8Array | null,
  op: CompareOp,
  needle: string,
  out: Uint32Array,
): number {
  const eq = eqOrNe(op);
  const rows = codes.length;
  checkOut(rows, out, validity);
  const entries = Math.max(0, dictionaryOffsets.length - 1);
  const matches = new Uint8Array(entries);
  if (entries > 0) matchFlags(dictionaryOffsets, dictionaryBytes, encoder.encode(needle), eq, matches);
  for (let i = 0; i < rows; i++) {
    const code = codes[i]!;
    if (code < 0 || code >= entries) throw new RangeError(`codes[${i}] (${code}) must index the dictionary of ${entries} entries`);
  }
  let k = 0;
  if (validity === null) {
    for (let i = 0; i < rows; i++) {
      out[k] = i;
      k += matches[codes[i]!]!;
    }
  } else {
    for (let i = 0; i < rows; i++) {
      out[k] = i;
      k += matches[codes[i]!]! & (validity[i >>> 3]! >>> (i & 7));
    }
  }
  return k;
}
