/**
 * Layer 4, resilience: one unit of work (one batch through one stage, one accumulator update, one
 * batch write of a sink) run under the stage's {@link StagePolicy}, built on cockatiel 3: retry
 * with exponential backoff and decorrelated jitter, a timeout per attempt, a consecutive-failure
 * circuit breaker; then the error policy (`fail`, `skip`, `dead_letter`) for a unit that still
 * fails.
 *
 * Usable on the main thread and inside a pool worker: nothing here touches main-thread state
 * except the circuit breaker, which lives per stage instance per thread (a WeakMap keyed on the
 * stage object; a worker builds its own stage instances, so each worker has its own breaker).
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  decorrelatedJitterGenerator,
  handleAll,
  handleWhen,
  noop,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type GeneratorFn,
  type IPolicy,
  type RetryPolicy,
} from 'cockatiel';
import { concatBatches } from '../batch/concat.js';
import type { RecordBatch } from '../batch/record-batch.js';
import type { Accumulator, BatchTransform, StageClass, StageContext, Transform } from '../registry/stage.js';
import { StageError, toError } from '../runtime/errors.js';
import type { BatchOutcome, BreakerState, InputPosition, RejectedRecord, StagePolicy } from './outcome.js';
import { untilAborted } from './abortable.js';
import { needsPolicy } from './policy/keys.js';

export type { BreakerState } from './outcome.js';

const NONE: readonly RejectedRecord[] = Object.freeze([]);

/**
 * Decorrelated jitter (cockatiel's default generator) bounded to [1 ms, maxDelay]: the raw formula
 * overflows to Infinity after ~1000 attempts and gives near-zero delays for tiny random draws, and
 * neither may reach a timer.
 */
export const boundedJitter: GeneratorFn<[number, number]> = (state, options) => {
  const [delay, next] = decorrelatedJitterGenerator(state, options);
  const bounded = Number.isFinite(delay) ? Math.min(options.maxDelay, Math.max(1, delay)) : options.maxDelay;
  return [bounded, next];
};

/** The cockatiel policies of one stage instance on this thread. */
export interface StageExecutor {
  /** Retry ∘ breaker ∘ timeout, for a whole unit. */
  readonly unit: IPolicy;
  /** Timeout only, for the single-record re-runs of dead-letter isolation. */
  readonly single: IPolicy;
  readonly breaker: CircuitBreakerPolicy | undefined;
  /** The retry policy, when the stage retries (its onRetry event reports each delay). */
  readonly retry: RetryPolicy | undefined;
}

const executors = new WeakMap<object, StageExecutor>();

/** The executor of `stage` under `policy`, made once per stage instance per thread. */
export function executorFor(stage: object, policy: StagePolicy): StageExecutor {
  let executor = executors.get(stage);
  if (executor === undefined) {
    executor = buildExecutor(policy);
    executors.set(stage, executor);
  }
  return executor;
}

export function buildExecutor(policy: StagePolicy): StageExecutor {
  const perAttempt = policy.timeoutMs === undefined ? noop : timeout(policy.timeoutMs, TimeoutStrategy.Aggressive);
  const breaker =
    policy.circuitBreaker === undefined
      ? undefined
      : circuitBreaker(handleAll, { halfOpenAfter: policy.circuitBreaker.halfOpenAfterMs, breaker: new ConsecutiveBreaker(policy.circuitBreaker.failureThreshold) });
  // An open breaker is an answer, not a failure to retry; an abort ends the run.
  const retryable = handleWhen((error) => !(error instanceof BrokenCircuitError) && !isAbort(error));
  const retrying =
    policy.retry === undefined || policy.retry.attempts <= 1
      ? undefined
      : retry(retryable, {
          maxAttempts: policy.retry.attempts - 1,
          backoff: new ExponentialBackoff({ generator: boundedJitter, initialDelay: policy.retry.initialDelayMs, maxDelay: policy.retry.maxDelayMs }),
        });
  return { unit: wrap(retrying ?? noop, breaker ?? noop, perAttempt), single: perAttempt, breaker, retry: retrying };
}

