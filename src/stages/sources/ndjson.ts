/**
 * `ndjson`: reads newline-delimited JSON (one object per line) into typed columns, streaming: the
 * file is read in chunks (never whole), cut into lines on bytes, and yielded in batches of the
 * job's `batch_size` rows.
 *
 * ## Lines
 * - Each non-blank line is one JSON object (RFC 8259), one row. Lines end with LF or CRLF; blank
 *   and whitespace-only lines are skipped. A UTF-8 byte order mark at the start is skipped; text
 *   must be UTF-8.
 * - Errors name the file, the physical 1-based line (blank lines count) and the 1-based column
 *   (in characters) where known: `events.ndjson:17:9: expected ',' or '}' after a value, found 'x'`.
 *   A line that is not valid JSON, or valid JSON but not an object (`[1,2]`, `42`), is an error;
 *   so is a key given twice in one object.
 *
 * ## Columns and keys
 * - With `schema:` declared, its entries name and type the columns, in its order. Keys of a line
 *   that the schema does not list are ignored (their values are still checked to be valid JSON):
 *   declaring a schema is how a job picks the keys it wants.
 * - Projection: with a declared schema, the columns no later stage reads are not read either:
 *   their keys are treated as keys outside the schema (valid JSON, never converted), so a value of
 *   the wrong type, or a key given twice, in a column the job does not use is no longer an error.
 *   With an inferred schema every column is read.
 * - Without it, the schema is inferred before data flows from a sample at the start of the file:
 *   the first 1,000 non-blank lines, reading at most about 64 KiB (at least one line). Columns come
 *   in the order their keys first appear. Then a key that first appears after the sample is an
 *   error (not silently dropped): declare the schema to read it, or to ignore it.
 * - A missing key and JSON `null` are both null.
 * - An empty file (or only blank lines) without a declared schema is a problem reported before
 *   data flows (there is nothing to infer); with a declared schema it is zero rows.
 *
 * ## Types (inferred)
 * - only integer literals (no fraction or exponent) that fit in 64 bits → int64;
 * - numbers otherwise (`1.5`, `1e3`, `2.0`, integers beyond int64), and the strings "NaN",
 *   "Infinity", "-Infinity" beside numbers → float64;
 * - only `true`/`false` → bool;
 * - anything else → utf8: strings, nested objects and arrays, a mix of kinds (say numbers and
 *   strings), a key that is null in every sampled line. int32 and timestamp are never inferred:
 *   declare them (a timestamp is integer epoch milliseconds).
 *
 * ## Values (per column type)
 * - int64, timestamp: integers, read exactly from their digits — `9007199254740993` and the int64
 *   limits are never rounded through a double (Node 20's JSON.parse cannot give a number's source
 *   text, so the source scans JSON itself). `12.0` or `1.2e3` is accepted when it is an integer
 *   within ±2^53; anything outside the int64 range is an error.
 * - int32: the same, within the int32 range.
 * - float64: any JSON number (correctly rounded, as JSON.parse does), or the strings "NaN",
 *   "Infinity", "-Infinity" (how json_file writes them).
 * - bool: `true` / `false`.
 * - utf8: strings; any other value (number, bool, object, array) is kept as its JSON text exactly
 *   as written in the line (`{"a": [1, 2]}` stays that string), so nested data is not lost.
 * - A value that does not fit its column (a string in an int64 column, `1.5` in an int64 column,
 *   an object in a float64 column) is an error naming line, column and key, and saying how the
 *   schema was fixed: `events.ndjson:1500:10: key "id": expected an integer for an int64 column,
 *   found the string "abc"; the schema was inferred from the first 1000 non-blank lines; declare
 *   `schema` in the source options to choose the column types`.
 *
 * ## Splits (parallel reading)
 * `splits()` cuts the file into 16 MiB byte ranges (never by thread count); a split reads the
 * lines that start in its range. A JSON line holds no raw line break, so where a split's first
 * line starts is known from the bytes: the guess is always right (see ndjson/splits.ts).
 */
import { access, constants, stat } from 'node:fs/promises';
import { z } from 'zod';
import type { RecordBatch } from '../../batch/record-batch.js';
import { Schema } from '../../batch/schema.js';
import { InputFile } from '../../flow/files.js';
import { registerStage, Source, type PlanContext, type SourceSplit, type SplitExtent, type StageContext } from '../../registry/index.js';
import { DataError } from '../../runtime/errors.js';
import { fileMapper } from '../../kernels/mapped-file.js';
import { nativeNdjsonParser } from '../../kernels/parse-ndjson.js';
import { SchemaInference } from './ndjson/infer.js';
import { LineSplitter } from './ndjson/lines.js';
import { NativeNdjsonReader } from './ndjson/native.js';
import { RowParser } from './ndjson/rows.js';
import { LineScanner } from './ndjson/scanner.js';
import { byteRange, lineStartFrom, mappedRange, type NdjsonSplit } from './ndjson/splits.js';
import { asFileSplit, continueFileSplit, cutFile, lineAt, SPLIT_BYTES, splitBytes } from './csv/splits.js';

