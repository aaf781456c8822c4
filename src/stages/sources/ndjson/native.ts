/**
 * The native path of the ndjson source: the file's bytes are cut into windows of whole lines
 * exactly as LineSplitter cuts them (so both readers see the same lines with the same numbers,
 * and an invalid UTF-8 byte is reported at the same moment), and the Rust parser fills typed
 * arrays allocated here, one call per window (never per row). A batch's columns are JS-owned
 * memory that can be transferred to a worker thread; only the utf8 dictionaries are copied once,
 * at the end of a batch. The TypeScript path (lines.ts + rows.ts) is its twin: same columns, same
 * errors.
 */
import { allValid, bitmapBytes } from '../../../batch/bitmap.js';
import type { Column } from '../../../batch/column.js';
import { RecordBatch } from '../../../batch/record-batch.js';
import type { DataType, Schema } from '../../../batch/schema.js';
import type { NativeNdjsonParser, NativeNdjsonParserClass } from '../../../kernels/parse-ndjson.js';
import { DataError } from '../../../runtime/errors.js';
import type { SchemaOrigin } from './rows.js';

type Values = Int32Array | BigInt64Array | Float64Array | Uint8Array;

const NEWLINE = 10;
const EMPTY = new Uint8Array(0);
/** Rows a batch's columns are first sized for (they grow up to the batch size). */
const INITIAL_BATCH_ROWS = 65_536;

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

/** Reads one NDJSON stream with the native parser: push chunks, take full batches. */
export class NativeNdjsonReader {
  private readonly parser: NativeNdjsonParser;
  private readonly types: readonly DataType[];
  // The window: complete lines not yet parsed are buf[pos, end).
  private buf: Uint8Array = EMPTY;
  private pos = 0;
  private end = 0;
  /** Lines that follow the window, read once it is done. */
  private after: Uint8Array = EMPTY;
  /** The line number of the next line parsed. */
  private line = 1;
  private carry: Uint8Array[] = [];
  private carryBytes = 0;
  private atFileStart: boolean;
  // The batch under construction.
  private values: Values[] = [];
  private validity: Uint8Array[] = [];
  private capacity = 0;
  private rows = 0;

  constructor(
    Parser: NativeNdjsonParserClass,
    private readonly schema: Schema,
    private readonly file: string,
    origin: SchemaOrigin,
    private readonly batchSize: number,
    /** Where the bytes pushed begin (as LineSplitter's `start`). */
    start: { line: number; atFileStart: boolean } = { line: 1, atFileStart: true },
  ) {
    this.line = start.line;
    this.atFileStart = start.atFileStart;
    this.types = schema.fields.map((field) => field.type);
    this.parser = new Parser(schema.names.slice(), this.types.join(','), origin.declared, origin.sampleLines ?? null);
  }

  /** True while whole lines are waiting for {@link batches}. */
  get pending(): boolean {
    return this.pos < this.end || this.after.length > 0;
  }