export function breakerState(executor: StageExecutor | undefined): BreakerState {
  const state = executor?.breaker?.state;
  if (state === undefined) return 'none';
  return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half_open' : 'open';
}

/** The breaker state of `stage` on this thread (`none` without a breaker). */
export function stageBreakerState(stage: object): BreakerState {
  return breakerState(executors.get(stage));
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'InterruptedError');
}

/** The context with the attempt's signal, so a stage that honours `ctx.signal` stops on its timeout. */
function withSignal(ctx: StageContext, signal: AbortSignal | undefined): StageContext {
  return signal === undefined || signal === ctx.signal ? ctx : (Object.create(ctx, { signal: { value: signal, enumerable: true } }) as StageContext);
}

function typeOf(stage: object): string {
  return (stage.constructor as StageClass).type ?? stage.constructor.name;
}

function describeFailure(error: Error, policy: StagePolicy): string {
  if (error instanceof TaskCancelledError) return `timed out after ${policy.timeoutMs} ms`;
  if (error instanceof BrokenCircuitError) return 'circuit breaker open (the stage failed too often in a row)';
  return error.message;
}

/**
 * Runs `fn` under `policy`, counting attempts; throws the last error. An abort of the run ends the
 * wait at once, also during a backoff delay (cockatiel's delay does not listen to the signal; the
 * attempt after it sees the abort and never calls the stage).
 */
async function attempt<T>(policy: IPolicy, ctx: StageContext, fn: (ctx: StageContext) => T | Promise<T>, counter: { attempts: number }): Promise<T> {
  const run = policy.execute(async ({ signal }) => {
    ctx.signal.throwIfAborted();
    counter.attempts++;
    return fn(withSignal(ctx, signal));
  }, ctx.signal) as Promise<T>;
  return untilAborted(run, ctx.signal);
}

/** A row as plain JSON data: int64/timestamp values beyond doubles kept exact as decimal strings. */
export function rowRecord(batch: RecordBatch, row: number): Record<string, unknown> {
  const values = batch.slice(row, row + 1).toRows()[0] as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) record[key] = typeof value === 'bigint' ? value.toString() : value;
  return record;
}

interface Failure {
  readonly error: Error;
  readonly retries: number;
}

/**
 * What to do with a unit that failed after its retries. `fail` throws a StageError naming the
 * stage's place; otherwise the caller gets the failure back and applies `skip` or `dead_letter`.
 */
function settle(stage: object, ctx: StageContext, policy: StagePolicy, error: unknown, attempts: number): Failure {
  const e = toError(error);
  if (ctx.signal.aborted) throw toError(ctx.signal.reason ?? e);
  if (isAbort(e)) throw e;
  const described = e instanceof TaskCancelledError || e instanceof BrokenCircuitError ? new Error(describeFailure(e, policy), { cause: e }) : e;
  if (policy.onError === 'fail') {
    const suffix = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    if (described instanceof StageError) throw described;
    // The cause stays the stage's own error (a DataError keeps its exit code); only the message gains the attempts.
    const failure = new StageError(ctx.place, typeOf(stage), described);
    failure.message += suffix;
    throw failure;
  }
  return { error: described, retries: Math.max(0, attempts - 1) };
}

function rejectedBatch(stage: object, ctx: StageContext, batch: RecordBatch, error: Error, position: InputPosition): RejectedRecord {
  return { place: ctx.place, type: typeOf(stage), error: error.message, position, rows: batch.numRows };
}

/**
 * Dead-letter isolation of a batch that failed as a whole: its halves are re-run (timeout only, no
 * retry), a half that passes is kept whole and a failing one is halved again, down to single
 * records, which are rejected. For k failing records among n rows that is O(k log n) calls
 * instead of n, and the passing pieces stay in input order. `run` returns what a piece gave and
 * must keep nothing itself: only the value of an attempt that ended in time is kept, since a
 * timed-out call may still finish later (a stage that ignores its signal) while its piece is
 * being isolated again.
 */
