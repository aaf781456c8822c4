/**
 * The record loop of the csv source: one driver (`readRecords`) that pulls windows of the file and
 * stops where a split ends, over two interchangeable batch parsers, the TypeScript tokenizer with
 * its column readers and the native (Rust) parser. Both fill a batch of rows and throw the same
 * DataErrors; the driver does not know which one runs.
 */
import { isUtf8 } from 'node:buffer';
import { RecordBatch } from '../../../batch/record-batch.js';
import { Schema, type Field } from '../../../batch/schema.js';
import type { NativeCsvParserClass } from '../../../kernels/parse-csv.js';
import { DataError } from '../../../runtime/errors.js';
import { columnReader, type ColumnReader, type Reason } from './columns.js';
import { CR, LF } from './dialect.js';
import type { CsvInput } from './input.js';
import { NativeCsvColumns } from './native.js';
import { ESCAPED, QUOTED, tokenize, Tokens, type TokenError } from './tokenizer.js';

/** Records tokenized before their fields are converted: a few hundred KiB of positions. */
export const SEGMENT_ROWS = 16_384;
const SEGMENT_FIELDS = 1 << 18;
/** Rows a batch's columns are first sized for (they grow up to the batch size). */
const INITIAL_BATCH_ROWS = 65_536;

/** How a value error is worded: the file as the job names it, and whether a column was declared. */
export interface ErrorWording {
  readonly path: string;
  /** True when the column's type came from `schema:` (the hint about inference is then left out). */
  declared(field: Field): boolean;
  /** Records read to infer types, for the hint. */
  readonly sampleRows: number;
}

/** Fills one batch at a time from whole records of the input's window. */
export interface BatchParser {
  /** Rows of the batch being built. */
  readonly rows: number;
  /** How many rows the next `parse` may add (at least 1, at most the batch size less `rows`). */
  room(): number;
  /**
   * Parses up to `maxRows` whole records of `input.buf[input.pos, stop)` (`eof`: the file ends at
   * `stop`), advancing `input.pos` and its line cursor past them; returns how many it parsed.
   * Throws a DataError for bad data (the records before it are kept).
   */
  parse(input: CsvInput, stop: number, eof: boolean, maxRows: number): number;
  /** The batch of the rows parsed so far; the next batch starts empty. */
  take(): RecordBatch;
}

/** A speculative split gave up: its straddling record ran too far past its range to be trusted. */
export class GuessAbandoned extends Error {
  override name = 'GuessAbandoned';
}

/**
 * Reads the records of `input` from its position into batches of `batchSize` rows: to the end of
 * the file, or, with a `limit` (a file offset), up to the first record boundary at or after it. A
 * record that straddles the limit is read whole: it belongs to the split it starts in. With a
 * limit, the window is cut at it, so the parsers (which never look past the window) stop at the
 * limit by themselves, and the one straddling record is then read alone.
 *
 * A straddling record still open at `straddleLimit` throws GuessAbandoned: from a wrong guess a
 * quote can open that closes only at the end of the file, and the window would hold all of it.
 */
export async function* readRecords(
  input: CsvInput,
  parser: BatchParser,
  width: number,
  batchSize: number,
  limit: number,
  signal: AbortSignal,
  straddleLimit = Infinity,
): AsyncGenerator<RecordBatch> {
  let straddling = false;
  for (;;) {
    signal.throwIfAborted();
    const limitAt: number = input.indexOf(limit);
    if (!straddling && input.pos >= limitAt) break; // a record boundary at or after the limit
    const stop: number = straddling ? input.end : Math.min(input.end, limitAt);
    const eof = input.eof && stop === input.end;
    if (straddling && width > 1 && (input.buf[input.pos] === CR || input.buf[input.pos] === LF)) {
      // The parsers stop before a CR that ends the window (a LF may follow). Here it is an empty
      // line, which a wide file skips: take it alone, or the parser would read on past the limit.
      if (input.pos + 1 === input.end && !input.eof) {
        await input.more();
        continue;
      }
      const b = input.buf;
      input.pos += b[input.pos] === CR && input.pos + 1 < input.end && b[input.pos + 1] === LF ? 2 : 1;
      input.cursor.line++;
      break;
    }
    const room = parser.room();
    const want = straddling ? 1 : room;
    const got = parser.parse(input, stop, eof, want);
    if (parser.rows === batchSize) yield parser.take();
    if (straddling) {
      if (got === 1 || input.eof) break;
      if (input.offsetOf(input.end) > straddleLimit) {
        throw new GuessAbandoned(`the record at byte ${input.offsetOf(input.pos)} runs past byte ${straddleLimit}, too far past its split to follow a guessed start`);
      }
      await input.more();
      continue;
    }
    if (got < want) {
      if (eof) break;
      if (stop === limitAt) {
        straddling = input.pos < stop;
        continue;
      }
      await input.more();
    }
  }
  if (parser.rows > 0) yield parser.take();
}

