/**
 * `csv`: reads a CSV file (RFC 4180) into typed columns, streaming: the file is read in chunks
 * (never whole), parsed on bytes, and yielded in batches of the job's `batch_size` rows.
 *
 * ## Format
 * - Fields are separated by `delimiter` (one ASCII character, default `,`). A field in double
 *   quotes may hold delimiters, line breaks and quotes (written twice: `""`). After a closing
 *   quote only a delimiter or a line break may follow. An unquoted field is taken as it is: no
 *   spaces are trimmed, and a `"` inside it is an ordinary character.
 * - Lines end with LF, CRLF or a lone CR (a file may mix them). A UTF-8 byte order mark at the
 *   start of the file is skipped. Text must be UTF-8.
 * - Line numbers in errors are physical lines of the file, 1-based (a quoted field spanning
 *   lines counts every line), so `data.csv:17:4` is what an editor shows as line 17; the number
 *   after it is the field's position in its record (1-based).
 * - Every record must have as many fields as the header (without a header: as the declared
 *   schema, or else the first record): otherwise `data.csv:17: expected 5 fields, found 4`. A quote left open at the end of
 *   the file is an error naming the line where it opened.
 * - Empty lines: in a file of one column an empty line is a null value (this is how `csv_file`
 *   writes a null there); the final line break of the file does not start another row. In a file
 *   of several columns empty lines are skipped. Empty lines before the header (or before the first
 *   record of a file without a header) are skipped in every case.
 *
 * ## Nulls and empty strings
 * - An empty unquoted field is null, in every type.
 * - A quoted empty field (`""`) is the empty string in a utf8 column. In any other column it is
 *   null: the empty string is no number or bool, and writers that quote every field write their
 *   nulls that way.
 * - Quoting is otherwise lexical: `"42"` in an int64 column is 42.
 *
 * ## Header and declared schema
 * - `header: true` (default): the first line names the columns; an empty name becomes
 *   `column_N` (N its 1-based position); a name used twice is an error. `schema:` may declare
 *   the type of any of these columns, by name, and need not list them all: the columns it does
 *   not list are inferred. A declared name missing from the header is a problem reported before
 *   any data flows, at `schema.<name>`. Columns keep the file's order.
 * - `header: false`: without `schema:`, the columns are named `column_1`, `column_2`, … and
 *   inferred. With `schema:`, its entries name and type the columns in order, and it must list
 *   every column (the first record is checked against it before data flows). Names that are
 *   integers (`"1"`) cannot be used there, as a map would reorder them.
 * - An empty file is a problem with `header: true` (there is no header) and without a declared
 *   schema (there is nothing to infer); with `header: false` and `schema:` it is zero rows.
 *
 * ## Inference (columns not declared under `schema:`)
 * Before data flows, the header and the first 1,000 records are read, and each column gets the
 * first of these types that every non-empty value in the sample can be read as:
 * - int64: integers (`-12`, `0`) that fit in 64 bits;
 * - float64: numbers (`3.25`, `-1e-9`, `.5`, `NaN`, `Infinity`, `-Infinity`, and integers too
 *   large for int64);
 * - bool: `true` / `false` in any letter case;
 * - utf8: anything else, and a column with no non-empty value in the sample.
 * Values that look like identifiers rather than quantities make the column utf8, because reading
 * them as numbers would lose characters: a superfluous leading zero (`007`, `-01.5`) and a
 * leading `+` (`+4420…`). Declared numeric columns accept both. Empty fields (null or `""`) do not
 * vote. int32 and timestamp are never inferred (declare them; a timestamp is integer epoch
 * milliseconds). A value later in the file that does not fit the inferred type is an error at its
 * line and column, naming the type and how to override it:
 * `data.csv:1500:4: value "abc" in column "value" is not a float64 (the schema was inferred from
 * the first 1000 rows; declare it under schema: to override)`.
 *
 * ## Values
 * - int64 and timestamp are parsed exactly from their digits (never through a rounded double); a
 *   value outside the signed 64-bit range is an error, as is an int32 value outside 32 bits.
 * - float64 accepts the grammar above (also `+Infinity`) and is correctly rounded; `-0` is
 *   negative zero.
 * - utf8 values are dictionary-encoded per batch (a repeated string is stored once).
 */
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { RecordBatch } from '../../batch/record-batch.js';
import { Schema, type DataType, type Field } from '../../batch/schema.js';
import { InputFile } from '../../flow/files.js';
import { didYouMean, registerStage, Source, type PlanContext, type StageContext } from '../../registry/index.js';
import { DataError } from '../../runtime/errors.js';
import { nativeCsvParser, type NativeCsvParserClass } from '../../kernels/parse-csv.js';
import { columnReader, type ColumnReader, type Reason } from './csv/columns.js';
import { CR, CSV_TYPES, delimiterOption, LF } from './csv/dialect.js';
import { CsvInput } from './csv/input.js';
import { NativeCsvColumns } from './csv/native.js';
import { ESCAPED, QUOTED, tokenize, Tokens, type TokenError } from './csv/tokenizer.js';
import { vote, VOTE_ANY, VOTE_BOOL, VOTE_FLOAT64, VOTE_INT64 } from './csv/values.js';

