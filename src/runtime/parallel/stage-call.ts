/**
 * One batch through one per-batch stage under its policy: the single place the parallel engine
 * calls a stage's `processBatch`, on the main thread and in workers alike, so retry, timeout and
 * the error policy (the resilience layer's `processBatchWithPolicy`) apply wherever the batch runs.
 */
export { processBatchWithPolicy as processBatchUnderPolicy } from '../../flow/policy.js';
