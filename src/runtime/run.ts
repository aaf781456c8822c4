/**
 * Running a checked plan: the stages are chained lazily (source → transforms → sink), each output
 * metered by the runtime, with one AbortSignal for the whole run.
 */
import { statSync } from 'node:fs';
import type { RecordBatch } from '../batch/record-batch.js';
import { metered, newMetrics, annotate, type StageMetrics, type Tap } from '../flow/meter.js';
import { jsKernels, selectKernels, type Kernels } from '../kernels/index.js';
import { degradingKernels } from '../kernels/degrade.js';
import type { BreakerState } from '../flow/outcome.js';
import { DeadLetterQueue } from '../flow/policy/dead-letters.js';
import { consumeSink, runTransform, type PolicyHooks } from '../flow/policy/stream.js';
import { StageError, InterruptedError, toError } from './errors.js';
import { newRunId, runLogger, stageLogger, type Logger } from '../observe/logger.js';
import type { StageContext } from '../registry/stage.js';
import type { Plan, PlannedStage } from './plan.js';
import { planParallel } from './parallel/engine.js';
import { WorkerPool } from './pool.js';

export interface RunOptions {
  /** Cancels the run: sources stop, sinks remove their temporary files. */
  readonly signal?: AbortSignal;
  /** Kernels to use; default: chosen from SLUICE_KERNELS (native when the addon loads). */
  readonly kernels?: Kernels;
  /** Carried by every log line of the run and by the report; default: a fresh UUID. */
  readonly runId?: string;
  /** Called once the pipeline is opened, before the first batch: live metrics for progress and reports. */
  readonly onStart?: (run: OpenedRun) => void;
  /** Sees every batch leaving every stage (for `--sample`); absent, the meter does nothing extra. */
  readonly tap?: Tap;
  /**
   * A worker pool the caller started (`new WorkerPool({ threads })`) and closes: the run uses it
   * instead of starting its own, so a program running many jobs pays the workers' start once and
   * keeps their code warm. Its size replaces the job's `threads:`, except `threads: 0` (the job
   * then runs on the main thread). The run never closes it.
   */
  readonly pool?: WorkerPool;
}

export interface StageReport {
  readonly place: string;
  readonly type: string;
  readonly kind: StageMetrics['kind'];
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly batchesIn: number;
  readonly batchesOut: number;
  readonly bytesRead: number;
  /** Size of what the source reads, when known. */
  readonly bytesTotal?: number;
  /** Time spent in this stage itself (excluding upstream stages), ms. */
  readonly busyMs: number;
  /** Time this stage's output waited on the stages after it (backpressure), ms. */
  readonly waitMs: number;
  readonly errors: number;
  /** `native`, `js`, `native+js`, or `none` when the stage called no kernel. */
  readonly implementation: string;
  /** Whether some of the stage's work ran on the worker pool. */
  readonly workerThreads: boolean;
  readonly output?: string;
  /**
   * Rows dropped by design (a filter's non-matches, rows past a limit); sinks: 0. Counted batch by
   * batch for a stage under a policy, else derived (rows in − out − skipped − dead-lettered).
   */
  readonly rowsFiltered: number;
  /** Aggregations only: rows that went into the aggregate. */
  readonly rowsConsumed?: number;
  readonly rowsSkipped: number;
  readonly rowsDeadLettered: number;
  readonly retries: number;
  readonly breaker: BreakerState;
  /** Kernel calls redone on the TypeScript twin after the native kernel threw. */
  readonly degradedToTwin: number;
  /** Why an optional sink failed. */
  readonly failed?: string;
}

export interface RunSummary {
  readonly runId: string;
  readonly job?: string;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly wallMs: number;
  readonly rowsPerSecond: number;
  readonly kernels: Kernels['implementation'];
  readonly stages: readonly StageReport[];
  readonly output?: string;
  /** Why the run is degraded (exit code 4): an optional sink failed, rows skipped or dead-lettered, kernels fell back. Empty: not degraded. */
  readonly degraded: readonly string[];
  /** The job's dead-letter sink and the rows it received. */
  readonly deadLetter?: { readonly type: string; readonly rows: number; readonly output?: string };
}

