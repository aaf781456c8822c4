/**
 * NDJSON lines → column writers → RecordBatches, for a schema fixed before data flows.
 *
 * Values go straight from the line text into one writer per column: no row object, no closure
 * per row. Per column type (documented in ../ndjson.ts):
 * - int64, timestamp: an integer, exactly (digits beyond 2^53 are read as a BigInt, never through a
 *   double); a number written with a fraction or exponent only when it is an integer within ±2^53;
 * - int32: the same, within the int32 range;
 * - float64: any number, or the strings "NaN", "Infinity", "-Infinity";
 * - bool: true or false;
 * - utf8: a string; any other value is kept as its JSON source text (`42`, `true`, `{"a":[1]}`).
 * JSON null and a missing key are null. Anything else is a DataError naming line, column and key.
 */
import { RecordBatch } from '../../../batch/record-batch.js';
import type { DataType, Schema } from '../../../batch/schema.js';
import { BoolWriter, Float64Writer, Int32Writer, Int64Writer, Utf8Writer, type ColumnWriter } from './columns.js';
import { Kind, LineScanner } from './scanner.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

const INT32 = 0;
const INT64 = 1;
const FLOAT64 = 2;
const BOOL = 3;
const UTF8 = 4;
const TIMESTAMP = 5;
const TYPE_CODES: Record<DataType, number> = { int32: INT32, int64: INT64, float64: FLOAT64, bool: BOOL, utf8: UTF8, timestamp: TIMESTAMP };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** How keys outside the schema and wrong-typed values are treated and explained. */
export interface SchemaOrigin {
  /** True when the job declared the schema; false when it was inferred from a sample. */
  readonly declared: boolean;
  /** For an inferred schema: how many non-blank lines the sample held, when known. */
  readonly sampleLines?: number | undefined;
}

export class RowParser {
  readonly scanner: LineScanner;
  private readonly names: readonly string[];
  /** Each name's characters, for matching a key in place; null when the name must be escaped in JSON. */
  private readonly nameCodes: readonly (Uint16Array | null)[];
  private readonly types: Uint8Array;
  private readonly columnOf: Map<string, number>;
  private readonly writers: ColumnWriter[];
  /** `seen[c] === stamp` when column c got a value on the current line. */
  private readonly seen: Float64Array;
  private stamp = 0;
  /** Rows in the current batch. */
  rows = 0;

  constructor(
    readonly schema: Schema,
    file: string,
    private readonly origin: SchemaOrigin,
    batchSize: number,
  ) {
    this.scanner = new LineScanner(file);
    this.names = schema.names;
    this.nameCodes = this.names.map((name) => {
      const codes = Uint16Array.from({ length: name.length }, (_, i) => name.charCodeAt(i));
      return codes.length > 0 && codes.every((c) => c >= 32 && c !== QUOTE && c !== BACKSLASH) ? codes : null;
    });
    this.types = Uint8Array.from(schema.fields, (f) => TYPE_CODES[f.type]);
    this.columnOf = new Map(this.names.map((name, i) => [name, i]));
    this.seen = new Float64Array(this.names.length).fill(-1);
    this.writers = schema.fields.map((f): ColumnWriter => {
      switch (f.type) {
        case 'float64':
          return new Float64Writer(batchSize);
        case 'int32':
          return new Int32Writer(batchSize);
        case 'int64':
        case 'timestamp':
          return new Int64Writer(f.type, batchSize);
        case 'bool':
          return new BoolWriter(batchSize);
        case 'utf8':
          return new Utf8Writer(batchSize);
      }
    });
  }

  /** The rows parsed since the last call, as one batch; starts a new batch. */
  takeBatch(): RecordBatch {
    const rows = this.rows;
    const batch = new RecordBatch(this.schema, this.writers.map((w) => w.finish(rows)), rows);
    this.rows = 0;
    return batch;
  }

