/**
 * Columns: one typed array per field, plus a validity bitmap (null = no nulls).
 *
 * A column is plain data (a discriminated union on `layout`), so it survives structured clone and
 * transfer to worker threads unchanged. `utf8` fields are held either as offsets + UTF-8 bytes or
 * as dictionary codes into a small utf8 column, the usual layout for repeated strings.
 */
import { isValid, sliceBitmap, takeBitmap } from './bitmap.js';
import type { DataType } from './schema.js';

export interface Int32Column { readonly layout: 'int32'; readonly values: Int32Array; readonly validity: Uint8Array | null }
export interface Float64Column { readonly layout: 'float64'; readonly values: Float64Array; readonly validity: Uint8Array | null }
export interface Int64Column { readonly layout: 'int64'; readonly values: BigInt64Array; readonly validity: Uint8Array | null }
/** Epoch milliseconds, stored as int64 like Arrow's timestamp[ms]. */
export interface TimestampColumn { readonly layout: 'timestamp'; readonly values: BigInt64Array; readonly validity: Uint8Array | null }
/** One byte per value (0 or 1): a departure from Arrow's bit-packed booleans, for simpler kernels. */
export interface BoolColumn { readonly layout: 'bool'; readonly values: Uint8Array; readonly validity: Uint8Array | null }
/** Value i is `bytes[offsets[i] .. offsets[i + 1])`; offsets need not start at 0 (slices share bytes). */
export interface Utf8Column { readonly layout: 'utf8'; readonly offsets: Int32Array; readonly bytes: Uint8Array; readonly validity: Uint8Array | null }
/** Value i is `dictionary[codes[i]]`; the dictionary itself has no nulls. */
export interface DictionaryColumn { readonly layout: 'dictionary'; readonly codes: Int32Array; readonly dictionary: Utf8Column; readonly validity: Uint8Array | null }

export type Column = Int32Column | Float64Column | Int64Column | TimestampColumn | BoolColumn | Utf8Column | DictionaryColumn;
export type Layout = Column['layout'];

export function logicalType(column: Column): DataType {
  return column.layout === 'dictionary' ? 'utf8' : column.layout;
}