async function isolate<T>(
  stage: object,
  batch: RecordBatch,
  ctx: StageContext,
  policy: StagePolicy,
  position: InputPosition,
  single: IPolicy,
  whole: Error,
  run: (piece: RecordBatch, ctx: StageContext) => T | Promise<T>,
): Promise<{ rejected: RejectedRecord[]; kept: T[] }> {
  const rejected: RejectedRecord[] = [];
  const kept: T[] = [];
  const visit = async (start: number, end: number): Promise<void> => {
    if (end - start > 1) {
      const mid = start + ((end - start) >>> 1);
      for (const [from, to] of [[start, mid], [mid, end]] as const) {
        try {
          kept.push(await attempt(single, ctx, (c) => run(batch.slice(from, to), c), { attempts: 0 }));
        } catch (error) {
          if (ctx.signal.aborted) throw toError(ctx.signal.reason);
          if (isAbort(error)) throw error;
          if (to - from === 1) {
            rejected.push({ place: ctx.place, type: typeOf(stage), error: describeFailure(toError(error), policy), position: { ...position, row: position.row + from }, record: rowRecord(batch, from), rows: 1 });
          } else await visit(from, to);
        }
      }
      return;
    }
    // A one-row batch that failed as a whole is its own failing record.
    rejected.push({ place: ctx.place, type: typeOf(stage), error: whole.message, position: { ...position, row: position.row + start }, record: rowRecord(batch, start), rows: 1 });
  };
  if (batch.numRows > 0) await visit(0, batch.numRows);
  return { rejected, kept };
}

/**
 * One batch through one per-batch stage under its policy. On success the output (and the rows the
 * stage filtered); after the last failed attempt: `fail` throws a StageError naming the stage's
 * place, `skip` drops the batch (rowsSkipped), `dead_letter` re-runs the stage on halves of
 * the batch (timeout only, no retry; see `isolate`) so that only the records that fail are rejected and the rest
 * pass in order. When the breaker is open the batch is rejected whole (rows = the batch's rows).
 */
export async function processBatchWithPolicy(stage: BatchTransform, batch: RecordBatch, ctx: StageContext, policy: StagePolicy, position: InputPosition): Promise<BatchOutcome> {
  if (!needsPolicy(policy)) {
    // The default policy: one plain call, no executor, and an error propagates unchanged (the caller names the stage).
    const output = await stage.processBatch(batch, ctx);
    const out = output === null || output.numRows === 0 ? null : output;
    return { output: out, rowsIn: batch.numRows, rowsFiltered: batch.numRows - (out?.numRows ?? 0), rowsSkipped: 0, rowsDeadLettered: 0, retries: 0, rejected: NONE, degradedToTwin: 0 };
  }
  const executor = executorFor(stage, policy);
  const counter = { attempts: 0 };
  const rowsIn = batch.numRows;
  try {
    const output = await attempt(executor.unit, ctx, (c) => stage.processBatch(batch, c), counter);
    const out = output === null || output.numRows === 0 ? null : output;
    return { output: out, rowsIn, rowsFiltered: rowsIn - (out?.numRows ?? 0), rowsSkipped: 0, rowsDeadLettered: 0, retries: counter.attempts - 1, rejected: [], degradedToTwin: 0 };
  } catch (error) {
    const failure = settle(stage, ctx, policy, error, counter.attempts);
    if (policy.onError === 'skip') {
      return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: rowsIn, rowsDeadLettered: 0, retries: failure.retries, rejected: [], degradedToTwin: 0 };
    }
    if (failure.error.cause instanceof BrokenCircuitError) {
      const rejected = [rejectedBatch(stage, ctx, batch, failure.error, position)];
      return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: rowsIn, retries: failure.retries, rejected, degradedToTwin: 0 };
    }
    const { rejected, kept } = await isolate(stage, batch, ctx, policy, position, executor.single, failure.error, (piece, c) => stage.processBatch(piece, c));
    const outputs = kept.filter((out): out is RecordBatch => out !== null && out.numRows > 0);
    const output = outputs.length === 0 ? null : concatBatches(ctx.schema, outputs);
    const rowsOut = output?.numRows ?? 0;
    return { output, rowsIn, rowsFiltered: rowsIn - rowsOut - rejected.length, rowsSkipped: 0, rowsDeadLettered: rejected.length, retries: failure.retries, rejected, degradedToTwin: 0 };
  }
}