/** A running pipeline without its sink: the output stream plus metrics for the summary. */
export interface OpenedRun {
  readonly output: AsyncGenerator<RecordBatch>;
  readonly controller: AbortController;
  readonly metrics: StageMetrics[];
  readonly kernels: Kernels;
  readonly started: number;
  readonly runId: string;
  readonly log: Logger;
  context(planned: PlannedStage, metrics: StageMetrics): StageContext;
  /** What the policies use: the dead-letter output and the input file. */
  readonly hooks: PolicyHooks;
  /** The dead-letter queue and its sink's metrics, when the job has a `dead_letter:` sink. */
  readonly deadLetter?: { readonly queue: DeadLetterQueue; readonly metrics: StageMetrics; readonly done: Promise<void> };
  /** Ends the dead-letter output: commits it after success; after `error`, makes it abort. */
  finish(error?: Error): Promise<void>;
}

export function openRun(plan: Plan, options: RunOptions = {}): OpenedRun {
  if (options.pool !== undefined && !(options.pool instanceof WorkerPool)) throw new TypeError(`options.pool must be a WorkerPool (got ${options.pool === null ? 'null' : typeof options.pool})`);
  if (options.pool?.isClosed) throw new TypeError('options.pool: the worker pool is closed');
  const kernels = options.kernels ?? selectKernels();
  const runId = options.runId ?? newRunId();
  const log = runLogger(runId);
  const controller = new AbortController();
  // Removed when the run finishes, so a caller's long-lived signal does not keep every run alive.
  const forwardAbort = () => controller.abort(options.signal!.reason);
  if (options.signal) {
    if (options.signal.aborted) controller.abort(options.signal.reason);
    else options.signal.addEventListener('abort', forwardAbort, { once: true });
  }
  const warnedKernels = new Set<string>();
  const context = (planned: PlannedStage, metrics: StageMetrics): StageContext => ({
    signal: controller.signal,
    batchSize: plan.batchSize,
    kernels: recordingKernels(
      degradingKernels(kernels, jsKernels, {
        onDegrade: (kernel, error) => {
          metrics.degradedToTwin++;
          metrics.implementations.add('js');
          if (warnedKernels.has(kernel)) return;
          warnedKernels.add(kernel);
          stageLogger(log, { index: -1, place: planned.place, type: planned.cls.type }).warn({ kernel, error: { name: error.name, message: error.message } }, `native kernel ${kernel} failed; the call was redone on its TypeScript twin (said once per kernel)`);
        },
      }),
      metrics,
    ),
    place: planned.place,
    schema: planned.schema,
    resolvePath: plan.resolvePath,
    addBytesRead: (bytes) => {
      metrics.bytesRead += bytes;
    },
    reportOutput: (where) => {
      metrics.output = where;
    },
    recordImplementation: (implementation) => {
      metrics.implementations.add(implementation);
    },
  });
  const metrics: StageMetrics[] = [];
  const deadLetter = startDeadLetter(plan, controller, context);
  const hooks: PolicyHooks = {
    reject: async (records) => {
      if (records.length === 0) return;
      if (deadLetter === undefined) throw new TypeError('rejected records but the job has no dead_letter sink (the planner should have said so)');
      await deadLetter.queue.push(records);
    },
    ...inputFile(plan),
  };
  const started = performance.now();
  // Layer 4: the source with the per-batch prefix (and an aggregation after it) may run as units on the pool.
  const block = planParallel(plan, { sampling: options.tap !== undefined });
  const opened = block?.open({ signal: controller.signal, kernels, log, context, reject: hooks.reject, ...(options.pool === undefined ? {} : { pool: options.pool }) });
  const sourceMetrics = opened?.metrics[0] ?? newMetrics(plan.source.place, plan.source.cls.type, 'source');
  sourceMetrics.bytesTotal = inputSize(plan);
  metrics.push(...(opened?.metrics ?? [sourceMetrics]));
  let stream = opened?.stream ?? metered(plan.source.stage.stream(context(plan.source, sourceMetrics)), sourceMetrics, plan.source.schema, controller.signal, options.tap);
  for (const planned of plan.transforms.slice(block?.covered ?? 0)) {
    const m = newMetrics(planned.place, planned.cls.type, 'transform');
    metrics.push(m);
    stream = metered(runTransform(planned, stream, context(planned, m), m, hooks), m, planned.schema, controller.signal, options.tap);
  }
  // Which columns the source reads (projection pushdown), so a log shows what was parsed at all.
  log.info({ job: plan.job.file, kernels: kernels.implementation, stages: metrics.map((m) => m.type), sourceColumns: plan.source.schema.names }, 'run started');
  const finish = async (error?: Error): Promise<void> => {
    options.signal?.removeEventListener('abort', forwardAbort);
    if (deadLetter === undefined) return;
    if (error === undefined) deadLetter.queue.close();
    else deadLetter.queue.fail(error);
    try {
      await deadLetter.done;
    } catch (failure) {
      if (error === undefined) throw failure;
    }
  };
  const run: OpenedRun = { output: stream, controller, metrics, kernels, started, runId, log, context, hooks, finish, ...(deadLetter === undefined ? {} : { deadLetter }) };
  options.onStart?.(run);
  return run;
}

