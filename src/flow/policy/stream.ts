/**
 * The resilience layer applied to whole stage streams on the main thread: each transform's and
 * sink's unit (one batch) goes through its policy, the outcome is counted on the stage's metrics
 * (the accounting equation of the run summary) and its rejected records go to the dead-letter
 * output. A stage whose policy is the default keeps its own `transform`/`consume` untouched.
 */
import type { RecordBatch } from '../../batch/record-batch.js';
import { runBatchSink, type BatchSink, type BatchTransform, type Sink, type StageContext, type Transform } from '../../registry/stage.js';
import type { StageMetrics } from '../meter.js';
import type { BatchOutcome, RejectedRecord, StagePolicy } from '../outcome.js';
import { needsPolicy } from './keys.js';

/**
 * cockatiel and the policy layer are imported only when a stage has a policy: importing them costs
 * ~50 ms of start-up that a run with default policies (most runs) never needs.
 */
let loaded: Promise<typeof import('../policy.js')> | undefined;
function resilience(): Promise<typeof import('../policy.js')> {
  loaded ??= import('../policy.js');
  return loaded;
}

export interface PolicedStage<S> {
  readonly stage: S;
  readonly policy: StagePolicy;
}

export interface PolicyHooks {
  /** Sends rejected records to the job's dead-letter sink (waits when it is behind). */
  readonly reject: (records: readonly RejectedRecord[]) => Promise<void>;
  /** The source's file, carried in every rejected record's position. */
  readonly file?: string;
}

function count(metrics: StageMetrics, outcome: BatchOutcome): void {
  metrics.rowsFiltered += outcome.rowsFiltered;
  metrics.rowsSkipped += outcome.rowsSkipped;
  metrics.rowsDeadLettered += outcome.rowsDeadLettered;
  metrics.retries += outcome.retries;
}

function isAggregation(stage: Transform): boolean {
  return typeof stage.accumulator === 'function' && typeof stage.finishPartials === 'function';
}

/** The output stream of transform `planned` over `input`, under its policy. */
export function runTransform(planned: PolicedStage<Transform>, input: AsyncIterable<RecordBatch>, ctx: StageContext, metrics: StageMetrics, hooks: PolicyHooks): AsyncIterable<RecordBatch> {
  const { stage, policy } = planned;
  if (isAggregation(stage)) metrics.accounting = 'aggregate';
  if (!needsPolicy(policy)) return stage.transform(input, ctx);
  metrics.counted = true;
  if (typeof (stage as Partial<BatchTransform>).processBatch === 'function') return perBatch(stage as BatchTransform, policy, input, ctx, metrics, hooks);
  if (isAggregation(stage)) return aggregated(stage, policy, input, ctx, metrics, hooks);
  // The planner rejects unit keys on other transforms; keep the stage's own stream regardless.
  return stage.transform(input, ctx);
}

async function* perBatch(stage: BatchTransform, policy: StagePolicy, input: AsyncIterable<RecordBatch>, ctx: StageContext, metrics: StageMetrics, hooks: PolicyHooks): AsyncGenerator<RecordBatch> {
  const { processBatchWithPolicy, stageBreakerState } = await resilience();
  metrics.breaker = () => stageBreakerState(stage);
  let row = 0;
  for await (const batch of input) {
    const outcome = await processBatchWithPolicy(stage, batch, ctx, policy, { row, ...(hooks.file === undefined ? {} : { file: hooks.file }) });
    row += batch.numRows;
    count(metrics, outcome);
    await hooks.reject(outcome.rejected);
    if (outcome.output !== null) yield outcome.output;
  }
}

async function* aggregated(stage: Transform, policy: StagePolicy, input: AsyncIterable<RecordBatch>, ctx: StageContext, metrics: StageMetrics, hooks: PolicyHooks): AsyncGenerator<RecordBatch> {
  const { updateWithPolicy, stageBreakerState } = await resilience();
  metrics.breaker = () => stageBreakerState(stage);
  const accumulator = stage.accumulator!(ctx);
  let row = 0;
  for await (const batch of input) {
    const outcome = await updateWithPolicy(stage, accumulator, batch, ctx, policy, { row, ...(hooks.file === undefined ? {} : { file: hooks.file }) });
    row += batch.numRows;
    count(metrics, outcome);
    await hooks.reject(outcome.rejected);
  }
  yield* stage.finishPartials!([accumulator.toPartial()], ctx);
}

/** Whether the sink's writes can go through a policy (it is a BatchSink). */
export function isBatchSink(sink: Sink): sink is BatchSink {
  return typeof (sink as Partial<BatchSink>).write === 'function' && typeof (sink as Partial<BatchSink>).open === 'function';
}

/** Drives sink `planned` over `input` under its policy; rows written are counted as the sink's rows out. */
export async function consumeSink(planned: PolicedStage<Sink>, input: AsyncIterable<RecordBatch>, ctx: StageContext, metrics: StageMetrics, hooks: PolicyHooks): Promise<void> {
  const { stage, policy } = planned;
  if (!needsPolicy(policy) || !isBatchSink(stage)) return stage.consume(input, ctx);
  metrics.counted = true;
  const { writeWithPolicy, stageBreakerState } = await resilience();
  metrics.breaker = () => stageBreakerState(stage);
  let row = 0;
  const write = stage.write.bind(stage);
  await runBatchSink(stage, input, ctx, async (batch) => {
    const outcome = await writeWithPolicy(stage, write, batch, ctx, policy, { row, ...(hooks.file === undefined ? {} : { file: hooks.file }) });
    row += batch.numRows;
    count(metrics, outcome);
    metrics.rowsOut += batch.numRows - outcome.rowsSkipped - outcome.rowsDeadLettered;
    await hooks.reject(outcome.rejected);
  });
}
