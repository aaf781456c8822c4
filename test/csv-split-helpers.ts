/**
 * Helpers for the split tests of the file sources: `readBySplits` does what the engine does with a
 * speculative source (read every split as cut, then in split order make each split exact from its
 * predecessor's extent and re-read it when its guessed start was wrong or it failed), so the tests
 * can compare the result with `stream()` without the pool.
 */
import type { RecordBatch, Schema } from '../src/index.js';
import type { Source, SourceSplit, SplitExtent, StageContext } from '../src/registry/stage.js';
import { testPlanContext, testStageContext } from '../src/testing/context.js';
import type { Kernels } from '../src/kernels/index.js';

type Read = { batches: RecordBatch[]; extent: SplitExtent } | { error: Error };

export interface SplitRead {
  readonly batches: RecordBatch[];
  readonly splits: number;
  /** Splits re-read because their guessed start was not the predecessor's end. */
  readonly wrongGuesses: number;
  /** Splits re-read because reading the guess failed (though its start was right). */
  readonly failedGuesses: number;
  /** The extents finally used, in split order. */
  readonly extents: SplitExtent[];
  /** The splits as cut, and the indexes of those read twice. */
  readonly cut: SourceSplit[];
  readonly reread: number[];
}

async function readOne(source: Source, split: SourceSplit, ctx: StageContext): Promise<Read> {
  const batches: RecordBatch[] = [];
  const it = source.streamSplit!(split, ctx);
  try {
    for (;;) {
      const step = await it.next();
      if (step.done) {
        if (step.value === undefined) throw new Error(`split ${split.index} returned no extent`);
        return { batches, extent: step.value };
      }
      batches.push(step.value);
    }
  } catch (error) {
    return { error: error as Error };
  }
}

/**
 * Reads `source` split by split, verifying every guess as the engine does; throws the first exact
 * error. `reader` reads the splits: a stage rebuilt from the same options, as in a worker, which
 * never planned (default: `source`).
 */
export async function readBySplits(source: Source, ctx: StageContext, reader: Source = source): Promise<SplitRead> {
  const splits = await source.splits!(ctx);
  // JSON round trip: a split must be plain data (it crosses threads, later machines).
  const cut = splits.map((split) => JSON.parse(JSON.stringify(split)) as SourceSplit);
  expectSerialisable(splits, cut);
  const reads: Read[] = [];
  for (const split of cut) reads.push(await readOne(reader, split, ctx));
  let wrongGuesses = 0;
  let failedGuesses = 0;
  const reread: number[] = [];
  const extents: SplitExtent[] = [];
  const batches: RecordBatch[] = [];
  for (let k = 0; k < reads.length; k++) {
    let read = reads[k]!;
    if (k > 0) {
      const exact = JSON.parse(JSON.stringify(source.continueSplit!(cut[k]!, extents[k - 1]!))) as SourceSplit;
      const wrong = 'extent' in read && read.extent.start !== exact['start'];
      if (wrong || 'error' in read) {
        if (wrong) wrongGuesses++;
        else failedGuesses++;
        reread.push(k);
        read = await readOne(reader, exact, ctx);
      }
    }
    if ('error' in read) throw read.error;
    extents.push(read.extent);
    batches.push(...read.batches);
  }
  return { batches, splits: splits.length, wrongGuesses, failedGuesses, extents, cut, reread };
}

function expectSerialisable(splits: readonly SourceSplit[], cloned: readonly SourceSplit[]): void {
  const same = splits.every((split, i) => JSON.stringify(split) === JSON.stringify(cloned[i]) && Object.keys(split).every((key) => split[key] !== undefined || !(key in cloned[i]!)));
  if (!same) throw new Error('splits are not plain data');
}

export type Outcome = { rows: Record<string, unknown>[] } | { error: string };

/** Plans `source` in `dir`; fails when planning records a problem. */
export async function plan(source: Source, dir: string): Promise<Schema> {
  const ctx = testPlanContext({ baseDir: dir });
  const schema = await source.schema(ctx);
  if (ctx.problems.length > 0) throw new Error(`problems: ${ctx.problems.join('; ')}`);
  return schema;
}

export interface Both {
  readonly stream: Outcome;
  readonly splits: Outcome;
  readonly read: SplitRead | undefined;
  readonly bytesRead: { stream: number; splits: number };
}

/**
 * Reads with `stream()` and by splits, each as rows or the error message: a planned stage from
 * `make` streams and cuts, and a fresh one from `make` (as a worker would rebuild it) reads the splits.
 */
export async function readBothWays(make: () => Source, dir: string, options: { batchSize?: number; kernels?: Kernels } = {}): Promise<Both> {
  const planned = make();
  const schema = await plan(planned, dir);
  const context = () => testStageContext({ schema, baseDir: dir, batchSize: options.batchSize ?? 65_536, ...(options.kernels ? { kernels: options.kernels } : {}) });
  const streamCtx = context();
  let stream: Outcome;
  try {
    const rows: Record<string, unknown>[] = [];
    for await (const batch of planned.stream(streamCtx)) {
      expectBatchSize(batch, streamCtx.batchSize);
      rows.push(...batch.toRows());
    }
    stream = { rows };
  } catch (error) {
    stream = { error: (error as Error).message };
  }
  const splitCtx = context();
  let splits: Outcome;
  let read: SplitRead | undefined;
  try {
    read = await readBySplits(planned, splitCtx, make());
    for (const batch of read.batches) expectBatchSize(batch, splitCtx.batchSize);
    splits = { rows: read.batches.flatMap((batch) => batch.toRows()) };
  } catch (error) {
    splits = { error: (error as Error).message };
  }
  return { stream, splits, read, bytesRead: { stream: streamCtx.bytesRead, splits: splitCtx.bytesRead } };
}

function expectBatchSize(batch: RecordBatch, batchSize: number): void {
  if (batch.numRows < 1 || batch.numRows > batchSize) throw new Error(`a batch of ${batch.numRows} rows (batch size ${batchSize})`);
}
