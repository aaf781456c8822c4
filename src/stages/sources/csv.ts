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
 *
 * ## Projection
 * The source reads only the columns that later stages use (the planner asks each stage, see
 * `Transform.columnsRead`); batches hold those, in the file's order. The job is still checked
 * against the whole header (a column named by an option but missing from the file is a problem
 * before any data flows), and every field of every record is still found, so the grammar is
 * checked everywhere (quotes, field count, an unterminated quote: same line and field). A field of
 * an unused column is never converted, though: a value in it that is not of its column's type (or
 * not valid UTF-8) is no longer an error.
 *
 * ## Splits (parallel reading)
 * `splits()` cuts the file into byte ranges of 16 MiB (SPLIT_BYTES; never the thread count), and
 * `streamSplit()` reads one: the records that start in its range, the last one read whole even
 * when it runs past the range's end. Split 0 reads the byte order mark and the header. A later
 * split cannot know whether its range begins inside a quoted field, so it guesses that its first
 * record starts at its first line start and returns the extent it really covered; the runtime
 * then checks the guess against its predecessor's true end (`continueSplit`) and re-reads the
 * split from there when they differ, or when reading the guess failed, so that a data error is
 * reported with its true line. Reading every split in order this way gives exactly what
 * `stream()` gives. See csv/splits.ts.
 */
import { isUtf8 } from 'node:buffer';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import type { RecordBatch } from '../../batch/record-batch.js';
import { Schema, type DataType, type Field } from '../../batch/schema.js';
import { InputFile } from '../../flow/files.js';
import { didYouMean, registerStage, Source, type PlanContext, type SourceSplit, type SplitExtent, type StageContext } from '../../registry/index.js';
import { DataError } from '../../runtime/errors.js';
import { fileMapper } from '../../kernels/mapped-file.js';
import { nativeCsvParser } from '../../kernels/parse-csv.js';
import { CSV_TYPES, delimiterOption } from './csv/dialect.js';
import { CsvInput } from './csv/input.js';
import { NativeBatchParser, readRecords, SEGMENT_ROWS, TokenBatchParser, tokenError, type BatchParser, type ErrorWording } from './csv/records.js';
import { asFileSplit, continueFileSplit, type FileSplit, cutFile, lineAt, limitOf, skipToLineStart, SPLIT_BYTES, splitBytes } from './csv/splits.js';
import { ESCAPED, tokenize, Tokens } from './csv/tokenizer.js';
import { vote, VOTE_ANY, VOTE_BOOL, VOTE_FLOAT64, VOTE_INT64 } from './csv/values.js';

