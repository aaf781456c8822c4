/**
 * The unit of parallel work, as plain data: a split of the source plus the per-batch prefix of
 * the plan (and, optionally, the decomposable aggregation right after it). It holds no function
 * and no class instance, so it can go to a worker thread today and to another machine later: the
 * receiver rebuilds each stage from its type and raw options through the registry.
 */
import type { Field } from '../../batch/schema.js';
import type { RecordBatchData } from '../../batch/record-batch.js';
import type { BreakerState, StagePolicy, RejectedRecord } from '../../flow/outcome.js';
import type { Implementation } from '../../kernels/index.js';
import type { SourceSplit, SplitExtent } from '../../registry/stage.js';

/** A stage as the receiver rebuilds it. */
export interface StageSpecData {
  readonly place: string;
  readonly type: string;
  /** The registering class's name: a receiver whose registry maps `type` to another class refuses. */
  readonly className: string;
  /** The options as written in the job (minus `type` and the policy keys), validated again on arrival. */
  readonly options: Record<string, unknown>;
  readonly policy: StagePolicy;
}

/** What every unit of one run shares. */
export interface UnitJob {
  /** Folder relative paths resolve against (the job file's). */
  readonly baseDir: string;
  /** Plugin modules as the job names them (paths relative to baseDir, or package names). */
  readonly plugins: readonly string[];
  readonly batchSize: number;
  readonly kernels: Implementation;
  /** The source's planned schema (projected, when the plan projects): a receiver never re-infers it. */
  readonly sourceFields: readonly Field[];
  /**
   * Projection pushdown: the source's whole schema when it reads only `sourceFields`; the
   * receiver tells its rebuilt source so (`Source.project`), as the planner told the main thread's.
   */
  readonly sourceFileFields?: readonly Field[];
  readonly source: StageSpecData;
  /** Consecutive per-batch transforms right after the source. */
  readonly prefix: readonly StageSpecData[];
  /** A decomposable aggregation right after the prefix: the unit returns its partial. */
  readonly aggregate?: StageSpecData;
}

export interface UnitSpec {
  readonly job: UnitJob;
  readonly split: SourceSplit;
  /**
   * Live progress for this process only (not part of the portable unit): the worker stores the
   * rows and bytes its source has read so far at `2·slot` and `2·slot + 1`, so progress and an
   * interrupted run's report can count a unit before it completes.
   */
  readonly progress?: { readonly buffer: SharedArrayBuffer; readonly slot: number };
}

/** A batch through the prefix alone (sources without splits send their batches one by one). */
export interface BatchTask {
  readonly job: UnitJob;
  readonly batch: RecordBatchData;
}

/** Per stage of a unit (source, prefix..., aggregate): what the main thread adds to its metrics. */
export interface StageCounts {
  rowsOut: number;
  /** Time the stage's output waited on what came after it, ms. */
  waitMs: number;
  batchesOut: number;
  busyMs: number;
  bytesRead: number;
  errors: number;
  rowsFiltered: number;
  rowsSkipped: number;
  rowsDeadLettered: number;
  retries: number;
  degradedToTwin: number;
  implementations: Implementation[];
  /** Positions relative to the unit's split (or batch): offset by the rows before it when merging. */
  rejected: RejectedRecord[];
  /** The stage's circuit breaker on the thread that ran the unit, after its last batch (one breaker per thread). */
  breaker?: { readonly thread: number; readonly state: BreakerState };
}

export function newCounts(): StageCounts {
  return { rowsOut: 0, waitMs: 0, batchesOut: 0, busyMs: 0, bytesRead: 0, errors: 0, rowsFiltered: 0, rowsSkipped: 0, rowsDeadLettered: 0, retries: 0, degradedToTwin: 0, implementations: [], rejected: [] };
}

/** A failure inside a unit, as plain data (the main thread rebuilds a StageError or DataError from it). */
export interface UnitFailure {
  readonly place: string;
  readonly type: string;
  readonly name: string;
  readonly message: string;
  /** A DataError's fields, so exit code 3 and the file:line survive the thread hop. */
  readonly data?: { file: string; line: number; column: number | undefined; detail: string };
}

export type UnitResult =
  | {
      readonly ok: true;
      /** Output batches in order (no aggregate), their buffers transferred. */
      readonly batches: readonly RecordBatchData[];
      /** The aggregate's partial, when the unit has one. */
      readonly partial?: unknown;
      /** Rows the source produced for this unit. */
      readonly sourceRows: number;
      readonly extent?: SplitExtent;
      readonly counts: readonly StageCounts[];
    }
  | { readonly ok: false; readonly failure: UnitFailure; readonly counts: readonly StageCounts[] };

