/**
 * The contract between the resilience layer (retry, timeout, circuit breaker, error policy) and
 * whatever executes a per-batch stage — the main thread or a pool worker. Everything here is plain
 * data, so an outcome computed in a worker crosses back to the main thread by structured clone.
 */
import type { RecordBatch } from '../batch/record-batch.js';

/** A stage's circuit breaker as reports show it; `none` when the stage has no breaker. */
export type BreakerState = 'closed' | 'open' | 'half_open' | 'none';

/** What a stage does with a unit (a batch) that still fails after its retries. */
export type OnError = 'fail' | 'skip' | 'dead_letter';

/** Options any stage accepts beside its `type` (ARCHITECTURE.md), parsed and defaulted. */
export interface StagePolicy {
  /** Absent: a failure is not retried. */
  readonly retry?: {
    /** Total attempts including the first (≥ 1). */
    readonly attempts: number;
    /** First backoff delay, ms; later ones grow exponentially with jitter. */
    readonly initialDelayMs: number;
    /** Upper bound of any one delay, ms. */
    readonly maxDelayMs: number;
  };
  /** Per attempt, ms; absent: no timeout. */
  readonly timeoutMs?: number;
  readonly circuitBreaker?: {
    /** Consecutive failures that open the breaker. */
    readonly failureThreshold: number;
    /** How long the breaker stays open before one probe is let through (half-open), ms. */
    readonly halfOpenAfterMs: number;
  };
  readonly onError: OnError;
  /** false lets a parallel stage hand batches on in completion order instead of input order. */
  readonly ordered: boolean;
  /** A sink marked optional may fail without failing the run (the run is reported degraded). */
  readonly optional: boolean;
}

export const DEFAULT_POLICY: StagePolicy = { onError: 'fail', ordered: true, optional: false };

/** Where a batch sits in the input: enough to find a rejected record again. */
export interface InputPosition {
  /**
   * Index of the row in the input stream of the stage that rejected it, counted from 0: for the
   * first transform that is the row's index in the source's output (the data row of a CSV file),
   * for a later stage the row's index among the rows that reached it.
   */
  readonly row: number;
  /** The file the source reads, when it reads one. */
  readonly file?: string;
}

/** One record (or one whole batch, for batch-level failures) a stage rejected. */
export interface RejectedRecord {
  readonly place: string;
  readonly type: string;
  readonly error: string;
  readonly position: InputPosition;
  /** The record as a JSON object (int64 as decimal strings); absent for a whole-batch rejection. */
  readonly record?: Record<string, unknown>;
  /** Rows covered: 1 for a record, the batch's row count for a whole batch. */
  readonly rows: number;
}

/** What one batch through one stage came to, under its policy. */
export interface BatchOutcome {
  /** Rows handed on; null when nothing passed. */
  readonly output: RecordBatch | null;
  readonly rowsIn: number;
  /** Rows the stage itself dropped (a filter's non-matches): rowsIn − out − skipped − deadLettered. */
  readonly rowsFiltered: number;
  readonly rowsSkipped: number;
  readonly rowsDeadLettered: number;
  readonly retries: number;
  readonly rejected: readonly RejectedRecord[];
  /** Batches redone on the TypeScript twin after a native kernel failed. */
  readonly degradedToTwin: number;
  /**
   * The stage's circuit breaker after this unit, on the thread that ran it (each thread has its
   * own breaker); absent without a breaker.
   */
  readonly breaker?: BreakerState;
}
