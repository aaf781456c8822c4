/**
 * The native path of the ndjson source: the file's bytes are cut into windows of whole lines
 * exactly as LineSplitter cuts them (so both readers see the same lines with the same numbers,
 * and an invalid UTF-8 byte is reported at the same moment), and the Rust parser fills typed
 * arrays allocated here, one call per window (never per row). A batch's columns are JS-owned
 * memory that can be transferred to a worker thread; only the utf8 dictionaries are copied once,
 * at the end of a batch. The TypeScript path (lines.ts + rows.ts) is its twin: same columns, same
 * errors.
 */
import { RecordBatch } from '../../../batch/record-batch.js';
import type { Schema } from '../../../batch/schema.js';
import type { NativeNdjsonParser, NativeNdjsonParserClass } from '../../../kernels/parse-ndjson.js';
import { DataError } from '../../../runtime/errors.js';
import { NativeColumns } from '../native-columns.js';
import type { SchemaOrigin } from './rows.js';

const NEWLINE = 10;
const EMPTY = new Uint8Array(0);
/** Rows a batch's columns are first sized for (they grow up to the batch size). */
const INITIAL_BATCH_ROWS = 65_536;

/** Reads one NDJSON stream with the native parser: push chunks, take full batches. */
export class NativeNdjsonReader {
  private readonly parser: NativeNdjsonParser;
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
  private readonly columns: NativeColumns;
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
    const types = schema.fields.map((field) => field.type);
    this.parser = new Parser(schema.names.slice(), types.join(','), origin.declared, origin.sampleLines ?? null);
    this.columns = new NativeColumns(types, this.parser);
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
      const columns = this.columns;
      if (this.rows === columns.capacity) columns.reserve(Math.min(batchSize, Math.max(INITIAL_BATCH_ROWS, this.rows * 2)), this.rows);
      const result = this.parser.parse(this.buf, this.pos, this.end, true, this.line, columns.values, columns.validity, this.rows, columns.capacity - this.rows);
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
    this.rows = 0;
    return new RecordBatch(this.schema, this.columns.finish(rows), rows);
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