  /**
   * Parses line `line` of the file, `[start, end)` of `text`, into one row; a blank line
   * (whitespace only) adds none. Returns whether a row was added.
   *
   * The hot path keeps its position in a local and handles the common shapes inline (keys in
   * schema order, plain numbers); everything else goes through the scanner, which also writes
   * every error message.
   */
  parseLine(text: string, start: number, end: number, line: number): boolean {
    let pos = start;
    let c = text.charCodeAt(pos);
    while (c === 32 || c === 9 || c === 13) c = text.charCodeAt(++pos);
    if (pos >= end) return false;
    const s = this.scanner;
    s.setLine(text, start, end, line);
    s.pos = pos;
    if (c !== OPEN_BRACE) notAnObject(s);
    const row = this.rows;
    const stamp = ++this.stamp;
    const count = this.names.length;
    const nameCodes = this.nameCodes;
    const seen = this.seen;
    let expected = 0;
    let filled = 0;
    c = text.charCodeAt(++pos);
    while (c === 32 || c === 9 || c === 13) c = text.charCodeAt(++pos);
    if (c === CLOSE_BRACE) pos++;
    else {
      for (;;) {
        while (c === 32 || c === 9 || c === 13) c = text.charCodeAt(++pos);
        const keyStart = pos;
        if (c !== QUOTE || pos >= end) {
          s.pos = pos;
          s.fail(`expected a double-quoted key, found ${s.found()}`);
        }
        // Keys usually come in the schema's order: try the column after the last one first.
        let column = -1;
        const codes = expected < count ? nameCodes[expected] : null;
        if (codes) {
          const n = codes.length;
          let k = 0;
          while (k < n && text.charCodeAt(pos + 1 + k) === codes[k]) k++;
          if (k === n && text.charCodeAt(pos + 1 + n) === QUOTE) {
            column = expected;
            pos += n + 2;
          }
        }
        if (column < 0) {
          s.pos = pos;
          const key = s.readString();
          pos = s.pos;
          column = this.columnOf.get(key) ?? -1;
          if (column < 0 && !this.origin.declared) this.unknownKey(key, keyStart);
        }
        c = text.charCodeAt(pos);
        while (c === 32 || c === 9 || c === 13) c = text.charCodeAt(++pos);
        if (c !== COLON || pos >= end) {
          s.pos = pos;
          s.fail(`expected ':' after a key, found ${s.found()}`);
        }
        c = text.charCodeAt(++pos);
        while (c === 32 || c === 9 || c === 13) c = text.charCodeAt(++pos);
        s.pos = pos;
        if (column < 0) s.skipValue();
        else {
          if (seen[column] === stamp) s.fail(`duplicate key ${JSON.stringify(this.names[column])}`, keyStart);
          seen[column] = stamp;
          filled++;
          this.value(column, row);
          expected = column + 1;
        }
        pos = s.pos;
        c = text.charCodeAt(pos);
        while (c === 32 || c === 9 || c === 13) c = text.charCodeAt(++pos);
        if (c === COMMA && pos < end) c = text.charCodeAt(++pos);
        else if (c === CLOSE_BRACE && pos < end) {
          pos++;
          break;
        } else {
          s.pos = pos;
          s.fail(`expected ',' or '}' after a value, found ${s.found()}`);
        }
      }
    }
    s.pos = pos;
    if (!s.atLineEnd()) s.fail(`unexpected ${s.found()} after the object (one object per line)`);
    if (filled !== count) {
      const writers = this.writers;
      for (let i = 0; i < count; i++) if (seen[i] !== stamp) writers[i]!.setNull(row);
    }
    this.rows = row + 1;
    return true;
  }

  /** Reads the value at the scanner into column `column`, row `row`. */
  private value(column: number, row: number): void {
    const s = this.scanner;
    const text = s.text;
    const start = s.pos;
    const c = text.charCodeAt(start);
    const writer = this.writers[column]!;
    if (c === 110) {
      s.literal('null');
      writer.setNull(row);
      return;
    }
    const isNumber = c === MINUS || (c >= ZERO && c <= NINE);
    switch (this.types[column]) {
      case FLOAT64: {
        if (isNumber) {
          const fast = plainNumber(text, start);
          if (fast === fast) {
            (writer as Float64Writer).set(row, fast);
            s.pos = plainEnd;
            return;
          }
          s.scanNumber();
          (writer as Float64Writer).set(row, s.numberValue());
          s.pos = s.numEnd;
        } else if (c === QUOTE) {
          const value = s.readString();
          const special = value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : undefined;
          if (special === undefined) this.wrongType(column, start, 'a number (or "NaN", "Infinity", "-Infinity")');
          (writer as Float64Writer).set(row, special);
        } else this.wrongType(column, start, 'a number');
        return;
      }
      case INT64:
      case TIMESTAMP: {
        if (!isNumber) this.wrongType(column, start, this.types[column] === INT64 ? 'an integer' : 'an integer (epoch milliseconds)');
        const plain = plainNumber(text, start);
        if (plain === plain && plainInteger) {
          (writer as Int64Writer).setSafe(row, plain);
          s.pos = plainEnd;
          return;
        }
        s.scanNumber();
        const fast = s.numFast;
        if (s.numIsInteger && fast === fast) (writer as Int64Writer).setSafe(row, fast);
        else (writer as Int64Writer).setBig(row, this.int64Here(column));
        s.pos = s.numEnd;
        return;
      }
      case INT32: {
        if (!isNumber) this.wrongType(column, start, 'an integer');
        s.scanNumber();
        const value = s.numberValue();
        if (!Number.isInteger(value) || (!s.numIsInteger && !Number.isSafeInteger(value))) this.notInteger(column, start);
        if (value < -0x8000_0000 || value > 0x7fff_ffff) this.outOfRange(column, start, 'int32');
        (writer as Int32Writer).set(row, value | 0);
        s.pos = s.numEnd;
        return;
      }
      case BOOL: {
        if (c !== 116 && c !== 102) this.wrongType(column, start, 'true or false');
        (writer as BoolWriter).set(row, s.readBool());
        return;
      }
      case UTF8: {
        if (c === QUOTE) (writer as Utf8Writer).set(row, s.readString());
        else {
          // Not a string: kept as its JSON text, exactly as written.
          s.skipValue();
          (writer as Utf8Writer).set(row, text.slice(start, s.pos));
        }
        return;
      }
    }
  }

