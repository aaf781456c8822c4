/**
 * Running a checked plan: the stages are chained lazily (source → transforms → sink), each output
 * metered by the runtime, with one AbortSignal for the whole run.
 */
import { statSync } from 'node:fs';
import type { RecordBatch } from '../batch/record-batch.js';
import { metered, newMetrics, annotate, type StageMetrics, type Tap } from '../flow/meter.js';
import { selectKernels, type Kernels } from '../kernels/index.js';
import { newRunId, runLogger, stageLogger, type Logger } from '../observe/logger.js';
import type { StageContext } from '../registry/stage.js';
import type { Plan, PlannedStage } from './plan.js';

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
  readonly output?: string;
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
}

export function openRun(plan: Plan, options: RunOptions = {}): OpenedRun {
  const kernels = options.kernels ?? selectKernels();
  const runId = options.runId ?? newRunId();
  const log = runLogger(runId);
  const controller = new AbortController();
  if (options.signal) {
    if (options.signal.aborted) controller.abort(options.signal.reason);
    else options.signal.addEventListener('abort', () => controller.abort(options.signal!.reason), { once: true });
  }
  const context = (planned: PlannedStage, metrics: StageMetrics): StageContext => ({
    signal: controller.signal,
    batchSize: plan.batchSize,
    kernels: recordingKernels(kernels, metrics),
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
  const sourceMetrics = newMetrics(plan.source.place, plan.source.cls.type, 'source');
  sourceMetrics.bytesTotal = inputSize(plan);
  metrics.push(sourceMetrics);
  const started = performance.now();
  let stream = metered(plan.source.stage.stream(context(plan.source, sourceMetrics)), sourceMetrics, plan.source.schema, controller.signal, options.tap);
  for (const planned of plan.transforms) {
    const m = newMetrics(planned.place, planned.cls.type, 'transform');
    metrics.push(m);
    stream = metered(planned.stage.transform(stream, context(planned, m)), m, planned.schema, controller.signal, options.tap);
  }
  log.info({ job: plan.job.file, kernels: kernels.implementation, stages: metrics.map((m) => m.type) }, 'run started');
  const run: OpenedRun = { output: stream, controller, metrics, kernels, started, runId, log, context };
  options.onStart?.(run);
  return run;
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
  try {
    await plan.sink.stage.consume(run.output, run.context(plan.sink, sinkMetrics));
  } catch (error) {
    run.controller.abort(error);
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


export function summarize(plan: Plan, run: OpenedRun): RunSummary {
  const wallMs = performance.now() - run.started;
  const stages = run.metrics.map((m, i): StageReport => {
    const upstream = run.metrics[i - 1];
    const rowsIn = upstream?.rowsOut ?? 0;
    const batchesIn = upstream?.batchesOut ?? 0;
    return {
      place: m.place,
      type: m.type,
      kind: m.kind,
      rowsIn,
      rowsOut: m.kind === 'sink' ? rowsIn : m.rowsOut,
      batchesIn,
      batchesOut: m.kind === 'sink' ? 0 : m.batchesOut,
      bytesRead: m.bytesRead,
      ...(m.bytesTotal === undefined ? {} : { bytesTotal: m.bytesTotal }),
      busyMs: Math.max(0, m.inclusiveMs - (upstream?.inclusiveMs ?? 0)),
      waitMs: m.waitMs,
      errors: m.errors,
      implementation: m.implementations.size === 0 ? 'none' : [...m.implementations].sort().reverse().join('+'),
      ...(m.output === undefined ? {} : { output: m.output }),
    };
  });
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