/** The columns `kept` (indices into the file's `schema`) as the batches' schema. */
function projected(schema: Schema, kept: readonly number[]): Schema {
  return kept.length === schema.fields.length ? schema : new Schema(kept.map((c) => schema.fields[c]!));
}

/**
 * The TypeScript parser: the tokenizer finds every field (so the grammar of the whole record is
 * checked), one column reader per kept column converts its fields; the others are never read.
 */
export class TokenBatchParser implements BatchParser {
  private readonly readers: ColumnReader[];
  private readonly output: Schema;
  private readonly hasText: boolean;
  private readonly segmentRows: number;
  private readonly tokens: Tokens;
  private capacity = 0;
  rows = 0;

  constructor(
    private readonly schema: Schema,
    private readonly kept: readonly number[],
    private readonly delim: number,
    private readonly wording: ErrorWording,
    private readonly batchSize: number,
  ) {
    const width = schema.fields.length;
    this.output = projected(schema, kept);
    this.readers = this.output.fields.map((field) => columnReader(field.type));
    this.hasText = this.output.fields.some((field) => field.type === 'utf8');
    this.segmentRows = Math.max(1, Math.min(SEGMENT_ROWS, Math.floor(SEGMENT_FIELDS / width)));
    this.tokens = new Tokens(width, this.segmentRows);
  }

  room(): number {
    return Math.min(this.segmentRows, this.batchSize - this.rows);
  }

  parse(input: CsvInput, stop: number, eof: boolean, maxRows: number): number {
    const tokens = this.tokens;
    const width = tokens.width;
    const from = input.pos;
    tokens.rows = 0;
    tokens.error = null;
    input.pos = tokenize(input.buf, from, stop, eof, this.delim, width, maxRows, tokens, input.cursor);
    const got = tokens.rows;
    if (got > 0) {
      const rows = this.rows;
      if (rows + got > this.capacity) {
        this.capacity = Math.min(this.batchSize, Math.max(rows + got, this.capacity * 2, INITIAL_BATCH_ROWS));
        for (const reader of this.readers) reader.reserve(this.capacity);
      }
      const checkUtf8 = this.hasText && !isUtf8(input.buf.subarray(from, input.pos));
      let badRow = -1;
      let badColumn = -1;
      const kept = this.kept;
      for (let k = 0; k < kept.length; k++) {
        const bad = this.readers[k]!.read(input.buf, tokens, kept[k]!, rows, checkUtf8);
        if (bad >= 0 && (badRow < 0 || bad < badRow)) {
          badRow = bad;
          badColumn = k;
        }
      }
      if (badRow >= 0) throw this.readerError(input.buf, badRow, badColumn);
      this.rows += got;
    }
    if (tokens.error !== null) throw tokenError(this.wording.path, tokens.error);
    return got;
  }

  take(): RecordBatch {
    const batch = new RecordBatch(this.output, this.readers.map((reader) => reader.finish(this.rows)), this.rows);
    this.rows = 0;
    this.capacity = 0;
    return batch;
  }

