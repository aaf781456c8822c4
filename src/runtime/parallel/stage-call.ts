/**
 * One batch through one per-batch stage under its policy: the single place the parallel engine
 * calls a stage's `processBatch`, on the main thread and in workers alike, so retry, timeout and
 * the error policy (the resilience layer's `processBatchWithPolicy`) apply wherever the batch runs.
 *
 * The resilience layer (cockatiel) is imported only when a stage has a policy: importing it costs
 * each worker ~0.1 s of start-up, and the default policy is one plain call, exactly as
 * `processBatchWithPolicy` makes it.
 */
import type { RecordBatch } from '../../batch/record-batch.js';
import type { BatchOutcome, InputPosition, StagePolicy } from '../../flow/outcome.js';
import { needsPolicy } from '../../flow/policy/keys.js';
import type { Accumulator, BatchTransform, StageContext, Transform } from '../../registry/stage.js';

let resilience: Promise<typeof import('../../flow/policy.js')> | undefined;
const NONE: readonly never[] = [];

export async function processBatchUnderPolicy(stage: BatchTransform, batch: RecordBatch, ctx: StageContext, policy: StagePolicy, position: InputPosition): Promise<BatchOutcome> {
  if (needsPolicy(policy)) {
    resilience ??= import('../../flow/policy.js');
    const { processBatchWithPolicy, stageBreakerState } = await resilience;
    const outcome = await processBatchWithPolicy(stage, batch, ctx, policy, position);
    return policy.circuitBreaker === undefined ? outcome : { ...outcome, breaker: stageBreakerState(stage) };
  }
  const output = await stage.processBatch(batch, ctx);
  const out = output === null || output.numRows === 0 ? null : output;
  return { output: out, rowsIn: batch.numRows, rowsFiltered: batch.numRows - (out?.numRows ?? 0), rowsSkipped: 0, rowsDeadLettered: 0, retries: 0, rejected: NONE, degradedToTwin: 0 };
}

/**
 * One batch into a split's accumulator under the aggregation's policy (`updateWithPolicy`: atomic
 * per batch when the policy can skip or dead-letter it); the default policy updates in place.
 */
export async function updateUnderPolicy(stage: Transform, accumulator: Accumulator, batch: RecordBatch, ctx: StageContext, policy: StagePolicy, position: InputPosition): Promise<BatchOutcome> {
  if (needsPolicy(policy)) {
    resilience ??= import('../../flow/policy.js');
    const { updateWithPolicy, stageBreakerState } = await resilience;
    const outcome = await updateWithPolicy(stage, accumulator, batch, ctx, policy, position);
    return policy.circuitBreaker === undefined ? outcome : { ...outcome, breaker: stageBreakerState(stage) };
  }
  accumulator.update(batch);
  return { output: null, rowsIn: batch.numRows, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: 0, retries: 0, rejected: NONE, degradedToTwin: 0 };
}