/**
 * Starts the job's dead-letter sink beside the pipeline, fed by a queue; if it fails, the whole
 * run is aborted with its error (named `dead_letter`).
 */
function startDeadLetter(plan: Plan, controller: AbortController, context: OpenedRun['context']): OpenedRun['deadLetter'] {
  const planned = plan.deadLetter;
  if (planned === undefined) return undefined;
  const queue = new DeadLetterQueue();
  const metrics = newMetrics(planned.place, planned.cls.type, 'sink');
  const done = (async () => {
    try {
      await planned.stage.consume(queue, context(planned, metrics));
    } catch (error) {
      const failure = annotate(error, metrics);
      // Stages waiting for room in the queue must not wait forever on a sink that is gone.
      queue.fail(failure);
      if (!controller.signal.aborted) controller.abort(failure);
      throw failure;
    }
  })();
  // Observed here so a failure while the pipeline runs is not an unhandled rejection; finish() reports it.
  done.catch(() => undefined);
  return { queue, metrics, done };
}

/** The file the source reads, for the positions of rejected records. */
function inputFile(plan: Plan): { file?: string } {
  const path = (plan.source.stage.options as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? { file: plan.resolvePath(path) } : {};
}

/**
 * The size of the file a source reads, when its options name one (`path`), so progress can show
 * bytes read of the total without every source having to report it; undefined otherwise.
 */
function inputSize(plan: Plan): number | undefined {
  const path = (plan.source.stage.options as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string') return undefined;
  try {
    return statSync(plan.resolvePath(path)).size;
  } catch {
    return undefined;
  }
}

/** Runs a plan through its sink and reports what happened. */
export async function runPlan(plan: Plan, options: RunOptions = {}): Promise<RunSummary> {
  if (plan.sink === undefined) throw new TypeError('runPlan: the job has no sink (use Pipeline.batches() or rows() to collect the output)');
  const run = openRun(plan, options);
  const sinkMetrics = newMetrics(plan.sink.place, plan.sink.cls.type, 'sink');
  run.metrics.push(sinkMetrics);
  const started = performance.now();
  const sink = plan.sink;
  try {
    // An optional sink gets a view whose early return leaves the stream open, so after it fails the input can still be drained.
    const input = sink.policy.optional ? shielded(run.output) : run.output;
    try {
      await consumeSink(sink, input, run.context(sink, sinkMetrics), sinkMetrics, run.hooks);
    } catch (error) {
      const e = toError(error);
      if (!sink.policy.optional || run.controller.signal.aborted || e instanceof InterruptedError || e.name === 'AbortError') throw e;
      sinkMetrics.errors++;
      sinkMetrics.failed = e instanceof StageError ? e.cause.message : e.message;
      stageLogger(run.log, { index: run.metrics.length - 1, place: sink.place, type: sink.cls.type }).warn(
        { error: { name: e.name, message: e.message } },
        `optional sink ${sink.place} (${sink.cls.type}) failed; the run goes on without its output (degraded)`,
      );
      for await (const _batch of run.output);
    }
    await run.finish();
  } catch (error) {
    run.controller.abort(error);
    await run.finish(toError(error));
    throw annotate(error, sinkMetrics);
  } finally {
    sinkMetrics.inclusiveMs = performance.now() - started;
    await run.output.return(undefined);
  }
  const summary = summarize(plan, run);
  for (const [index, stage] of summary.stages.entries()) stageLogger(run.log, { index, place: stage.place, type: stage.type }).debug({ metrics: stage }, 'stage finished');
  run.log.info({ rowsIn: summary.rowsIn, rowsOut: summary.rowsOut, wallMs: Math.round(summary.wallMs) }, 'run finished');
  return summary;
}


/** `stream` as an iterable whose `return()` does not close it. */
function shielded(stream: AsyncGenerator<RecordBatch>): AsyncIterable<RecordBatch> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => stream.next(),
      return: async () => ({ done: true as const, value: undefined }),
    }),
  };
}