  /** The error for kept column `k` of tokenized record `row`. */
  private readerError(buf: Buffer, row: number, k: number): DataError {
    const t = this.tokens;
    const col = this.kept[k]!;
    const i = row * t.width + col;
    const escaped = (t.flags[i]! & ESCAPED) !== 0;
    return valueError(this.wording, buf, t.starts[i]!, t.ends[i]!, escaped, fieldLine(buf, t, row, col), col, this.schema.fields[col]!, this.readers[k]!.reason);
  }
}

/**
 * The native twin: the Rust parser fills the batch's typed arrays, one call per window. Columns
 * not kept are given as `skip`: their fields are found (grammar checked) but not converted, and
 * errors still number the file's fields.
 */
export class NativeBatchParser implements BatchParser {
  private readonly columns: NativeCsvColumns;
  private readonly output: Schema;
  rows = 0;

  constructor(
    Native: NativeCsvParserClass,
    private readonly schema: Schema,
    kept: readonly number[],
    delim: number,
    private readonly wording: ErrorWording,
    private readonly batchSize: number,
  ) {
    this.output = projected(schema, kept);
    const read = new Set(kept);
    const types = schema.fields.map((field, c) => (read.has(c) ? field.type : 'skip' as const));
    this.columns = new NativeCsvColumns(Native, types, delim);
  }

  room(): number {
    const rows = this.rows;
    if (rows === this.columns.capacity) this.columns.reserve(Math.min(this.batchSize, Math.max(INITIAL_BATCH_ROWS, rows * 2)), rows);
    return this.columns.capacity - rows;
  }

  parse(input: CsvInput, stop: number, eof: boolean, maxRows: number): number {
    const from = input.buf;
    const result = this.columns.read(input, this.rows, maxRows, stop, eof);
    this.rows += result.rows;
    const error = result.error;
    if (error != null) {
      if (error.kind === 'grammar') throw new DataError(this.wording.path, error.line, error.column ?? undefined, error.detail ?? '');
      const column = error.column! - 1;
      throw valueError(this.wording, from, error.start!, error.end!, error.escaped === true, error.line, column, this.schema.fields[column]!, error.reason!);
    }
    return result.rows;
  }

  take(): RecordBatch {
    const batch = new RecordBatch(this.output, this.columns.finish(this.rows), this.rows);
    this.rows = 0;
    return batch;
  }
}

export function tokenError(path: string, error: TokenError): DataError {
  return new DataError(path, error.line, error.column, error.detail);
}

/** The error for field [s, e) of column `col` (0-based), which is not a value of its type. */
function valueError(wording: ErrorWording, buf: Buffer, s: number, e: number, escaped: boolean, line: number, col: number, field: Field, reason: Reason): DataError {
  let text = buf.toString('utf8', s, e);
  if (escaped) text = text.replaceAll('""', '"');
  const shown = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  const article = field.type.startsWith('int') ? 'an' : 'a';
  let detail: string;
  if (reason === 'utf8') detail = `the value in column "${field.name}" is not valid UTF-8`;
  else if (reason === 'range') detail = `value ${shown} in column "${field.name}" is out of range for ${field.type}`;
  else detail = `value ${shown} in column "${field.name}" is not ${article} ${field.type}`;
  if (!wording.declared(field) && reason !== 'utf8') {
    detail += ` (the schema was inferred from the first ${wording.sampleRows} rows; declare it under schema: to override)`;
  }
  return new DataError(wording.path, line, col + 1, detail);
}

/** The physical line field `col` of tokenized record `row` starts on (a record may span lines). */
function fieldLine(buf: Buffer, t: Tokens, row: number, col: number): number {
  const base = row * t.width;
  const recordStart = t.starts[base]! - (t.flags[base]! & QUOTED);
  const fieldStart = t.starts[base + col]!;
  let line = t.lines[row]!;
  for (let p = recordStart; p < fieldStart; p++) {
    const b = buf[p];
    if (b === LF || (b === CR && buf[p + 1] !== LF)) line++;
  }
  return line;
}