/** Records read to infer the types of undeclared columns. */
export const SAMPLE_ROWS = 1000;
/** How far past its range a split's mapping reaches, for the record that straddles its end. */
const MAPPED_PAST_LIMIT = 64 * 1024;
/** How far past its range a guessed split follows a record, at least: see readRecords. */
const MIN_STRADDLE_BYTES = 1 << 20;

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
  /** Nominal bytes per split; unset: SPLIT_BYTES. Tests make it tiny so that a small file has many splits. */
  splitBytes: number | undefined = undefined;
  /** The file's whole schema when the pipeline reads only some columns (see `project`). */
  private fileSchema: Schema | undefined;

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

  /**
   * Projection pushdown: from now on batches hold only `columns` (`ctx.schema`), in the file's
   * order. The other fields are still found and their grammar checked, but never converted.
   */
  override project(columns: readonly string[], full: Schema): boolean {
    this.fileSchema = columns.length === full.fields.length ? undefined : full;
    return true;
  }

  /** Reads the whole file: the one split of a file cut nowhere. */
  async *stream(ctx: StageContext): AsyncGenerator<RecordBatch> {
    const path = ctx.resolvePath(this.options.path);
    yield* this.readSplit({ index: 0, path, start: 0, end: Infinity, size: Infinity, bytes: 0, exact: true, firstLine: 1 }, 1, ctx);
  }

  /** Nominal splits of SPLIT_BYTES (or `splitBytes`), whatever the thread count: see csv/splits.ts. */
  override async splits(ctx: StageContext): Promise<SourceSplit[]> {
    const path = ctx.resolvePath(this.options.path);
    return cutFile(path, (await stat(path)).size, this.splitBytes ?? splitBytes(SPLIT_BYTES));
  }

  /** The exact split after one that covered `previous` (its start is the end of `previous`). */
  override continueSplit(next: SourceSplit, previous: SplitExtent): SourceSplit {
    return continueFileSplit(asFileSplit(next), previous);
  }

  /**
   * Reads the records a split owns: those starting in its nominal range. Split 0 starts at the
   * file's start (byte order mark, header); an exact split at its `start`; any other guesses that
   * its first record starts at its first line start. Errors of an exact split name their true line
   * (counted from the file's start when the split does not know its first line).
   */
  override async *streamSplit(split: SourceSplit, ctx: StageContext): AsyncGenerator<RecordBatch, SplitExtent, undefined> {
    const s = asFileSplit(split);
    const startLine = s.firstLine ?? 1;
    try {
      return yield* this.readSplit(s, startLine, ctx);
    } catch (error) {
      if (!(error instanceof DataError) || !s.exact || s.firstLine !== undefined) throw error;
      const shift = (await lineAt(s.path, s.start, false)) - startLine;
      throw new DataError(error.file, error.line + shift, error.column, error.detail);
    }
  }

  private async *readSplit(split: FileSplit, startLine: number, ctx: StageContext): AsyncGenerator<RecordBatch, SplitExtent, undefined> {
    const { path, header } = this.options;
    // The header and every record hold the file's columns; batches hold the projected ones.
    const schema = this.fileSchema ?? ctx.schema;
    const kept = ctx.schema.names.map((name) => schema.indexOf(name));
    if (kept.some((c, k) => c < 0 || (k > 0 && c <= kept[k - 1]!))) {
      throw new TypeError(`csv: the batch schema (${ctx.schema.names.join(', ')}) is not a projection of the file's (${schema.names.join(', ')}) in its order`);
    }
    const width = schema.fields.length;
    const delim = this.delim;
    const atFileStart = split.start === 0 && split.exact;
    const from = atFileStart || split.exact ? split.start : split.start - 1;
    // Progress counts the nominal range (an exact split may start after its nominal start).
    const nominal = Number.isFinite(split.end) ? { start: split.end - split.bytes, end: Math.min(split.end, split.size) } : { start: 0, end: Infinity };
    let reported = 0;
    const report = (upTo: number) => {
      const covered = Math.max(0, Math.min(upTo, nominal.end) - nominal.start);
      if (covered > reported) ctx.addBytesRead(covered - reported);
      reported = Math.max(reported, covered);
    };
    await using file = await InputFile.open(split.path);
    const input = new CsvInput(file, this.chunkSize, ctx.signal, (_, endOffset) => report(endOffset), from, true);
    input.cursor.line = startLine;
    const map = fileMapper(ctx.kernels.implementation);
    if (map !== null) input.mapThrough(map, limitOf(split) + MAPPED_PAST_LIMIT);
    const extent = (start: number): SplitExtent => {
      if (Number.isFinite(nominal.end)) report(nominal.end); // the split is done with its range
      const end = input.offsetOf(input.pos);
      const lines = input.cursor.line - startLine;
      return split.firstLine !== undefined ? { start, end, lines, firstLine: split.firstLine } : { start, end, lines };
    };
    if (atFileStart) {
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
        if ((await input.firstRecord(delim, true)) === null) return extent(0);
      }
    } else if (!split.exact) {
      await skipToLineStart(input);
    }
    const start = atFileStart ? 0 : input.offsetOf(input.pos);
    if (width === 0) return extent(start);
    const parser = this.batchParser(ctx, schema, kept);
    const limit = limitOf(split);
    // A guessed split follows a record past its range only so far (an exact read takes over).
    const straddleLimit = split.exact ? Infinity : limit + Math.max(split.bytes, MIN_STRADDLE_BYTES);
    yield* readRecords(input, parser, width, ctx.batchSize, limit, ctx.signal, straddleLimit);
    return extent(start);
  }

  /** The parser of records of `schema` into batches of the `kept` columns (indices in `schema`). */
  private batchParser(ctx: StageContext, schema: Schema, kept: readonly number[]): BatchParser {
    const Native = nativeCsvParser(ctx.kernels.implementation);
    ctx.recordImplementation(Native === null ? 'js' : 'native');
    const { path, header } = this.options;
    const declared = this.declared;
    const wording: ErrorWording = {
      path,
      sampleRows: SAMPLE_ROWS,
      declared: (field: Field) => (header ? declared.has(field.name) : declared.size > 0),
    };
    if (Native !== null) return new NativeBatchParser(Native, schema, kept, this.delim, wording, ctx.batchSize);
    return new TokenBatchParser(schema, kept, this.delim, wording, ctx.batchSize);
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