/** Records read to infer the types of undeclared columns. */
export const SAMPLE_ROWS = 1000;
/** Records tokenized before their fields are converted: a few hundred KiB of positions. */
const SEGMENT_ROWS = 16_384;
const SEGMENT_FIELDS = 1 << 18;
/** Rows a batch's columns are first sized for (they grow up to the batch size). */
const INITIAL_BATCH_ROWS = 65_536;

const options = z.strictObject({
  path: z.string().min(1).describe('CSV file to read (relative to the job file)'),
  header: z.boolean().default(true).describe('Whether the first line names the columns (default true)'),
  delimiter: delimiterOption,
  schema: z
    .record(z.string().min(1), z.enum(CSV_TYPES))
    .optional()
    .describe('Column types, e.g. { id: int64, name: utf8 }; columns not listed are inferred from the first 1000 rows'),
});

type Options = z.infer<typeof options>;

const EMPTY_SCHEMA = new Schema([]);

export class CsvSource extends Source<Options> {
  static readonly type = 'csv';
  static readonly description = 'Reads a CSV file (RFC 4180) into typed columns; types declared under schema: or inferred';
  static readonly options = options;
  static readonly example = { path: 'data/events.csv', header: true, delimiter: ',', schema: { id: 'int64', category: 'utf8' } };
  static {
    registerStage(this);
  }

  /** Bytes per read. Tests make it tiny so that chunk boundaries fall everywhere. */
  chunkSize = 1 << 20;

  private get delim(): number {
    return this.options.delimiter.charCodeAt(0);
  }

  private get declared(): Map<string, DataType> {
    return new Map(Object.entries(this.options.schema ?? {}));
  }

  /** Reads the header (and, for undeclared columns, a sample) to fix the schema before data flows. */
  async schema(ctx: PlanContext): Promise<Schema> {
    await using file = await openOrReport(ctx.resolvePath(this.options.path), this.options.path, ctx);
    if (file === undefined) return EMPTY_SCHEMA;
    try {
      return await this.inspect(file, ctx);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      ctx.problem('path', error.message);
      return EMPTY_SCHEMA;
    }
  }

  private async inspect(file: InputFile, ctx: PlanContext): Promise<Schema> {
    const { path, header } = this.options;
    const declared = this.declared;
    const input = new CsvInput(file, this.chunkSize, undefined, () => undefined);
    await input.start();
    let names: string[];
    if (header) {
      const record = await input.firstRecord(this.delim, false);
      if (record === null) {
        ctx.problem('path', `${path} is empty: expected a header line naming the columns (set header: false for a file without one)`);
        return EMPTY_SCHEMA;
      }
      names = headerNames(input.buf, record, path);
      for (const name of declared.keys()) {
        if (!names.includes(name)) {
          ctx.problem(`schema.${name}`, `no column "${name}" in the header of ${path}${didYouMean(name, names)} (columns: ${names.join(', ')})`);
        }
      }
    } else {
      const record = await input.firstRecord(this.delim, true);
      if (record?.error) throw tokenError(path, record.error);
      if (declared.size > 0) {
        const integers = [...declared.keys()].filter((name) => /^(0|[1-9][0-9]*)$/.test(name));
        if (integers.length > 0) {
          ctx.problem('schema', `names the columns in order when header is false, so names cannot be integers (${integers.join(', ')}): a map would reorder them`);
        }
        if (record !== null && record.found !== declared.size) {
          ctx.problem('schema', `declares ${declared.size} column${declared.size === 1 ? '' : 's'} but line ${record.lines[0]} of ${path} has ${record.found} field${record.found === 1 ? '' : 's'}`);
        }
        return schemaOf([...declared.keys()], declared, []);
      }
      if (record === null) {
        ctx.problem('path', `${path} is empty: there are no columns to infer (declare them under schema:)`);
        return EMPTY_SCHEMA;
      }
      names = Array.from({ length: record.found }, (_, i) => `column_${i + 1}`);
    }
    const inferred = names.some((name) => !declared.has(name)) ? await infer(input, names.length, this.delim, path) : [];
    return schemaOf(names, declared, inferred);
  }

