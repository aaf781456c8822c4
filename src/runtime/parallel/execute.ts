/**
 * Running one unit (a split through the per-batch prefix, optionally into an accumulator) or one
 * batch through the prefix. The same code runs inline on the main thread (`threads: 0`, or a
 * stage the workers cannot rebuild) and inside a pool worker, so results do not depend on where
 * a unit ran.
 */
import { RecordBatch } from '../../batch/record-batch.js';
import type { Schema } from '../../batch/schema.js';
import type { InputPosition, StagePolicy } from '../../flow/outcome.js';
import type { Accumulator, BatchTransform, Source, SourceSplit, SplitExtent, StageContext, Transform } from '../../registry/stage.js';
import { threadId } from 'node:worker_threads';
import { DataError, InterruptedError, StageError, toError } from '../errors.js';
import { processBatchUnderPolicy, updateUnderPolicy } from './stage-call.js';
import type { StageCounts, UnitFailure } from './unit.js';

/** One stage of a unit, built and given its context. */
export interface UnitStage<S> {
  readonly stage: S;
  readonly place: string;
  readonly type: string;
  readonly policy: StagePolicy;
  readonly schema: Schema;
  readonly ctx: StageContext;
}

/** A unit's stages: source, prefix, optional aggregation; counts are indexed in that order. */
export interface UnitStages {
  readonly source: UnitStage<Source>;
  readonly prefix: readonly UnitStage<BatchTransform>[];
  readonly aggregate?: UnitStage<Transform>;
  /** The input file, for rejected records' positions. */
  readonly file?: string;
}

export interface SplitEnd {
  readonly extent?: SplitExtent;
  readonly partial?: unknown;
  readonly sourceRows: number;
}

/**
 * Reads `split` and yields what leaves the prefix; with an aggregation, feeds it instead and
 * returns its partial. Counts go to `counts` (source, prefix..., aggregate) as they happen.
 * `onSourceBatch` is called after each batch the source reads; a promise it returns is awaited.
 */
export async function* runSplit(
  stages: UnitStages,
  split: SourceSplit,
  counts: readonly StageCounts[],
  reached: number[] = [],
  onSourceBatch?: () => Promise<void> | void,
): AsyncGenerator<RecordBatch, SplitEnd, undefined> {
  const { source, aggregate } = stages;
  const accumulator: Accumulator | undefined = aggregate === undefined ? undefined : guard(aggregate, counts, 1 + stages.prefix.length, () => aggregate.stage.accumulator!(aggregate.ctx));
  const iterator = source.stage.streamSplit!(split, source.ctx);
  let sourceRows = 0;
  let extent: SplitExtent | undefined;
  let handed: number | undefined;
  try {
    for (;;) {
      source.ctx.signal.throwIfAborted();
      const started = performance.now();
      // Between two pulls the source waited on the prefix and on whatever consumes this split.
      if (handed !== undefined) counts[0]!.waitMs += started - handed;
      let next: IteratorResult<RecordBatch, SplitExtent | void>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw failure(error, source, counts[0]!);
      } finally {
        counts[0]!.busyMs += performance.now() - started;
      }
      if (next.done) {
        extent = next.value ?? undefined;
        break;
      }
      const batch = checked(next.value, source, counts[0]!);
      counts[0]!.rowsOut += batch.numRows;
      counts[0]!.batchesOut++;
      const paused = onSourceBatch?.();
      if (paused !== undefined) await paused;
      handed = performance.now();
      const out = await throughPrefix(stages, batch, counts, reached);
      sourceRows += batch.numRows;
      if (out === null) continue;
      if (accumulator !== undefined) {
        const index = 1 + stages.prefix.length;
        const count = counts[index]!;
        const row = reached[index] ?? 0;
        reached[index] = row + out.numRows;
        const position: InputPosition = { row, ...(stages.file === undefined ? {} : { file: stages.file }) };
        const started = performance.now();
        try {
          const outcome = await updateUnderPolicy(aggregate!.stage, accumulator, out, aggregate!.ctx, aggregate!.policy, position);
          count.rowsSkipped += outcome.rowsSkipped;
          count.rowsDeadLettered += outcome.rowsDeadLettered;
          count.retries += outcome.retries;
          if (outcome.rejected.length > 0) count.rejected.push(...outcome.rejected);
          if (outcome.breaker !== undefined) count.breaker = { thread: threadId, state: outcome.breaker };
        } catch (error) {
          throw failure(error, aggregate!, count);
        } finally {
          count.busyMs += performance.now() - started;
        }
      } else yield out;
    }
  } finally {
    await iterator.return?.(undefined);
  }
  const end: SplitEnd = { sourceRows, ...(extent === undefined ? {} : { extent }) };
  if (accumulator === undefined) return end;
  return { ...end, partial: guard(aggregate!, counts, 1 + stages.prefix.length, () => accumulator.toPartial()) };
}

