/**
 * The native path of the csv source: the Rust parser fills typed arrays allocated here, one call
 * per window of the file (never per row), so a batch's columns are JS-owned memory that can be
 * transferred to a worker thread; only the utf8 dictionaries are copied once, at the end of a
 * batch, when their size is known. The TypeScript path (tokenizer.ts + columns.ts) is its twin:
 * same columns, same errors.
 */
import { allValid } from '../../../batch/bitmap.js';
import type { Column } from '../../../batch/column.js';
import type { DataType } from '../../../batch/schema.js';
import type { NativeCsvParser, NativeCsvParserClass, NativeCsvResult } from '../../../kernels/parse-csv.js';
import type { CsvInput } from './input.js';

type Values = Int32Array | BigInt64Array | Float64Array | Uint8Array;

function allocate(type: DataType, rows: number): Values {
  switch (type) {
    case 'int32':
    case 'utf8':
      return new Int32Array(rows);
    case 'int64':
    case 'timestamp':
      return new BigInt64Array(rows);
    case 'float64':
      return new Float64Array(rows);
    case 'bool':
      return new Uint8Array(rows);
  }
}

/** The columns of one batch under construction, and the parser that fills them. */
export class NativeCsvColumns {
  private readonly parser: NativeCsvParser;
  private values: Values[] = [];
  private validity: Uint8Array[] = [];
  capacity = 0;

  constructor(
    Parser: NativeCsvParserClass,
    private readonly types: readonly DataType[],
    delimiter: number,
  ) {
    this.parser = new Parser(types.join(','), delimiter);
  }

  /** Makes room for `rows` rows, keeping the first `kept`. */
  reserve(rows: number, kept: number): void {
    if (rows <= this.capacity) return;
    this.values = this.types.map((type, c) => {
      const grown = allocate(type, rows);
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

  /**
   * Parses whole records of the input's window `buf[pos, stop)` into rows [at, at + maxRows);
   * advances the window. `eof`: the file ends at `stop`.
   */
  read(input: CsvInput, at: number, maxRows: number, stop: number, eof: boolean): NativeCsvResult {
    const result = this.parser.parse(input.buf, input.pos, stop, eof, input.cursor.line, this.values, this.validity, at, maxRows);
    input.pos = result.end;
    input.cursor.line = result.line;
    return result;
  }

  /** The columns of the first `rows` rows; the next batch starts empty. */
  finish(rows: number): Column[] {
    const columns = this.types.map((type, c): Column => {
      const full = this.values[c]!;
      const values = full.length === rows ? full : full.slice(0, rows);
      const validity = fittedValidity(this.validity[c]!, rows);
      switch (type) {
        case 'utf8': {
          const [entries, size] = this.parser.dictionarySize(c);
          const offsets = new Int32Array(entries + 1);
          const bytes = new Uint8Array(size);
          this.parser.copyDictionary(c, offsets, bytes);
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
    this.parser.clearDictionaries();
    this.values = [];
    this.validity = [];
    this.capacity = 0;
    return columns;
  }
}

/** null when no row of [0, rows) is null, else the bitmap cut to `rows` with the bits past it cleared. */
function fittedValidity(bitmap: Uint8Array, rows: number): Uint8Array | null {
  const bytes = (rows + 7) >>> 3;
  const whole = rows >>> 3;
  let allSet = true;
  for (let i = 0; i < whole; i++) {
    if (bitmap[i] !== 0xff) {
      allSet = false;
      break;
    }
  }
  const tail = (1 << (rows & 7)) - 1;
  if (allSet && (rows & 7) !== 0 && (bitmap[whole]! & tail) !== tail) allSet = false;
  if (allSet) return null;
  const out = bitmap.length === bytes ? bitmap : bitmap.slice(0, bytes);
  if (rows & 7) out[bytes - 1]! &= tail;
  return out;
}