  async *stream(ctx: StageContext): AsyncGenerator<RecordBatch> {
    const { path, header } = this.options;
    const schema = ctx.schema;
    const width = schema.fields.length;
    const delim = this.delim;
    await using file = await InputFile.open(ctx.resolvePath(path));
    const input = new CsvInput(file, this.chunkSize, ctx.signal, (bytes) => ctx.addBytesRead(bytes));
    await input.start();
    if (header) {
      const record = await input.firstRecord(delim, false);
      if (record === null) throw new DataError(path, input.cursor.line, undefined, 'expected a header line naming the columns, found an empty file');
      const names = headerNames(input.buf, record, path);
      if (names.join('\0') !== schema.names.join('\0')) {
        throw new DataError(path, record.lines[0]!, undefined, `the header changed since the job was checked: it names ${names.join(', ')}; expected ${schema.names.join(', ')}`);
      }
    } else {
      // Skip the empty lines before the first record, as planning did (the window stays on the record).
      if ((await input.firstRecord(delim, true)) === null) return;
    }
    if (width === 0) return;

    const Native = nativeCsvParser(ctx.kernels.implementation);
    ctx.recordImplementation(Native === null ? 'js' : 'native');
    if (Native !== null) {
      yield* this.readNative(Native, input, ctx);
      return;
    }
    const readers = schema.fields.map((field) => columnReader(field.type));
    const hasText = schema.fields.some((field) => field.type === 'utf8');
    const segmentRows = Math.max(1, Math.min(SEGMENT_ROWS, Math.floor(SEGMENT_FIELDS / width)));
    const tokens = new Tokens(width, segmentRows);
    const batchSize = ctx.batchSize;
    let capacity = 0;
    let rows = 0;
    for (;;) {
      ctx.signal.throwIfAborted();
      const want = Math.min(segmentRows, batchSize - rows);
      const from = input.pos;
      tokens.rows = 0;
      tokens.error = null;
      input.pos = tokenize(input.buf, from, input.end, input.eof, delim, width, want, tokens, input.cursor);
      const got = tokens.rows;
      if (got > 0) {
        if (rows + got > capacity) {
          capacity = Math.min(batchSize, Math.max(rows + got, capacity * 2, INITIAL_BATCH_ROWS));
          for (const reader of readers) reader.reserve(capacity);
        }
        const checkUtf8 = hasText && !isUtf8(input.buf.subarray(from, input.pos));
        let badRow = -1;
        let badColumn = -1;
        for (let c = 0; c < width; c++) {
          const bad = readers[c]!.read(input.buf, tokens, c, rows, checkUtf8);
          if (bad >= 0 && (badRow < 0 || bad < badRow)) {
            badRow = bad;
            badColumn = c;
          }
        }
        if (badRow >= 0) throw this.readerError(input.buf, tokens, badRow, badColumn, schema.fields[badColumn]!, readers[badColumn]!);
        rows += got;
      }
      if (tokens.error !== null) throw tokenError(path, tokens.error);
      if (rows === batchSize) {
        yield batchOf(schema, readers, rows);
        rows = 0;
        capacity = 0;
      }
      if (got < want) {
        if (input.eof) break; // everything was tokenized
        await input.more();
      }
    }
    if (rows > 0) yield batchOf(schema, readers, rows);
  }

  /** The native twin of the loop in `stream`: the Rust parser fills the batch's typed arrays. */
  private async *readNative(Native: NativeCsvParserClass, input: CsvInput, ctx: StageContext): AsyncGenerator<RecordBatch> {
    const schema = ctx.schema;
    const batchSize = ctx.batchSize;
    const columns = new NativeCsvColumns(Native, schema.fields.map((field) => field.type), this.delim);
    let rows = 0;
    for (;;) {
      ctx.signal.throwIfAborted();
      if (rows === columns.capacity) columns.reserve(Math.min(batchSize, Math.max(INITIAL_BATCH_ROWS, rows * 2)), rows);
      const want = columns.capacity - rows;
      const from = input.buf;
      const result = columns.read(input, rows, want);
      rows += result.rows;
      const error = result.error;
      if (error != null) {
        if (error.kind === 'grammar') throw new DataError(this.options.path, error.line, error.column ?? undefined, error.detail ?? '');
        const column = error.column! - 1;
        throw this.valueError(from, error.start!, error.end!, error.escaped === true, error.line, column, schema.fields[column]!, error.reason!);
      }
      if (rows === batchSize) {
        yield new RecordBatch(schema, columns.finish(rows), rows);
        rows = 0;
      }
      if (result.rows < want) {
        if (input.eof) break; // everything was parsed
        await input.more();
      }
    }
    if (rows > 0) yield new RecordBatch(schema, columns.finish(rows), rows);
  }

