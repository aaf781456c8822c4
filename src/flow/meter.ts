/**
 * Layer 2: what the runtime wraps around every stage's output stream. A stage never times,
 * counts or annotates itself; this wrapper does, so every stage (plugins included) gets the same
 * metrics and the same error policy.
 */
import { RecordBatch } from '../batch/record-batch.js';
import type { Schema } from '../batch/schema.js';
import type { Implementation } from '../kernels/index.js';
import { InterruptedError, StageError, toError } from '../runtime/errors.js';
import type { BreakerState } from './outcome.js';

export interface StageMetrics {
  readonly place: string;
  readonly type: string;
  readonly kind: 'source' | 'transform' | 'sink';
  batchesOut: number;
  rowsOut: number;
  bytesRead: number;
  /** Size of the input the source reads, when known (a file source's file size), for progress. */
  bytesTotal: number | undefined;
  /** Time spent inside this stage's stream including everything upstream of it, in ms. */
  inclusiveMs: number;
  /**
   * Time between handing a batch downstream and being asked for the next one, in ms: the
   * downstream stages' own work, i.e. how long this stage was held back (backpressure).
   */
  waitMs: number;
  /** Errors raised by this stage (not ones passing through from upstream). */
  errors: number;
  /** Kernel implementations the stage called. */
  readonly implementations: Set<Implementation>;
  /** Where a sink put its output, as it reported it. */
  output?: string;
  /** Set when some of the stage's work ran on the worker pool. */
  workerThreads?: boolean;
  /** Rows a stage dropped by design (a filter's non-matches), counted batch by batch under a policy. */
  rowsFiltered: number;
  /** Rows of units that failed under `on_error: skip` (and the rest of an optional sink's input after it failed). */
  rowsSkipped: number;
  /** Rows sent to the dead-letter output. */
  rowsDeadLettered: number;
  /** Attempts beyond the first, over all units. */
  retries: number;
  /** Kernel calls redone on the TypeScript twin after the native kernel threw. */
  degradedToTwin: number;
  /**
   * `rows`: rows in = out + filtered + skipped + dead-lettered; `aggregate` (a decomposable
   * aggregation): rows in = consumed + skipped + dead-lettered.
   */
  accounting: 'rows' | 'aggregate';
  /**
   * Whether filtered rows (and, for sinks, rows written) were counted unit by unit (a stage under
   * a policy) rather than derived from rows in and out.
   */
  counted: boolean;
  /** The stage's breaker state, when it has a breaker. */
  breaker?: () => BreakerState;
  /** Why an optional sink failed (the run goes on, degraded). */
  failed?: string;
}

export function newMetrics(place: string, type: string, kind: StageMetrics['kind']): StageMetrics {
  return {
    place,
    type,
    kind,
    batchesOut: 0,
    rowsOut: 0,
    bytesRead: 0,
    bytesTotal: undefined,
    inclusiveMs: 0,
    waitMs: 0,
    errors: 0,
    implementations: new Set(),
    rowsFiltered: 0,
    rowsSkipped: 0,
    rowsDeadLettered: 0,
    retries: 0,
    degradedToTwin: 0,
    accounting: 'rows',
    counted: false,
  };
}

/** Sees each batch a stage hands on (for `sluice run --sample`). */
export type Tap = (metrics: StageMetrics, batch: RecordBatch) => void;

/** Errors from a stage carry its place; an error already carrying an upstream place passes unchanged. */
export function annotate(error: unknown, metrics: StageMetrics): Error {
  const e = toError(error);
  if (e instanceof StageError || e instanceof InterruptedError || e.name === 'AbortError') return e;
  metrics.errors++;
  return new StageError(metrics.place, metrics.type, e);
}

/**
 * Meters `stream`: counts batches and rows, times each pull, checks every batch against the
 * declared schema, annotates errors, honours `signal`, and closes the stream when the consumer
 * stops early (its `return()` runs through to the source).
 */
export async function* metered(stream: AsyncIterable<RecordBatch>, metrics: StageMetrics, schema: Schema, signal: AbortSignal, tap?: Tap): AsyncGenerator<RecordBatch> {
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      signal.throwIfAborted();
      const started = performance.now();
      let next: IteratorResult<RecordBatch>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw annotate(error, metrics);
      } finally {
        metrics.inclusiveMs += performance.now() - started;
      }
      if (next.done) return;
      const batch = next.value;
      if (!RecordBatch.isRecordBatch(batch)) {
        metrics.errors++;
        throw new StageError(metrics.place, metrics.type, new TypeError(`yielded ${typeof batch === 'object' ? 'an object' : typeof batch} that is not a RecordBatch`));
      }
      if (batch.schema !== schema && !batch.schema.equals(schema)) {
        metrics.errors++;
        throw new StageError(metrics.place, metrics.type, new TypeError(`yielded a batch of schema {${batch.schema}} but declared {${schema}}`));
      }
      metrics.batchesOut++;
      metrics.rowsOut += batch.numRows;
      tap?.(metrics, batch);
      const handed = performance.now();
      yield batch;
      metrics.waitMs += performance.now() - handed;
    }
  } finally {
    await iterator.return?.();
  }
}