/**
 * One batch into a decomposable aggregation's accumulator under the policy. Atomic per batch: the
 * batch updates a fresh accumulator whose partial is merged only when the whole update succeeded,
 * so a failing (or retried) batch leaves no half-update. `dead_letter` isolates records the same
 * way, one fresh accumulator per row. The outcome's `output` is always null; rows consumed are
 * `rowsIn − rowsSkipped − rowsDeadLettered`.
 */
export async function updateWithPolicy(stage: Transform, into: Accumulator, batch: RecordBatch, ctx: StageContext, policy: StagePolicy, position: InputPosition): Promise<BatchOutcome> {
  const fresh = stage.accumulator?.bind(stage);
  if (fresh === undefined) throw new TypeError(`${ctx.place}: updateWithPolicy needs a stage with accumulator()`);
  if (!needsPolicy(policy)) {
    // The default policy fails the run on an error, so a half-update is never seen: update in place.
    into.update(batch);
    return { output: null, rowsIn: batch.numRows, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: 0, retries: 0, rejected: NONE, degradedToTwin: 0 };
  }
  const executor = executorFor(stage, policy);
  const counter = { attempts: 0 };
  const rowsIn = batch.numRows;
  const partialOf = (b: RecordBatch, c: StageContext) => {
    const accumulator = fresh(c);
    accumulator.update(b);
    return accumulator.toPartial();
  };
  try {
    into.merge(await attempt(executor.unit, ctx, (c) => partialOf(batch, c), counter));
    return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: 0, retries: counter.attempts - 1, rejected: [], degradedToTwin: 0 };
  } catch (error) {
    const failure = settle(stage, ctx, policy, error, counter.attempts);
    if (policy.onError === 'skip') return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: rowsIn, rowsDeadLettered: 0, retries: failure.retries, rejected: [], degradedToTwin: 0 };
    if (failure.error.cause instanceof BrokenCircuitError) {
      return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: rowsIn, retries: failure.retries, rejected: [rejectedBatch(stage, ctx, batch, failure.error, position)], degradedToTwin: 0 };
    }
    const { rejected, kept } = await isolate(stage, batch, ctx, policy, position, executor.single, failure.error, partialOf);
    for (const partial of kept) into.merge(partial);
    return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: rejected.length, retries: failure.retries, rejected, degradedToTwin: 0 };
  }
}

/**
 * One batch write of a sink under the policy. A write is not isolated record by record (a failed
 * write may have written part of the batch): after the last attempt, `skip` drops the batch and
 * `dead_letter` rejects every row of it, each with its record.
 */
export async function writeWithPolicy(
  sink: object,
  write: (batch: RecordBatch, ctx: StageContext) => void | Promise<void>,
  batch: RecordBatch,
  ctx: StageContext,
  policy: StagePolicy,
  position: InputPosition,
): Promise<BatchOutcome> {
  const rowsIn = batch.numRows;
  if (!needsPolicy(policy)) {
    await write(batch, ctx);
    return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: 0, retries: 0, rejected: NONE, degradedToTwin: 0 };
  }
  const executor = executorFor(sink, policy);
  const counter = { attempts: 0 };
  try {
    await attempt(executor.unit, ctx, (c) => write(batch, c), counter);
    return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: 0, retries: counter.attempts - 1, rejected: [], degradedToTwin: 0 };
  } catch (error) {
    const failure = settle(sink, ctx, policy, error, counter.attempts);
    if (policy.onError === 'skip') return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: rowsIn, rowsDeadLettered: 0, retries: failure.retries, rejected: [], degradedToTwin: 0 };
    const rejected = Array.from({ length: rowsIn }, (_, row): RejectedRecord => ({
      place: ctx.place,
      type: typeOf(sink),
      error: failure.error.message,
      position: { ...position, row: position.row + row },
      record: rowRecord(batch, row),
      rows: 1,
    }));
    return { output: null, rowsIn, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: rowsIn, retries: failure.retries, rejected, degradedToTwin: 0 };
  }
}