export function columnLength(column: Column): number {
  switch (column.layout) {
    case 'utf8':
      return column.offsets.length - 1;
    case 'dictionary':
      return column.codes.length;
    default:
      return column.values.length;
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const decodedDictionaries = new WeakMap<Utf8Column, string[]>();

export function utf8At(column: Utf8Column, index: number): string {
  return utf8Decoder.decode(column.bytes.subarray(column.offsets[index]!, column.offsets[index + 1]!));
}

/** Every value of a (small) utf8 column decoded once and cached: dictionaries are read many times. */
export function dictionaryStrings(dictionary: Utf8Column): string[] {
  let strings = decodedDictionaries.get(dictionary);
  if (strings === undefined) {
    const length = dictionary.offsets.length - 1;
    strings = new Array<string>(length);
    for (let i = 0; i < length; i++) strings[i] = utf8At(dictionary, i);
    decodedDictionaries.set(dictionary, strings);
  }
  return strings;
}

export type Value = number | bigint | boolean | string | null;

/** The value of row `index` as a JavaScript value (timestamps as numbers). For the edges only. */
export function valueAt(column: Column, index: number): Value {
  if (!isValid(column.validity, index)) return null;
  switch (column.layout) {
    case 'int32':
    case 'float64':
    case 'int64':
      return column.values[index]!;
    case 'timestamp':
      return Number(column.values[index]!);
    case 'bool':
      return column.values[index] !== 0;
    case 'utf8':
      return utf8At(column, index);
    case 'dictionary':
      return dictionaryStrings(column.dictionary)[column.codes[index]!]!;
  }
}

/** Rows [start, end): shares every data buffer with the original. */
export function sliceColumn(column: Column, start: number, end: number): Column {
  const validity = sliceBitmap(column.validity, start, end - start);
  switch (column.layout) {
    case 'utf8':
      return { layout: 'utf8', offsets: column.offsets.subarray(start, end + 1), bytes: column.bytes, validity };
    case 'dictionary':
      return { layout: 'dictionary', codes: column.codes.subarray(start, end), dictionary: column.dictionary, validity };
    case 'int32':
      return { layout: column.layout, values: column.values.subarray(start, end), validity };
    case 'float64':
      return { layout: column.layout, values: column.values.subarray(start, end), validity };
    case 'int64':
    case 'timestamp':
      return { layout: column.layout, values: column.values.subarray(start, end), validity };
    case 'bool':
      return { layout: column.layout, values: column.values.subarray(start, end), validity };
  }
}

// One gather per element type rather than one generic over `values.constructor`: a shared one
// saw every typed-array class at its `new` and its loads, and V8 threw its optimised code away
// again and again (10–12 recompiles per fresh CSV Q2 run, on the helper threads the workers share
// with V8 on `threads: 2`).
function takeInt32(values: Int32Array, indices: ArrayLike<number>, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = values[indices[i]!]!;
  return out;
}

function takeFloat64(values: Float64Array, indices: ArrayLike<number>, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = values[indices[i]!]!;
  return out;
}

function takeBigInt64(values: BigInt64Array, indices: ArrayLike<number>, count: number): BigInt64Array {
  const out = new BigInt64Array(count);
  for (let i = 0; i < count; i++) out[i] = values[indices[i]!]!;
  return out;
}

function takeUint8(values: Uint8Array, indices: ArrayLike<number>, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = values[indices[i]!]!;
  return out;
}

/** The rows at `indices[0..count)`, in that order, into new buffers. */
export function takeColumn(column: Column, indices: ArrayLike<number>, count: number): Column {
  const validity = takeBitmap(column.validity, indices, count);
  switch (column.layout) {
    case 'int32':
      return { layout: 'int32', values: takeInt32(column.values, indices, count), validity };
    case 'float64':
      return { layout: 'float64', values: takeFloat64(column.values, indices, count), validity };
    case 'int64':
    case 'timestamp':
      return { layout: column.layout, values: takeBigInt64(column.values, indices, count), validity };
    case 'bool':
      return { layout: 'bool', values: takeUint8(column.values, indices, count), validity };
    case 'dictionary':
      return { layout: 'dictionary', codes: takeInt32(column.codes, indices, count), dictionary: column.dictionary, validity };
    case 'utf8': {
      const offsets = new Int32Array(count + 1);
      let size = 0;
      for (let i = 0; i < count; i++) {
        const j = indices[i]!;
        size += column.offsets[j + 1]! - column.offsets[j]!;
        offsets[i + 1] = size;
      }
      const bytes = new Uint8Array(size);
      for (let i = 0; i < count; i++) {
        const j = indices[i]!;
        bytes.set(column.bytes.subarray(column.offsets[j]!, column.offsets[j + 1]!), offsets[i]!);
      }
      return { layout: 'utf8', offsets, bytes, validity };
    }
  }
}

/** Build a plain utf8 column from strings (null allowed). */
export function utf8FromStrings(values: ReadonlyArray<string | null>): Utf8Column {
  const encoded = values.map((v) => (v === null ? null : utf8Encoder.encode(v)));
  const offsets = new Int32Array(values.length + 1);
  let size = 0;
  encoded.forEach((bytes, i) => {
    size += bytes?.length ?? 0;
    offsets[i + 1] = size;
  });
  const bytes = new Uint8Array(size);
  encoded.forEach((b, i) => b && bytes.set(b, offsets[i]!));
  const hasNull = encoded.includes(null);
  const validity = hasNull ? bitmapOf(values.map((v) => v !== null)) : null;
  return { layout: 'utf8', offsets, bytes, validity };
}

function bitmapOf(valid: readonly boolean[]): Uint8Array {
  const bitmap = new Uint8Array((valid.length + 7) >>> 3);
  valid.forEach((v, i) => {
    if (v) bitmap[i >>> 3]! |= 1 << (i & 7);
  });
  return bitmap;
}

/** Every buffer a column owns or views, for transfer lists and size accounting. */
export function columnBuffers(column: Column): ArrayBufferView[] {
  const views: ArrayBufferView[] = [];
  if (column.validity) views.push(column.validity);
  switch (column.layout) {
    case 'utf8':
      views.push(column.offsets, column.bytes);
      break;
    case 'dictionary':
      views.push(column.codes, ...columnBuffers(column.dictionary));
      break;
    default:
      views.push(column.values);
  }
  return views;
}