/** Non-blank lines read to infer a schema. */
export const SAMPLE_LINES = 1000;
/** Bytes read to infer a schema, at most (more only to complete the first line). */
export const SAMPLE_BYTES = 64 * 1024;

const options = z.strictObject({
  path: z.string().min(1).describe('NDJSON file to read, one JSON object per line (relative to the job file)'),
  schema: z
    .record(z.string().min(1), z.enum(['int32', 'int64', 'float64', 'bool', 'utf8', 'timestamp']))
    .optional()
    .describe(
      'Column types, e.g. { id: int64, name: utf8 }: only these keys are read, others are ignored. Default: inferred from the first 1000 non-blank lines (at most about 64 KiB); then a key not in the sample is an error',
    ),
});

type Options = z.infer<typeof options>;

const EMPTY_SCHEMA = new Schema([]);

export class NdjsonSource extends Source<Options> {
  static readonly type = 'ndjson';
  static readonly description = 'Reads newline-delimited JSON objects into typed columns; types declared under schema: or inferred';
  static readonly options = options;
  static readonly example = { path: 'data/events.ndjson', schema: { id: 'int64', ts: 'timestamp', category: 'utf8', value: 'float64' } };
  static {
    registerStage(this);
  }

  /** Bytes per read. Tests make it tiny so that chunk boundaries fall everywhere. */
  chunkSize = 1 << 20;
  /** Nominal bytes per split; unset: SPLIT_BYTES. Tests make it tiny so that a small file has many splits. */
  splitBytes: number | undefined = undefined;
  /** Non-blank lines the inferred schema was drawn from (for error messages), once known. */
  private sampleLines: number | undefined;

  async schema(ctx: PlanContext): Promise<Schema> {
    const { path, schema: declared } = this.options;
    const resolved = ctx.resolvePath(path);
    if (declared !== undefined) {
      if (Object.keys(declared).length === 0) ctx.problem('schema', 'declares no columns; list at least one, or leave schema out to infer it');
      try {
        await access(resolved, constants.R_OK);
      } catch (error) {
        ctx.problem('path', cannotRead(path, error));
      }
      return new Schema(Object.entries(declared).map(([name, type]) => ({ name, type, nullable: true })));
    }
    let file: InputFile;
    try {
      file = await InputFile.open(resolved);
    } catch (error) {
      ctx.problem('path', cannotRead(path, error));
      return EMPTY_SCHEMA;
    }
    await using _file = file;
    try {
      const inference = await this.infer(file);
      if (inference.lines === 0) {
        ctx.problem('path', `${path} has no JSON lines to infer a schema from; declare the columns under schema: to read it as zero rows`);
        return EMPTY_SCHEMA;
      }
      this.sampleLines = inference.lines;
      return inference.schema();
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      ctx.problem('path', error.message);
      return EMPTY_SCHEMA;
    }
  }

  /** Reads the sample: up to SAMPLE_LINES non-blank lines within about SAMPLE_BYTES. */
  private async infer(file: InputFile): Promise<SchemaInference> {
    const path = this.options.path;
    const splitter = new LineSplitter(path);
    const inference = new SchemaInference(new LineScanner(path));
    let read = 0;
    let ended = true;
    for await (const chunk of file.chunks(Math.min(this.chunkSize, SAMPLE_BYTES))) {
      read += chunk.length;
      splitter.push(chunk);
      splitter.feed(inference, SAMPLE_LINES - inference.lines);
      if (inference.lines >= SAMPLE_LINES || (read >= SAMPLE_BYTES && inference.lines > 0)) {
        ended = false;
        break;
      }
    }
    if (ended) {
      splitter.finish();
      splitter.feed(inference, SAMPLE_LINES - inference.lines);
    }
    return inference;
  }

  /**
   * Projection pushdown, for a declared schema only: the columns not read are then keys outside
   * the schema, which a declared schema already validates as JSON and ignores. An inferred schema
   * makes a key it does not list an error naming every column, and telling such a key from a
   * column that is merely not read would need the native parser to learn it: not done, so the
   * source then reads every column.
   */
  override project(): boolean {
    return this.options.schema !== undefined;
  }

  async *stream(ctx: StageContext): AsyncGenerator<RecordBatch> {
    await using file = await InputFile.open(ctx.resolvePath(this.options.path));
    yield* this.read(this.bytes(file, 0, Infinity, ctx), { line: 1, atFileStart: true }, this.sampleLines, ctx);
  }