  /** Takes the next chunk of the file (LineSplitter.push on bytes). Call when nothing is pending. */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.atFileStart && this.carryBytes + bytes.length > 0) {
      if (this.carryBytes + bytes.length < 3) {
        this.hold(bytes);
        return;
      }
      bytes = this.takeCarry(bytes);
      this.atFileStart = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.hold(bytes);
      return;
    }
    if (this.carryBytes === 0) this.setWindow(bytes.subarray(0, last + 1), EMPTY);
    else {
      // Only the line the carry starts is joined (copied); the chunk's other lines are read in place.
      const first = bytes.indexOf(NEWLINE);
      this.setWindow(this.takeCarry(bytes.subarray(0, first + 1)), bytes.subarray(first + 1, last + 1));
    }
    if (last + 1 < bytes.length) this.hold(bytes.subarray(last + 1));
  }

  /** The input has ended: a last line without a newline becomes pending. */
  finish(): void {
    const rest = this.takeCarry(EMPTY);
    if (this.atFileStart && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) this.setWindow(rest.subarray(3), EMPTY);
    else if (rest.length > 0) this.setWindow(rest, EMPTY);
    this.atFileStart = false;
  }

  /** Parses the pending lines, yielding each batch as it fills; the rows left over stay for later. */
  *batches(signal: AbortSignal): Generator<RecordBatch> {
    const batchSize = this.batchSize;
    for (;;) {
      if (this.pos === this.end) {
        if (this.after.length === 0) return;
        this.buf = this.after;
        this.pos = 0;
        this.end = this.after.length;
        this.after = EMPTY;
      }
      if (this.rows === this.capacity) this.reserve(Math.min(batchSize, Math.max(INITIAL_BATCH_ROWS, this.rows * 2)));
      const result = this.parser.parse(this.buf, this.pos, this.end, true, this.line, this.values, this.validity, this.rows, this.capacity - this.rows);
      this.rows += result.rows;
      this.pos = result.end;
      this.line = result.line;
      const error = result.error;
      if (error != null) throw new DataError(this.file, error.line, error.column ?? undefined, error.detail);
      if (this.rows === batchSize) {
        // A window can hold many batches: stop between them too once aborted.
        signal.throwIfAborted();
        yield this.takeBatch();
      }
    }
  }

  /** The line number of the next line (after `finish`: one past the last line). */
  get nextLine(): number {
    return this.line;
  }

  /** Rows parsed since the last batch. */
  get buffered(): number {
    return this.rows;
  }

  /** The rows parsed since the last batch, as one batch; starts a new batch. */
  takeBatch(): RecordBatch {
    const rows = this.rows;
    const columns = this.types.map((type, c): Column => {
      const full = this.values[c] ?? allocate(type, 0);
      const values = full.length === rows ? full : full.slice(0, rows);
      const validity = fittedValidity(this.validity[c] ?? EMPTY, rows);
      switch (type) {
        case 'utf8': {
          const [entries, size] = this.parser.dictionarySize(c);
          // As the TypeScript builder does: an all-null column gets one entry so that every code is in range.
          const offsets = new Int32Array(entries === 0 && rows > 0 ? 2 : entries + 1);
          const bytes = new Uint8Array(size);
          if (entries > 0) this.parser.copyDictionary(c, offsets, bytes);
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
    this.rows = 0;
    return new RecordBatch(this.schema, columns, rows);
  }

  /** Makes room for `capacity` rows, keeping the rows already parsed. */
  private reserve(capacity: number): void {
    const kept = this.rows;
    this.values = this.types.map((type, c) => {
      const grown = allocate(type, capacity);
      if (kept > 0) grown.set(this.values[c]!.subarray(0, kept) as never);
      return grown;
    });
    this.validity = this.types.map((_, c) => {
      const grown = allValid(capacity);
      if (kept > 0) grown.set(this.validity[c]!.subarray(0, (kept + 7) >>> 3));
      return grown;
    });
    this.capacity = capacity;
  }

  /**
   * The next lines to parse: `bytes`, then `after` (the lines that follow, when `bytes` is one
   * line joined from the carry). Both are checked before any line is parsed, as LineSplitter
   * decodes its whole window before handing out lines, so errors come in the same order.
   */
  private setWindow(bytes: Uint8Array, after: Uint8Array): void {
    this.check(bytes, this.line);
    if (after.length > 0) this.check(after, this.line + 1);
    this.buf = bytes;
    this.pos = 0;
    this.end = bytes.length;
    this.after = after;
  }

  private check(bytes: Uint8Array, line: number): void {
    const error = this.parser.checkUtf8(bytes, 0, bytes.length, line);
    if (error !== null) throw new DataError(this.file, error.line, error.column ?? undefined, error.detail);
  }

  private hold(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.carry.push(bytes);
    this.carryBytes += bytes.length;
  }

  /** The carried bytes followed by `bytes`, as one array; empties the carry. */
  private takeCarry(bytes: Uint8Array): Uint8Array {
    if (this.carryBytes === 0) return bytes;
    const joined = new Uint8Array(this.carryBytes + bytes.length);
    let at = 0;
    for (const part of this.carry) {
      joined.set(part, at);
      at += part.length;
    }
    joined.set(bytes, at);
    this.carry = [];
    this.carryBytes = 0;
    return joined;
  }
}

/** null when no row of [0, rows) is null, else the bitmap cut to `rows` with the bits past it cleared. */
function fittedValidity(bitmap: Uint8Array, rows: number): Uint8Array | null {
  const bytes = bitmapBytes(rows);
  const whole = rows >>> 3;
  const tail = (1 << (rows & 7)) - 1;
  let allSet = (rows & 7) === 0 || (bitmap[whole]! & tail) === tail;
  for (let i = 0; allSet && i < whole; i++) allSet = bitmap[i] === 0xff;
  if (allSet) return null;
  const out = bitmap.length === bytes ? bitmap : bitmap.slice(0, bytes);
  if (rows & 7) out[bytes - 1]! &= tail;
  return out;
}
