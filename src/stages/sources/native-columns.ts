/**
 * The columns of one batch as the native text parsers (csv and ndjson) fill them: typed arrays
 * allocated here, in JS, so that a finished batch can be transferred to a worker thread (buffers
 * Rust allocates could not be), grown while the batch is built, and handed over without a copy;
 * only the utf8 dictionaries, which the parser holds, are copied once, at the end of the batch.
 *
 * When the parser writes every value slot of each row it reports (nulls as 0: the CSV parser's
 * `writesEveryValue`), the columns are allocated uninitialised: zeroing them (calloc's memset)
 * was ~3% of an in-memory CSV parse (profiles/csv-alloc). Each column keeps an ArrayBuffer of its
 * own, exactly its size, so a batch still crosses to a worker by transfer, not by copy
 * (src/runtime/parallel/transfer.ts copies a view that does not span its whole buffer).
 */
import { allValid, bitmapBytes } from '../../batch/bitmap.js';
import type { Column } from '../../batch/column.js';
import type { DataType } from '../../batch/schema.js';

export type ColumnValues = Int32Array | BigInt64Array | Float64Array | Uint8Array;

/** What a native parser exposes of the dictionaries of its utf8 columns. */
export interface NativeDictionaries {
  /** [entries, bytes] of column `column`'s dictionary. */
  dictionarySize(column: number): [number, number];
  copyDictionary(column: number, offsets: Int32Array, bytes: Uint8Array): void;
  clearDictionaries(): void;
  /** True when each row parsed has every value slot written, nulls included (as 0). */
  readonly writesEveryValue?: boolean;
}

const EMPTY = new Uint8Array(0);

function allocate(type: DataType, rows: number, zeroed: boolean): ColumnValues {
  const buffer = (bytesPerRow: number): ArrayBuffer => (zeroed ? new ArrayBuffer(rows * bytesPerRow) : uninitialised(rows * bytesPerRow));
  switch (type) {
    case 'int32':
    case 'utf8':
      return new Int32Array(buffer(4));
    case 'int64':
    case 'timestamp':
      return new BigInt64Array(buffer(8));
    case 'float64':
      return new Float64Array(buffer(8));
    case 'bool':
      return new Uint8Array(buffer(1));
  }
}

/**
 * An ArrayBuffer of `bytes` whose contents are whatever the allocator held: allocUnsafeSlow's
 * buffer is never from Buffer's shared pool, so it is exactly `bytes` long and transferable.
 */
export function uninitialised(bytes: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
}

export class NativeColumns {
  /** Per column: values (utf8: dictionary codes) and a validity bitmap set to all valid. */
  values: ColumnValues[] = [];
  validity: Uint8Array[] = [];
  capacity = 0;
  /** Whether the columns must start zeroed: the parser may leave a null's slot as it found it. */
  private readonly zeroed: boolean;

  constructor(
    private readonly types: readonly DataType[],
    private readonly dictionaries: NativeDictionaries,
  ) {
    this.zeroed = dictionaries.writesEveryValue !== true;
  }

  /** Makes room for `rows` rows, keeping the first `kept`. */
  reserve(rows: number, kept: number): void {
    if (rows <= this.capacity) return;
    this.values = this.types.map((type, c) => {
      const grown = allocate(type, rows, this.zeroed);
      if (kept > 0) grown.set(this.values[c]!.subarray(0, kept) as never);
      return grown;
    });
    this.validity = this.types.map((_, c) => {
      const grown = allValid(rows);
      if (kept > 0) grown.set(this.validity[c]!.subarray(0, (kept + 7) >>> 3));
      return grown;
    });
    this.capacity = rows;
  }

  /** The columns of the first `rows` rows; the next batch starts empty. */
  finish(rows: number): Column[] {
    const columns = this.types.map((type, c): Column => {
      const full = this.values[c] ?? allocate(type, 0, true);
      const values = full.length === rows ? full : full.slice(0, rows);
      const validity = fittedValidity(this.validity[c] ?? EMPTY, rows);
      switch (type) {
        case 'utf8': {
          const [entries, size] = this.dictionaries.dictionarySize(c);
          // As the batch builder does: an all-null column gets one entry so that every code
          // (0 in a null row) is in range of its dictionary.
          const offsets = new Int32Array(entries === 0 && rows > 0 ? 2 : entries + 1);
          const bytes = new Uint8Array(size);
          if (entries > 0) this.dictionaries.copyDictionary(c, offsets, bytes);
          return { layout: 'dictionary', codes: values as Int32Array, dictionary: { layout: 'utf8', offsets, bytes, validity: null }, validity };
        }
        case 'int32':
          return { layout: 'int32', values: values as Int32Array, validity };
        case 'int64':
        case 'timestamp':
          return { layout: type, values: values as BigInt64Array, validity };
        case 'float64':
          return { layout: 'float64', values: values as Float64Array, validity };
        case 'bool':
          return { layout: 'bool', values: values as Uint8Array, validity };
      }
    });
    this.dictionaries.clearDictionaries();
    this.values = [];
    this.validity = [];
    this.capacity = 0;
    return columns;
  }
}

/** Bytes of 0xff to compare a bitmap's whole bytes with; grown to the largest batch seen. */
let ones = new Uint8Array(0);

/** null when no row of [0, rows) is null, else the bitmap cut to `rows` with the bits past it cleared. */
function fittedValidity(bitmap: Uint8Array, rows: number): Uint8Array | null {
  const bytes = bitmapBytes(rows);
  const whole = rows >>> 3;
  const tail = (1 << (rows & 7)) - 1;
  if (ones.length < whole) ones = new Uint8Array(whole).fill(0xff);
  // One memcmp: a loop over the bytes was ~1% of an in-memory CSV parse (8 KiB per column per batch).
  const allSet = ((rows & 7) === 0 || (bitmap[whole]! & tail) === tail) && Buffer.compare(bitmap.subarray(0, whole), ones.subarray(0, whole)) === 0;
  if (allSet) return null;
  const out = bitmap.length === bytes ? bitmap : bitmap.slice(0, bytes);
  if (rows & 7) out[bytes - 1]! &= tail;
  return out;
}