export function summarize(plan: Plan, run: OpenedRun): RunSummary {
  const wallMs = performance.now() - run.started;
  const stages = run.metrics.map((m, i): StageReport => {
    const upstream = run.metrics[i - 1];
    const rowsIn = upstream?.rowsOut ?? 0;
    const batchesIn = upstream?.batchesOut ?? 0;
    const lost = m.rowsSkipped + m.rowsDeadLettered;
    // A sink that failed (optional) wrote nothing that stays: all its input counts as skipped.
    const sinkOut = m.failed !== undefined ? 0 : m.counted ? m.rowsOut : rowsIn - lost;
    const rowsOut = m.kind === 'sink' ? sinkOut : m.rowsOut;
    const rowsSkipped = m.kind === 'sink' && m.failed !== undefined ? rowsIn - m.rowsDeadLettered : m.rowsSkipped;
    const aggregate = m.kind === 'transform' && m.accounting === 'aggregate';
    const rowsFiltered = m.kind !== 'transform' || aggregate ? 0 : m.counted ? m.rowsFiltered : rowsIn - rowsOut - lost;
    return {
      place: m.place,
      type: m.type,
      kind: m.kind,
      rowsIn,
      rowsOut,
      batchesIn,
      batchesOut: m.kind === 'sink' ? 0 : m.batchesOut,
      bytesRead: m.bytesRead,
      ...(m.bytesTotal === undefined ? {} : { bytesTotal: m.bytesTotal }),
      busyMs: Math.max(0, m.inclusiveMs - (upstream?.inclusiveMs ?? 0)),
      waitMs: m.waitMs,
      errors: m.errors,
      implementation: m.implementations.size === 0 ? 'none' : [...m.implementations].sort().reverse().join('+'),
      workerThreads: m.workerThreads === true,
      ...(m.output === undefined ? {} : { output: m.output }),
      rowsFiltered,
      ...(aggregate ? { rowsConsumed: rowsIn - lost } : {}),
      rowsSkipped,
      rowsDeadLettered: m.rowsDeadLettered,
      retries: m.retries,
      breaker: m.breaker?.() ?? 'none',
      degradedToTwin: m.degradedToTwin,
      ...(m.failed === undefined ? {} : { failed: m.failed }),
    };
  });
  const degraded: string[] = [];
  for (const s of stages) {
    if (s.failed !== undefined) degraded.push(`${s.place} (${s.type}) failed and is optional: its output is missing (${s.failed})`);
    if (s.rowsSkipped > 0 && s.failed === undefined) degraded.push(`${s.place} (${s.type}) skipped ${s.rowsSkipped} rows (on_error: skip)`);
    if (s.rowsDeadLettered > 0) degraded.push(`${s.place} (${s.type}) sent ${s.rowsDeadLettered} rows to the dead-letter output`);
    if (s.degradedToTwin > 0) degraded.push(`${s.place} (${s.type}) redid ${s.degradedToTwin} native kernel calls on the TypeScript twins`);
  }
  const dl = run.deadLetter;
  const rowsIn = run.metrics[0]!.rowsOut;
  const last = run.metrics[run.metrics.length - 1]!;
  const rowsOut = last.kind === 'sink' ? (run.metrics[run.metrics.length - 2]?.rowsOut ?? 0) : last.rowsOut;
  return {
    runId: run.runId,
    ...(plan.job.file === undefined ? {} : { job: plan.job.file }),
    rowsIn,
    rowsOut,
    wallMs,
    rowsPerSecond: wallMs > 0 ? (rowsIn / wallMs) * 1000 : 0,
    kernels: run.kernels.implementation,
    stages,
    ...(last.output === undefined ? {} : { output: last.output }),
    degraded,
    ...(dl === undefined ? {} : { deadLetter: { type: dl.metrics.type, rows: dl.queue.rows, ...(dl.metrics.output === undefined ? {} : { output: dl.metrics.output }) } }),
  };
}

/** The run's kernels, recording per stage which implementation each call used. */
function recordingKernels(kernels: Kernels, metrics: StageMetrics): Kernels {
  // Every kernel of the set is implemented natively, so a call records the set's implementation.
  // Every function of the set is wrapped, so a kernel added to the interface needs no line here.
  const wrapped: Record<string, unknown> = { implementation: kernels.implementation };
  for (const [name, kernel] of Object.entries(kernels)) {
    if (typeof kernel !== 'function') continue;
    wrapped[name] = (...args: unknown[]): unknown => {
      metrics.implementations.add(kernels.implementation);
      return (kernel as (...a: unknown[]) => unknown)(...args);
    };
  }
  return wrapped as unknown as Kernels;
}