/**
 * `batch` through every prefix stage in turn; null when a stage let nothing through.
 * `reached[i + 1]` counts the rows that reached prefix stage i so far: a batch's position in the
 * stage's input (for rejected records), advanced here.
 */
export async function throughPrefix(stages: UnitStages, batch: RecordBatch, counts: readonly StageCounts[], reached: number[]): Promise<RecordBatch | null> {
  let current = batch;
  for (const [i, step] of stages.prefix.entries()) {
    const count = counts[i + 1]!;
    const row = reached[i + 1] ?? 0;
    reached[i + 1] = row + current.numRows;
    const position: InputPosition = { row, ...(stages.file === undefined ? {} : { file: stages.file }) };
    const started = performance.now();
    let outcome;
    try {
      outcome = await processBatchUnderPolicy(step.stage, current, step.ctx, step.policy, position);
    } catch (error) {
      throw failure(error, step, count);
    } finally {
      count.busyMs += performance.now() - started;
    }
    count.rowsFiltered += outcome.rowsFiltered;
    count.rowsSkipped += outcome.rowsSkipped;
    count.rowsDeadLettered += outcome.rowsDeadLettered;
    count.retries += outcome.retries;
    count.degradedToTwin += outcome.degradedToTwin;
    if (outcome.rejected.length > 0) count.rejected.push(...outcome.rejected);
    if (outcome.breaker !== undefined) count.breaker = { thread: threadId, state: outcome.breaker };
    if (outcome.output === null || outcome.output.numRows === 0) return null;
    current = checked(outcome.output, step, count);
    count.rowsOut += current.numRows;
    count.batchesOut++;
  }
  return current;
}

/** The checks the meter makes on the main thread: a RecordBatch of the declared schema. */
function checked(batch: unknown, step: UnitStage<unknown>, count: StageCounts): RecordBatch {
  if (!RecordBatch.isRecordBatch(batch)) {
    count.errors++;
    throw new StageError(step.place, step.type, new TypeError(`yielded ${typeof batch === 'object' ? 'an object' : typeof batch} that is not a RecordBatch`));
  }
  if (batch.schema !== step.schema && !batch.schema.equals(step.schema)) {
    count.errors++;
    throw new StageError(step.place, step.type, new TypeError(`yielded a batch of schema {${batch.schema}} but declared {${step.schema}}`));
  }
  return batch;
}

function guard<T>(step: UnitStage<unknown>, counts: readonly StageCounts[], index: number, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw failure(error, step, counts[index]!);
  }
}

/** An error raised by `step`, carrying its place (once: an annotated or abort error passes). */
function failure(error: unknown, step: UnitStage<unknown>, count: StageCounts): Error {
  const e = toError(error);
  if (e instanceof StageError || e instanceof InterruptedError || e.name === 'AbortError') return e;
  // The run's own abort reason, rethrown by a stage that saw the signal: it stays what it was.
  if (step.ctx.signal.aborted && error === step.ctx.signal.reason) return e;
  count.errors++;
  return new StageError(step.place, step.type, e);
}

/** A unit's error as plain data, to cross back to the main thread. */
export function toFailure(error: unknown, fallback: { place: string; type: string }): UnitFailure {
  const e = toError(error);
  const stage = e instanceof StageError ? { place: e.place, type: e.stageType } : fallback;
  const root = e instanceof StageError ? e.cause : e;
  return {
    ...stage,
    name: root.name,
    message: root.message,
    ...(root instanceof DataError ? { data: { file: root.file, line: root.line, column: root.column, detail: root.detail } } : {}),
  };
}

/** The error a failure stood for, rebuilt on the main thread. */
export function fromFailure(failure: UnitFailure): Error {
  let cause: Error;
  if (failure.data !== undefined) cause = new DataError(failure.data.file, failure.data.line, failure.data.column, failure.data.detail);
  else {
    cause = failure.name === 'TypeError' ? new TypeError(failure.message) : failure.name === 'RangeError' ? new RangeError(failure.message) : new Error(failure.message);
    if (cause.name !== failure.name) cause.name = failure.name;
  }
  return new StageError(failure.place, failure.type, cause);
}
