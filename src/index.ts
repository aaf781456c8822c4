/**
 * sluice: a pluggable columnar analytics engine. This barrel is the public API: the batch layer,
 * the stage-author API, the embedding API and the compliance harness. Importing it registers the
 * built-in stages.
 */
import { builtinsLoaded } from './stages/builtins.js';

export { z } from 'zod';
export * from './batch/index.js';
export {
  Source,
  Transform,
  BatchTransform,
  Sink,
  BatchSink,
  StageBase,
  registerStage,
  lookupStage,
  stageTypes,
  StageDefinitionError,
  type StageKind,
  type StageClass,
  type StageContext,
  type PlanContext,
  type AnyStage,
} from './registry/index.js';
export { Pipeline } from './runtime/pipeline.js';
export {
  DEFAULT_POLICY,
  type StagePolicy,
  type OnError,
  type BatchOutcome,
  type RejectedRecord,
  type InputPosition,
  type BreakerState,
} from './flow/outcome.js';
/** Resilience: a unit of work under a stage's policy (retry, timeout, circuit breaker, on_error), usable in workers too. */
export { processBatchWithPolicy, updateWithPolicy, writeWithPolicy } from './flow/policy.js';
/** The rows of the job's dead_letter sink. */
export { DEAD_LETTER_SCHEMA } from './flow/policy/dead-letters.js';
/** The accounting equation of a run summary: every violation, empty when no row was lost or invented. */
export { checkAccounting } from './flow/policy/accounting.js';
export { planJob, DEFAULT_BATCH_SIZE, type Plan, type PlannedStage } from './runtime/plan.js';
export { runPlan, type RunOptions, type RunSummary, type StageReport } from './runtime/run.js';
export { WorkerPool, type PoolOptions } from './runtime/pool.js';
export { readJobFile, parseJobText, jobFromObject, type JobSpec, type StageSpec, type LoadedJob } from './runtime/job.js';
export { JobError, DataError, StageError, ExitCode, formatProblem, type Problem } from './runtime/errors.js';
export { selectKernels, jsKernels, COMPARE_OPS, type Kernels, type CompareOp, type Implementation } from './kernels/index.js';
export { AtomicFile, InputFile } from './flow/files.js';
export { testStageContext, testPlanContext, streamOf, collectRows, type TestContextOptions, type TestStageContext, type TestPlanContext } from './testing/context.js';
export {
  checkSourceCompliance,
  checkTransformCompliance,
  checkSinkCompliance,
  assertCompliant,
  ComplianceError,
  type ComplianceResult,
  type ComplianceCheck,
  type HarnessOptions,
  type Cases,
  type StageOptions,
  type Row,
  type SourceCases,
  type TransformCases,
  type SinkCases,
} from './testing/harness.js';

await builtinsLoaded;