  /** The bytes [start, end) of `file`: mapped with the native kernels, else copied. */
  private bytes(file: InputFile, start: number, end: number, ctx: StageContext): AsyncGenerator<Uint8Array> {
    const map = fileMapper(ctx.kernels.implementation);
    return map === null ? byteRange(file, start, end, this.chunkSize, ctx.signal) : mappedRange(file, start, end, this.chunkSize, map, ctx.signal);
  }

  /** Nominal splits of SPLIT_BYTES (or `splitBytes`), whatever the thread count: see ndjson/splits.ts. */
  override async splits(ctx: StageContext): Promise<SourceSplit[]> {
    const path = ctx.resolvePath(this.options.path);
    const sampleLines = this.sampleLines;
    const splits = cutFile(path, (await stat(path)).size, this.splitBytes ?? splitBytes(SPLIT_BYTES));
    return sampleLines === undefined ? splits : splits.map((split): NdjsonSplit => ({ ...split, sampleLines }));
  }

  /** The split after one that covered `previous`, with its first line number (its start is always right). */
  override continueSplit(next: SourceSplit, previous: SplitExtent): SourceSplit {
    return continueFileSplit(asFileSplit(next), previous);
  }

  /** Reads the lines that start in a split's nominal range; errors name their true line. */
  override async *streamSplit(split: SourceSplit, ctx: StageContext): AsyncGenerator<RecordBatch, SplitExtent, undefined> {
    const s = asFileSplit(split) as NdjsonSplit;
    await using file = await InputFile.open(s.path);
    const start = await lineStartFrom(file, s.start);
    const end = s.end >= s.size ? Infinity : await lineStartFrom(file, s.end);
    const line = s.firstLine ?? 1;
    let read = 0;
    const counted = async function* (chunks: AsyncIterable<Uint8Array>) {
      for await (const chunk of chunks) {
        read += chunk.length;
        yield chunk;
      }
    };
    try {
      const after = yield* this.read(counted(this.bytes(file, start, end, ctx)), { line, atFileStart: start === 0 }, s.sampleLines, ctx);
      const extent = { start, end: start + read, lines: after - line };
      return s.firstLine === undefined ? extent : { ...extent, firstLine: s.firstLine };
    } catch (error) {
      if (!(error instanceof DataError) || s.firstLine !== undefined) throw error;
      const shift = (await lineAt(s.path, start, true)) - line;
      throw new DataError(error.file, error.line + shift, error.column, error.detail);
    }
  }

  /** Reads the lines of `chunks` (which begin on line `start.line`); returns the line number after the last. */
  private async *read(chunks: AsyncIterable<Uint8Array>, start: { line: number; atFileStart: boolean }, sampleLines: number | undefined, ctx: StageContext): AsyncGenerator<RecordBatch, number, undefined> {
    const { path, schema: declared } = this.options;
    const batchSize = ctx.batchSize;
    const origin = { declared: declared !== undefined, sampleLines };
    const Native = nativeNdjsonParser(ctx.kernels.implementation);
    ctx.recordImplementation(Native === null ? 'js' : 'native');
    if (Native !== null) {
      const reader = new NativeNdjsonReader(Native, ctx.schema, path, origin, batchSize, start);
      yield* readNative(reader, chunks, ctx);
      return reader.nextLine;
    }
    const splitter = new LineSplitter(path, start);
    const parser = new RowParser(ctx.schema, path, origin, batchSize);
    for await (const chunk of chunks) {
      ctx.signal.throwIfAborted();
      ctx.addBytesRead(chunk.length);
      splitter.push(chunk);
      yield* fullBatches(splitter, parser, batchSize, ctx.signal);
    }
    splitter.finish();
    yield* fullBatches(splitter, parser, batchSize, ctx.signal);
    if (parser.rows > 0) yield parser.takeBatch();
    return splitter.line;
  }
}

/** The native twin of the loop in `stream`: the same chunks, lines and batches, parsed in Rust. */
async function* readNative(reader: NativeNdjsonReader, chunks: AsyncIterable<Uint8Array>, ctx: StageContext): AsyncGenerator<RecordBatch> {
  for await (const chunk of chunks) {
    ctx.signal.throwIfAborted();
    ctx.addBytesRead(chunk.length);
    reader.push(chunk);
    yield* reader.batches(ctx.signal);
  }
  reader.finish();
  yield* reader.batches(ctx.signal);
  if (reader.buffered > 0) yield reader.takeBatch();
}

/** Parses the pending lines, yielding each batch as it fills; the rows left over stay in `parser`. */
function* fullBatches(splitter: LineSplitter, parser: RowParser, batchSize: number, signal: AbortSignal): Generator<RecordBatch> {
  while (splitter.pending) {
    splitter.feed(parser, batchSize - parser.rows);
    if (parser.rows === batchSize) {
      // A chunk can hold many batches: stop between them too once aborted.
      signal.throwIfAborted();
      yield parser.takeBatch();
    }
  }
}

function cannotRead(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
  return `cannot read ${path}: ${reason}`;
}