  /** The number just scanned (at `s.pos`) as an exact int64. */
  private int64Here(column: number): bigint {
    const s = this.scanner;
    const fast = s.numFast;
    if (s.numIsInteger) {
      if (fast === fast) return BigInt(fast);
      const value = BigInt(s.text.slice(s.pos, s.numEnd));
      if (value < INT64_MIN || value > INT64_MAX) this.outOfRange(column, s.pos, 'int64');
      return value;
    }
    // 12.0 or 1.2e3: accepted when it is an integer a double holds exactly.
    const value = s.numberValue();
    if (!Number.isSafeInteger(value)) this.notInteger(column, s.pos);
    return BigInt(value);
  }

  private unknownKey(key: string, at: number): never {
    return this.scanner.fail(
      `key ${JSON.stringify(key)} is not in the schema, which was inferred from ${this.sample()} (columns: ${this.names.join(', ')}); ` +
        'declare `schema` in the source options to read it, or to ignore keys you do not list',
      at,
    );
  }

  private wrongType(column: number, at: number, expected: string): never {
    const s = this.scanner;
    const type = this.schema.fields[column]!.type;
    return s.fail(`key ${JSON.stringify(this.names[column])}: expected ${expected} for ${article(type)} ${type} column, found ${s.describeValue(at)}; ${this.hint(column)}`, at);
  }

  private notInteger(column: number, at: number): never {
    const s = this.scanner;
    const type = this.schema.fields[column]!.type;
    return s.fail(`key ${JSON.stringify(this.names[column])}: expected an integer for ${article(type)} ${type} column, found ${s.describeValue(at)}; ${this.hint(column)}`, at);
  }

  private outOfRange(column: number, at: number, type: string): never {
    const s = this.scanner;
    s.pos = at;
    s.scanNumber();
    const digits = s.text.slice(at, s.numEnd);
    return s.fail(`key ${JSON.stringify(this.names[column])}: ${digits} is outside the ${type} range; ${this.hint(column)}`, at);
  }

  private hint(column: number): string {
    const field = this.schema.fields[column]!;
    if (this.origin.declared) return `the declared schema says ${field.name}: ${field.type}`;
    return `the schema was inferred from ${this.sample()}; declare \`schema\` in the source options to choose the column types`;
  }

  private sample(): string {
    const n = this.origin.sampleLines;
    return n === undefined ? 'a sample at the start of the file' : `the first ${n} non-blank line${n === 1 ? '' : 's'}`;
  }
}

function article(type: string): string {
  return type.startsWith('int') ? 'an' : 'a';
}

/** Exact powers of ten as doubles. */
const POW10 = Array.from({ length: 16 }, (_, i) => Number(`1e${i}`));

// Results of plainNumber() beside its return value (module state: no object per call).
let plainEnd = 0;
let plainInteger = false;

/**
 * The common number shapes, read inline: `-?[1-9][0-9]*` or `0`, an optional fraction, no
 * exponent, at most 15 significant digits, ending at a character that cannot continue a number.
 * Returns the exact (correctly rounded) value and sets `plainEnd` and `plainInteger`; returns NaN
 * for anything else, which the full scanner then reads (and reports if invalid).
 */
function plainNumber(text: string, start: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === MINUS;
  if (negative) c = text.charCodeAt(++i);
  let mantissa = 0;
  let digits = 0;
  if (c === ZERO) c = text.charCodeAt(++i);
  else if (c > ZERO && c <= NINE) {
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      c = text.charCodeAt(++i);
    } while (c >= ZERO && c <= NINE);
  } else return NaN;
  let fraction = 0;
  if (c === 46) {
    c = text.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) return NaN;
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) digits++;
      fraction++;
      c = text.charCodeAt(++i);
    } while (c >= ZERO && c <= NINE);
  }
  // A digit here is a leading zero (`01`); e/E an exponent: both for the full scanner.
  if (digits > 15 || fraction > 15 || c === 101 || c === 69 || (c >= ZERO && c <= NINE)) return NaN;
  plainEnd = i;
  plainInteger = fraction === 0;
  const magnitude = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  return negative ? -magnitude : magnitude;
}

/** The line does not start with `{`: say what it is instead. */
export function notAnObject(s: LineScanner): never {
  const start = s.pos;
  const kind = s.kindHere();
  s.skipValue();
  const what = kind === Kind.array ? 'an array' : kind === Kind.string ? 'a string' : kind === Kind.number ? 'a number' : kind === Kind.bool ? 'a boolean' : 'null';
  return s.fail(`expected a JSON object on each line, found ${what}`, start);
}