  private readerError(buf: Buffer, t: Tokens, row: number, col: number, field: Field, reader: ColumnReader): DataError {
    const i = row * t.width + col;
    const escaped = (t.flags[i]! & ESCAPED) !== 0;
    return this.valueError(buf, t.starts[i]!, t.ends[i]!, escaped, fieldLine(buf, t, row, col), col, field, reader.reason);
  }

  /** The error for field [s, e) of column `col` (0-based), which is not a value of its type. */
  private valueError(buf: Buffer, s: number, e: number, escaped: boolean, line: number, col: number, field: Field, reason: Reason): DataError {
    let text = buf.toString('utf8', s, e);
    if (escaped) text = text.replaceAll('""', '"');
    const shown = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
    const article = field.type.startsWith('int') ? 'an' : 'a';
    let detail: string;
    if (reason === 'utf8') detail = `the value in column "${field.name}" is not valid UTF-8`;
    else if (reason === 'range') detail = `value ${shown} in column "${field.name}" is out of range for ${field.type}`;
    else detail = `value ${shown} in column "${field.name}" is not ${article} ${field.type}`;
    const declared = this.options.header ? this.declared.has(field.name) : this.declared.size > 0;
    if (!declared && reason !== 'utf8') {
      detail += ` (the schema was inferred from the first ${SAMPLE_ROWS} rows; declare it under schema: to override)`;
    }
    return new DataError(this.options.path, line, col + 1, detail);
  }
}

async function openOrReport(path: string, shown: string, ctx: PlanContext): Promise<InputFile | undefined> {
  try {
    return await InputFile.open(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    ctx.problem('path', `cannot read ${shown}: ${reason}`);
    return undefined;
  }
}

function tokenError(path: string, error: TokenError): DataError {
  return new DataError(path, error.line, error.column, error.detail);
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

/** The column names of a header record: decoded, unquoted, empty ones named by position, no repeats. */
function headerNames(buf: Buffer, t: Tokens, path: string): string[] {
  if (t.error !== null) throw tokenError(path, t.error);
  const line = t.lines[0]!;
  const names: string[] = [];
  const seen = new Map<string, number>();
  for (let c = 0; c < t.found; c++) {
    const s = t.starts[c]!;
    const e = t.ends[c]!;
    if (!isUtf8(buf.subarray(s, e))) throw new DataError(path, line, c + 1, 'the header is not valid UTF-8');
    let name = buf.toString('utf8', s, e);
    if (t.flags[c]! & ESCAPED) name = name.replaceAll('""', '"');
    if (name === '') name = `column_${c + 1}`;
    const before = seen.get(name);
    if (before !== undefined) throw new DataError(path, line, c + 1, `the header names column "${name}" twice (fields ${before + 1} and ${c + 1})`);
    seen.set(name, c);
    names.push(name);
  }
  return names;
}

/** Votes over the first SAMPLE_ROWS records: the inferred type of each column. */
async function infer(input: CsvInput, width: number, delim: number, path: string): Promise<DataType[]> {
  const votes = new Array<number>(width).fill(VOTE_ANY);
  const seen = new Array<boolean>(width).fill(false);
  const t = new Tokens(width, Math.min(SAMPLE_ROWS, SEGMENT_ROWS));
  let sampled = 0;
  while (sampled < SAMPLE_ROWS) {
    const want = Math.min(SAMPLE_ROWS - sampled, t.capacity);
    t.rows = 0;
    t.error = null;
    input.pos = tokenize(input.buf, input.pos, input.end, input.eof, delim, width, want, t, input.cursor);
    const buf = input.buf;
    for (let r = 0; r < t.rows; r++) {
      for (let c = 0; c < width; c++) {
        const i = r * width + c;
        const s = t.starts[i]!;
        const e = t.ends[i]!;
        if (s === e) continue; // null or "": no vote
        seen[c] = true;
        votes[c]! &= vote(buf, s, e, (t.flags[i]! & ESCAPED) !== 0);
      }
    }
    sampled += t.rows;
    if (t.error !== null) throw tokenError(path, t.error);
    if (t.rows < want) {
      if (input.eof) break;
      await input.more();
    }
  }
  return votes.map((v, c): DataType => {
    if (!seen[c]) return 'utf8';
    if (v & VOTE_INT64) return 'int64';
    if (v & VOTE_FLOAT64) return 'float64';
    if (v & VOTE_BOOL) return 'bool';
    return 'utf8';
  });
}

function schemaOf(names: readonly string[], declared: Map<string, DataType>, inferred: readonly DataType[]): Schema {
  return new Schema(names.map((name, i): Field => ({ name, type: declared.get(name) ?? inferred[i] ?? 'utf8', nullable: true })));
}

function batchOf(schema: Schema, readers: readonly ColumnReader[], rows: number): RecordBatch {
  return new RecordBatch(schema, readers.map((reader) => reader.finish(rows)), rows);
}
