/** Helpers for the csv source and csv_file sink tests: temp files, running one stage alone. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { RecordBatch, type Schema } from '../src/index.js';
import { CsvFileSink } from '../src/stages/sinks/csv-file.js';
import { CsvSource } from '../src/stages/sources/csv.js';
import { streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';

const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-csv-'));
  dirs.push(dir);
  return dir;
}

/** Writes `content` to a file `name` in a fresh temporary folder; returns the folder. */
export async function fileWith(content: string | Uint8Array, name = 'data.csv'): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, name), content);
  return dir;
}

export interface ReadOptions {
  readonly header?: boolean;
  readonly delimiter?: string;
  readonly schema?: Record<string, string>;
  readonly batchSize?: number;
  readonly chunkSize?: number;
}

export function csvSource(options: ReadOptions = {}, path = 'data.csv'): CsvSource {
  const { batchSize: _b, chunkSize, ...rest } = options;
  const source = new CsvSource(CsvSource.options.parse({ path, ...rest }));
  if (chunkSize !== undefined) source.chunkSize = chunkSize;
  return source;
}

export interface ReadResult {
  readonly schema: Schema;
  readonly batches: RecordBatch[];
  readonly rows: Record<string, unknown>[];
  readonly bytesRead: number;
}

/** Plans and reads data.csv in `dir`; fails if planning records a problem. */
export async function readDir(dir: string, options: ReadOptions = {}): Promise<ReadResult> {
  const source = csvSource(options);
  const plan = testPlanContext({ baseDir: dir });
  const schema = await source.schema(plan);
  if (plan.problems.length > 0) throw new Error(`problems: ${plan.problems.join('; ')}`);
  const ctx = testStageContext({ schema, baseDir: dir, batchSize: options.batchSize ?? 65_536 });
  const batches: RecordBatch[] = [];
  for await (const batch of source.stream(ctx)) batches.push(batch);
  return { schema, batches, rows: batches.flatMap((b) => b.toRows()), bytesRead: ctx.bytesRead };
}

/** Reads `content` as data.csv. */
export async function readCsv(content: string | Uint8Array, options: ReadOptions = {}): Promise<ReadResult> {
  return readDir(await fileWith(content), options);
}

/** The problems planning records for `content`. */
export async function planProblems(content: string | Uint8Array, options: ReadOptions = {}): Promise<string[]> {
  const dir = await fileWith(content);
  const plan = testPlanContext({ baseDir: dir });
  await csvSource(options).schema(plan);
  return plan.problems;
}

/** The error reading `content` throws (planning must succeed). */
export async function readError(content: string | Uint8Array, options: ReadOptions = {}): Promise<Error> {
  try {
    await readCsv(content, options);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected reading to fail');
}

/** Writes `batches` with the csv_file sink into a fresh folder; returns the folder and the text. */
export async function writeCsv(schema: Schema, batches: RecordBatch[], options: { delimiter?: string } = {}): Promise<{ dir: string; text: string; output: string | undefined }> {
  const dir = await tempDir();
  const sink = new CsvFileSink(CsvFileSink.options.parse({ path: 'data.csv', ...options }));
  const ctx = testStageContext({ schema, baseDir: dir });
  await sink.consume(streamOf(batches), ctx);
  return { dir, text: await readFile(join(dir, 'data.csv'), 'utf8'), output: ctx.output };
}

export function rowsOf(schema: Schema, rows: Record<string, unknown>[]): RecordBatch {
  return RecordBatch.fromRows(schema, rows as never);
}
