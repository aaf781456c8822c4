/**
 * The parallel block of a run: the source, the per-batch prefix of the transforms and optionally
 * the decomposable aggregation after it, run as units of work (a split each) on the pool, or
 * inline on the main thread (`threads: 0`, a single split, or stages the workers cannot rebuild).
 * Inline and pooled runs read the same splits, so results are bit-identical for any `threads`.
 *
 * Split mode (the source has `splits()`): at most 2 × threads units in flight, results handed on
 * in split order (completion order when the prefix's last stage says `ordered: false` and there is
 * nothing to verify or merge); speculative splits are verified in order with `continueSplit` and
 * re-read as exact splits when the guess was wrong or the read failed. Batch mode (no splits):
 * the source runs on the main thread and each batch goes through the prefix on the pool.
 */
import { availableParallelism } from 'node:os';
import { RecordBatch } from '../../batch/record-batch.js';
import { metered, newMetrics, type StageMetrics } from '../../flow/meter.js';
import { DEFAULT_POLICY, type BreakerState, type RejectedRecord, type StagePolicy } from '../../flow/outcome.js';
import type { Kernels } from '../../kernels/index.js';
import type { Logger } from '../../observe/logger.js';
import type { BatchTransform, Source, SourceSplit, SplitExtent, StageContext, Transform } from '../../registry/stage.js';
import { StageError, toError } from '../errors.js';
import type { Plan, PlannedStage } from '../plan.js';
import { takePool, UncloneableError, WorkerDiedError, type WorkerPool } from '../pool.js';
import { fromFailure, runSplit, throughPrefix, type SplitEnd, type UnitStage, type UnitStages } from './execute.js';
import { forTransfer, keptForResend } from './transfer.js';
import { untilAborted } from '../../flow/abortable.js';
import { peelPolicyKeys } from '../../flow/policy/keys.js';
import { newCounts, type StageCounts, type StageSpecData, type UnitJob, type UnitResult } from './unit.js';
import { setImmediate as eventLoopTurn } from 'node:timers/promises';

/** What the block needs from the run. */
export interface BlockEnv {
  readonly signal: AbortSignal;
  readonly kernels: Kernels;
  readonly log: Logger;
  context(planned: PlannedStage, metrics: StageMetrics): StageContext;
  /** Sends rejected records to the dead-letter output. */
  readonly reject?: (records: readonly RejectedRecord[]) => Promise<void>;
  /** A pool the caller lent (`RunOptions.pool`): used instead of starting one, never closed by the run. */
  readonly pool?: WorkerPool;
}

export interface ParallelBlock {
  /** Transforms the block covers (the prefix, plus the aggregation when there is one). */
  readonly covered: number;
  /** The block's output and the metrics of its stages (source first). */
  open(env: BlockEnv): { stream: AsyncGenerator<RecordBatch>; metrics: StageMetrics[] };
}

export function policyOf(planned: PlannedStage): StagePolicy {
  return (planned as { policy?: StagePolicy }).policy ?? DEFAULT_POLICY;
}

/**
 * Without an explicit `threads:`, a job this small runs on the main thread: starting workers takes
 * 0.3–0.5 s (module import per isolate), about what the main thread needs for 4 splits, so a pool
 * would only slow it (measured: threshold_filter on 1M synthetic rows, 4 splits, 116 ms inline,
 * 650 ms with the default pool). An explicit `threads: N` always gets its pool.
 */
const MIN_SPLITS_FOR_DEFAULT_POOL = 8;

/** The job's thread count: `threads:`, default the cores. */
export function threadsOf(plan: Plan): number {
  return plan.spec.threads ?? availableParallelism();
}

/** The workers a block runs on: a lent pool's, unless the job keeps to the main thread. */
function workersOf(threads: number, env: BlockEnv): number {
  return env.pool !== undefined && threads > 0 ? env.pool.threads : threads;
}

/** The parallel block of `plan`, or undefined when the plan has none (it then runs as a plain chain). */
export function planParallel(plan: Plan, options: { readonly sampling?: boolean } = {}): ParallelBlock | undefined {
  // A sample shows every stage's output; inside a unit only the last one is visible.
  if (options.sampling) return undefined;
  const prefix: PlannedStage<BatchTransform>[] = [];
  for (const planned of plan.transforms) {
    if (typeof (planned.stage as Partial<BatchTransform>).processBatch !== 'function') break;
    prefix.push(planned as PlannedStage<BatchTransform>);
  }
  const source = plan.source.stage;
  const splittable = typeof source.splits === 'function' && typeof source.streamSplit === 'function';
  const next = plan.transforms[prefix.length]?.stage;
  const aggregate = splittable && next !== undefined && typeof next.accumulator === 'function' && typeof next.finishPartials === 'function' ? (plan.transforms[prefix.length] as PlannedStage<Transform>) : undefined;
  const threads = threadsOf(plan);
  if (splittable && (prefix.length > 0 || aggregate !== undefined)) {
    return { covered: prefix.length + (aggregate === undefined ? 0 : 1), open: (env) => openSplits(plan, prefix, aggregate, workersOf(threads, env), env) };
  }
  if (!splittable && prefix.length > 0 && threads > 0) return { covered: prefix.length, open: (env) => openBatches(plan, prefix, workersOf(threads, env), env) };
  return undefined;
}

/** The unit's stages as plain data for a worker. */
export function unitJob(plan: Plan, prefix: readonly PlannedStage[], aggregate: PlannedStage | undefined, kernels: Kernels): UnitJob {
  const specs = plan.spec.transforms ?? [];
  const data = (planned: PlannedStage, raw: Record<string, unknown>): StageSpecData => {
    const { type: _type, ...options } = peelPolicyKeys(raw).own;
    return { place: planned.place, type: planned.cls.type, className: planned.cls.name, options, policy: policyOf(planned) };
  };
  return {
    baseDir: plan.job.baseDir,
    plugins: plan.spec.plugins ?? [],
    batchSize: plan.batchSize,
    kernels: kernels.implementation,
    sourceFields: plan.source.schema.fields,
    ...(plan.projection === undefined ? {} : { sourceFileFields: plan.projection.full.fields }),
    source: data(plan.source, plan.spec.source),
    prefix: prefix.map((p, i) => data(p, specs[i]!)),
    ...(aggregate === undefined ? {} : { aggregate: data(aggregate, specs[prefix.length]!) }),
  };
}

/** Per-stage metrics fed from unit counts; inclusive times are running sums of the stages' busy times. */
class BlockMetrics {
  readonly metrics: StageMetrics[];
  private readonly busy: number[];
  /** Per stage, the last breaker state each thread reported (thread id → state). */
  private readonly breakers: Map<number, BreakerState>[];
  constructor(stages: readonly PlannedStage[], aggregate: boolean) {
    this.metrics = stages.map((p, i) => newMetrics(p.place, p.cls.type, i === 0 ? 'source' : 'transform'));
    this.busy = stages.map(() => 0);
    this.breakers = stages.map(() => new Map());
    this.metrics.forEach((m, i) => {
      // Per-batch stages count what they filter unit by unit; the aggregation consumes its input.
      if (i > 0) Object.assign(m, { counted: true });
      if (aggregate && i === stages.length - 1) Object.assign(m, { accounting: 'aggregate' });
    });
  }
  /** Marks the stages from `from` on as having run (some of their work) on the pool. */
  ranInWorkers(from: number): void {
    for (const m of this.metrics.slice(from)) m.workerThreads = true;
  }
  /**
   * Adds unit counts (source first, or from stage `from`) and returns the rejected records. A
   * worker's positions are relative to its unit: `relative` offsets them by the rows that reached
   * each stage in the units merged before (`first` for the first transform, when the unit is one
   * batch whose source position is known); units must then be merged in order.
   */
  add(counts: readonly StageCounts[], from = 0, relative?: { first?: number }): RejectedRecord[] {
    const rejected: RejectedRecord[] = [];
    const before = this.metrics.map((m) => m.rowsOut);
    counts.forEach((c, j) => {
      const i = j + from;
      const m = this.metrics[i];
      if (m === undefined) return;
      m.rowsOut += c.rowsOut;
      m.waitMs += c.waitMs;
      m.batchesOut += c.batchesOut;
      m.bytesRead += c.bytesRead;
      m.errors += c.errors;
      const policed = m as unknown as Record<'rowsFiltered' | 'rowsSkipped' | 'rowsDeadLettered' | 'retries' | 'degradedToTwin', number>;
      policed.rowsFiltered += c.rowsFiltered;
      policed.rowsSkipped += c.rowsSkipped;
      policed.rowsDeadLettered += c.rowsDeadLettered;
      policed.retries += c.retries;
      policed.degradedToTwin += c.degradedToTwin;
      const offset = relative === undefined ? 0 : i === 1 && relative.first !== undefined ? relative.first : (before[i - 1] ?? 0);
      for (const r of c.rejected) rejected.push(offset === 0 ? r : { ...r, position: { ...r.position, row: r.position.row + offset } });
      for (const implementation of c.implementations) m.implementations.add(implementation);
      this.busy[i]! += c.busyMs;
      if (c.breaker !== undefined) {
        const states = this.breakers[i]!;
        states.set(c.breaker.thread, c.breaker.state);
        // One breaker per thread: the stage reports the most open of them.
        m.breaker ??= () => mostOpen(states.values());
      }
    });
    let inclusive = 0;
    this.metrics.forEach((m, i) => {
      inclusive += this.busy[i]!;
      m.inclusiveMs = inclusive;
    });
    return rejected;
  }

  /**
   * Each thread has its own breaker, so a stage on the pool can fail up to threshold × threads
   * times in a row before every breaker is open: a warning says so when a thread's breaker did not end closed.
   */
  noteBreakers(log: Logger): void {
    this.breakers.forEach((states, i) => {
      const open = [...states.values()].filter((s) => s !== 'closed').length;
      if (states.size < 2 || open === 0) return;
      const m = this.metrics[i]!;
      log.warn({ stage: { index: i, place: m.place, type: m.type }, threads: states.size, notClosed: open }, `${m.place} (${m.type}): circuit breaker open or half-open on ${open} of the ${states.size} threads that ran it (each thread has its own breaker)`);
    });
  }
}

function mostOpen(states: Iterable<BreakerState>): BreakerState {
  let most: BreakerState = 'closed';
  for (const state of states) {
    if (state === 'open') return 'open';
    if (state === 'half_open') most = 'half_open';
  }
  return most;
}

function resetCounts(counts: StageCounts[]): void {
  counts.forEach((_, i) => (counts[i] = newCounts()));
}

interface PoolStart {
  readonly pool: WorkerPool;
  /** Started for this run, so closed when it ends; false for a pool the caller lent. */
  readonly owned: boolean;
}

/** Closes the run's own pool; a lent one stays open for the caller's next run. */
function release(start: PoolStart): Promise<void> {
  return start.owned ? start.pool.close() : Promise.resolve();
}

/** A pool whose workers can rebuild every stage of `job`; undefined (run inline) otherwise. */
async function startPool(job: UnitJob, threads: number, env: BlockEnv): Promise<PoolStart | undefined> {
  let start: PoolStart;
  try {
    start = env.pool === undefined ? { pool: takePool({ threads }), owned: true } : { pool: env.pool, owned: false };
  } catch (error) {
    env.log.warn({ reason: toError(error).message }, 'no worker pool: running on the main thread');
    return undefined;
  }
  try {
    const known = await start.pool.firstHello(job.plugins, job.baseDir);
    const foreign = [job.source, ...job.prefix, ...(job.aggregate === undefined ? [] : [job.aggregate])].filter((s) => known[s.type] !== s.className);
    if (foreign.length === 0) return start;
    env.log.debug({ stages: foreign.map((s) => s.place) }, 'stages not defined by a built-in or a plugin module cannot be rebuilt in a worker: running on the main thread');
  } catch (error) {
    env.log.warn({ reason: toError(error).message }, 'the worker pool did not start: running on the main thread');
  }
  await release(start);
  return undefined;
}

/** The stages of the block on the main thread, with the run's contexts. */
function inlineStages(plan: Plan, prefix: readonly PlannedStage<BatchTransform>[], aggregate: PlannedStage<Transform> | undefined, block: BlockMetrics, env: BlockEnv): UnitStages {
  const step = <S>(planned: PlannedStage, i: number): UnitStage<S> => ({
    stage: planned.stage as S,
    place: planned.place,
    type: planned.cls.type,
    policy: policyOf(planned),
    schema: planned.schema,
    ctx: env.context(planned, block.metrics[i]!),
  });
  const path = (plan.source.stage.options as { path?: unknown } | undefined)?.path;
  return {
    source: step<Source>(plan.source, 0),
    prefix: prefix.map((p, i) => step<BatchTransform>(p, i + 1)),
    ...(aggregate === undefined ? {} : { aggregate: step<Transform>(aggregate, prefix.length + 1) }),
    ...(typeof path === 'string' ? { file: plan.resolvePath(path) } : {}),
  };
}

function openSplits(plan: Plan, prefix: readonly PlannedStage<BatchTransform>[], aggregate: PlannedStage<Transform> | undefined, threads: number, env: BlockEnv) {
  const planned: PlannedStage[] = [plan.source, ...prefix, ...(aggregate === undefined ? [] : [aggregate])];
  const block = new BlockMetrics(planned, aggregate !== undefined);
  const stream = splitStream(plan, prefix, aggregate, threads, env, block);
  return { stream: guarded(stream, block, env), metrics: block.metrics };
}

async function* splitStream(plan: Plan, prefix: readonly PlannedStage<BatchTransform>[], aggregate: PlannedStage<Transform> | undefined, threads: number, env: BlockEnv, block: BlockMetrics): AsyncGenerator<RecordBatch> {
  const source = plan.source.stage;
  const inline = inlineStages(plan, prefix, aggregate, block, env);
  const splits = await source.splits!(inline.source.ctx);
  const job = unitJob(plan, prefix, aggregate, env.kernels);
  const state: MergeState = { previous: undefined, sourceRows: 0, partials: [] };
  const reached: number[] = [];
  /** Split k on the main thread, made exact from its predecessor's extent first (so it is never re-read). */
  async function* here(k: number): AsyncGenerator<RecordBatch> {
    const split = splits[k]!;
    const exact = k > 0 && state.previous !== undefined && source.continueSplit !== undefined ? source.continueSplit(split, state.previous) : split;
    const counts = block.metrics.map(() => newCounts());
    // While a pool is in play, one event-loop turn per batch: a worker's `hello` answer and each
    // unit it is given wait for this thread's event loop, and a split read here is microtasks only
    // (a mapped file has no I/O to wait for). Without the turn a ready worker sat idle until the
    // split ended, 25–31 ms in fresh CSV Q2 runs (8–16 ms with it, the rest the first batches' cold code).
    const generator = runSplit(inline, exact, counts, reached, () => (starting !== undefined ? eventLoopTurn() : undefined));
    try {
      for (;;) {
        let next: IteratorResult<RecordBatch, SplitEnd>;
        try {
          next = await generator.next();
        } finally {
          // Flushed per batch (progress) and on failure too (the error counts against its stage).
          await reject(env, block.add(counts));
          resetCounts(counts);
        }
        if (next.done) {
          state.previous = next.value.extent;
          state.sourceRows += next.value.sourceRows;
          if (aggregate !== undefined) state.partials.push(next.value.partial);
          return;
        }
        yield next.value;
      }
    } finally {
      await generator.return(undefined as never);
    }
  }
  let scheduler: Scheduler | undefined;
  let startFailed = false;
  /** The block has ended: a pool that becomes ready now is not used. */
  let ended = false;
  /** Splits below this one are read (or being read) on the main thread. */
  let claimed = 0;
  const starting =
    threads > 0 && splits.length > 1 && (plan.spec.threads !== undefined || env.pool !== undefined || splits.length >= MIN_SPLITS_FOR_DEFAULT_POOL)
      ? startPool(job, threads, env).then((started) => {
          if (started === undefined) {
            startFailed = true;
            return undefined;
          }
          if (ended) {
            // The main thread read every split before the workers were ready: nobody waits for this close.
            release(started).catch((error: unknown) => env.log.debug({ reason: toError(error).message }, 'closing an unused worker pool failed'));
            return undefined;
          }
          // The pool takes over at the first split the main thread has not claimed.
          scheduler = new Scheduler(started, job, splits, claimed, threads, block, env);
          scheduler.fill();
          return scheduler;
        })
      : undefined;
  const headStart = process.env['SLUICE_HEAD_START'] !== '0';
  // A lent pool already started for these modules takes every split: the head start only covers
  // a pool's start, and a main thread reading beside a worker per core puts three parsers on two.
  const ready = starting !== undefined && env.pool?.isReady(job.plugins, job.baseDir) === true;
  try {
    if (ready) await untilAborted(starting, env.signal);
    // While the workers start (module loading: 0.3–1 s), the main thread reads splits itself:
    // split 0, more while the pool is not ready (SLUICE_HEAD_START=0: split 0 only, so which
    // split runs where does not depend on timing); none when a lent pool is ready.
    while (claimed < splits.length && scheduler === undefined && (claimed === 0 || starting === undefined || (headStart && !startFailed))) {
      const k = claimed++;
      yield* here(k);
    }
    const pooled = starting === undefined || claimed >= splits.length ? undefined : await untilAborted(starting, env.signal);
    if (pooled !== undefined) yield* pooledResults(pooled, source, prefix, aggregate, state, env, block);
    else for (let k = claimed; k < splits.length; k++) yield* here(k);
  } finally {
    ended = true;
    // A pool still starting is closed once its start ends (its workers are importing modules, and
    // ending them mid-import leaks file descriptors); the run does not wait for workers it never used.
    if (scheduler !== undefined) await scheduler.close(env.signal.aborted);
    else starting?.catch(() => undefined);
  }
  if (aggregate !== undefined) yield* finish(aggregate, inline.aggregate!.ctx, state.partials, block, prefix.length + 1);
}

/** The aggregation's result from the partials in split order. */
async function* finish(aggregate: PlannedStage<Transform>, ctx: StageContext, partials: readonly unknown[], block: BlockMetrics, index: number): AsyncGenerator<RecordBatch> {
  const m = block.metrics[index]!;
  const began = performance.now();
  let output: Iterable<RecordBatch> | AsyncIterable<RecordBatch>;
  try {
    output = aggregate.stage.finishPartials!(partials, ctx);
  } catch (error) {
    throw annotated(error, m);
  }
  const iterator = (Symbol.asyncIterator in output ? output[Symbol.asyncIterator]() : output[Symbol.iterator]()) as AsyncIterator<RecordBatch> | Iterator<RecordBatch>;
  let busy = performance.now() - began;
  for (;;) {
    const t = performance.now();
    let next: IteratorResult<RecordBatch>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw annotated(error, m);
    }
    busy += performance.now() - t;
    if (next.done) break;
    block.add([{ ...newCounts(), rowsOut: next.value.numRows, batchesOut: 1 }], index);
    yield next.value;
  }
  block.add([{ ...newCounts(), busyMs: busy }], index);
}

interface MergeState {
  /** The extent of the last split merged: the next split is verified against it. */
  previous: SplitExtent | undefined;
  /** Source rows of the splits merged so far: where the next unit's rows start. */
  sourceRows: number;
  readonly partials: unknown[];
}

async function reject(env: BlockEnv, records: readonly RejectedRecord[]): Promise<void> {
  if (records.length > 0) await env.reject?.(records);
}

function annotated(error: unknown, m: StageMetrics): Error {
  const e = toError(error);
  if (e instanceof StageError || e.name === 'AbortError') return e;
  m.errors++;
  return new StageError(m.place, m.type, e);
}

type Settled = { readonly ok: true; readonly result: UnitResult } | { readonly ok: false; readonly error: unknown };

/** Units of the splits from `from` on, on the pool, at most 2 × threads in flight (the main thread read the ones before). */
class Scheduler {
  readonly inflight = new Map<number, Promise<Settled>>();
  readonly live: ReturnType<typeof liveProgress>;
  private launched: number;
  private readonly window: number;
  constructor(
    readonly start: PoolStart,
    readonly job: UnitJob,
    readonly splits: readonly SourceSplit[],
    readonly from: number,
    threads: number,
    block: BlockMetrics,
    private readonly env: BlockEnv,
  ) {
    this.launched = from;
    this.window = Math.max(2, 2 * threads);
    this.live = liveProgress(block.metrics[0]!, splits.length);
  }
  run(split: SourceSplit, k: number): Promise<Settled> {
    this.live.start(k);
    return this.start.pool.run({ kind: 'unit', unit: { job: this.job, split, progress: { buffer: this.live.buffer, slot: k } } }, this.env.signal).then(
      (result) => ({ ok: true, result: result as UnitResult }),
      (error: unknown) => ({ ok: false, error }),
    );
  }
  fill(): void {
    while (this.launched < this.splits.length && this.inflight.size < this.window) {
      this.inflight.set(this.launched, this.run(this.splits[this.launched]!, this.launched));
      this.launched++;
    }
  }
  async close(stopped: boolean): Promise<void> {
    // A stopped run reports how far its units got; a finished or early-stopped one only what it merged.
    this.live.close(stopped);
    await release(this.start);
  }
}

async function* pooledResults(
  scheduler: Scheduler,
  source: Source,
  prefix: readonly PlannedStage[],
  aggregate: PlannedStage | undefined,
  state: MergeState,
  env: BlockEnv,
  block: BlockMetrics,
): AsyncGenerator<RecordBatch> {
  const { job, splits, inflight, live } = scheduler;
  const speculative = typeof source.continueSplit === 'function';
  const last = prefix[prefix.length - 1];
  // Rejected records get their input rows from the units merged before them, so dead-lettering
  // needs the merge in split order even when the stage allows completion order.
  const deadLettering = prefix.some((p) => policyOf(p).onError === 'dead_letter');
  const unordered = aggregate === undefined && !speculative && !deadLettering && last !== undefined && !policyOf(last).ordered;
  const died = (k: number, error: unknown): Error => {
    if (!(error instanceof WorkerDiedError) && !(error instanceof UncloneableError)) return toError(error);
    const through = [...prefix, ...(aggregate === undefined ? [] : [aggregate])].map((p) => `${p.place} (${p.cls.type})`).join(', ');
    return new StageError(job.source.place, job.source.type, new Error(`split ${k}${through ? ` through ${through}` : ''}: ${error.message}`));
  };
  const accept = async (k: number, result: Extract<UnitResult, { ok: true }>): Promise<RecordBatch[]> => {
    live.end(k);
    await reject(env, block.add(result.counts, 0, { first: state.sourceRows }));
    block.ranInWorkers(0);
    state.sourceRows += result.sourceRows;
    state.previous = result.extent;
    if (aggregate !== undefined) state.partials.push(result.partial);
    return result.batches.map((data) => RecordBatch.fromData(data));
  };
  const failed = (k: number, result: Extract<UnitResult, { ok: false }>): Error => {
    live.end(k);
    block.add(result.counts, 0, {});
    const { failure } = result;
    // A result that cannot cross threads: say which split (the stage's own errors name their place).
    if (failure.name === 'DataCloneError') return new StageError(failure.place, failure.type, new Error(`split ${k}: ${failure.message}`));
    return fromFailure(failure);
  };
  if (unordered) {
    const pending = new Map<number, Promise<{ k: number; settled: Settled }>>();
    for (;;) {
      for (const [k, p] of inflight) if (!pending.has(k)) pending.set(k, p.then((settled) => ({ k, settled })));
      if (pending.size === 0) return;
      const { k, settled } = await untilAborted(Promise.race(pending.values()), env.signal);
      pending.delete(k);
      inflight.delete(k);
      scheduler.fill();
      if (!settled.ok) throw died(k, settled.error);
      if (!settled.result.ok) throw failed(k, settled.result);
      for (const batch of await accept(k, settled.result)) yield batch;
    }
  }
  for (let k = scheduler.from; k < splits.length; k++) {
    const settled = await untilAborted(inflight.get(k)!, env.signal);
    inflight.delete(k);
    scheduler.fill();
    let result: UnitResult;
    if (!settled.ok) {
      // A dead worker is already retried by the pool; a speculative split still gets its exact re-read below.
      // Split 0 is exact already (a worker reads it only from a ready lent pool): nothing to re-read.
      if (!speculative || k === 0 || !(settled.error instanceof WorkerDiedError)) throw died(k, settled.error);
      result = { ok: false, failure: { place: job.source.place, type: job.source.type, name: 'Error', message: 'worker died' }, counts: [] };
    } else result = settled.result;
    // Split 0 starts at the file's start: exact, with nothing before it to check against.
    if (speculative && k > 0) {
      const exact = source.continueSplit!(splits[k]!, state.previous!);
      const guessed = result.ok ? result.extent?.start : undefined;
      if (!result.ok || typeof exact.start !== 'number' || exact.start !== guessed) {
        env.log.debug({ split: k, guessed, exact: exact.start }, 're-reading a speculative split as an exact one');
        const again = await untilAborted(scheduler.run(exact, k), env.signal);
        if (!again.ok) throw died(k, again.error);
        result = again.result;
      }
    }
    if (!result.ok) throw failed(k, result);
    for (const batch of await accept(k, result)) yield batch;
  }
}

/**
 * The source's rows and bytes as progress sees them while units run in workers: what merged units
 * counted plus what running units have read so far (each worker writes its unit's slot of a
 * shared buffer). Merging a unit ends its slot, so nothing is counted twice.
 */
export function liveProgress(metrics: StageMetrics, splits: number) {
  const buffer = new SharedArrayBuffer(16 * splits);
  const slots = new Float64Array(buffer);
  const running = new Set<number>();
  const sum = (j: number) => {
    let total = 0;
    for (const k of running) total += slots[2 * k + j]!;
    return total;
  };
  let rows = metrics.rowsOut;
  let bytes = metrics.bytesRead;
  // What the last read of each count took from the running units. `m.rowsOut += n` reads, then
  // writes, while workers go on writing their slots: the write takes off what that read added,
  // not a sum taken again (a slot that grew in between lost a batch from the merged count).
  const seen = [0, 0];
  const read = (merged: number, j: number) => merged + (seen[j] = sum(j));
  Object.defineProperty(metrics, 'rowsOut', { configurable: true, enumerable: true, get: () => read(rows, 0), set: (v: number) => (rows = v - seen[0]!) });
  Object.defineProperty(metrics, 'bytesRead', { configurable: true, enumerable: true, get: () => read(bytes, 1), set: (v: number) => (bytes = v - seen[1]!) });
  return {
    buffer,
    start(k: number) {
      slots[2 * k] = 0;
      slots[2 * k + 1] = 0;
      running.add(k);
    },
    end(k: number) {
      running.delete(k);
    },
    close(keepRunning: boolean) {
      if (keepRunning) {
        rows += sum(0);
        bytes += sum(1);
      }
      running.clear();
      Object.defineProperty(metrics, 'rowsOut', { configurable: true, enumerable: true, writable: true, value: rows });
      Object.defineProperty(metrics, 'bytesRead', { configurable: true, enumerable: true, writable: true, value: bytes });
    },
  };
}

/** Errors of the block leave annotated (a dead worker names the source and split) and the signal is honoured. */
async function* guarded(stream: AsyncGenerator<RecordBatch>, block: BlockMetrics, env: BlockEnv): AsyncGenerator<RecordBatch> {
  const last = block.metrics[block.metrics.length - 1]!;
  try {
    for (;;) {
      env.signal.throwIfAborted();
      const next = await stream.next();
      if (next.done) return;
      const handed = performance.now();
      yield next.value;
      last.waitMs += performance.now() - handed;
    }
  } finally {
    await stream.return(undefined);
    block.noteBreakers(env.log);
  }
}

function openBatches(plan: Plan, prefix: readonly PlannedStage<BatchTransform>[], threads: number, env: BlockEnv) {
  const block = new BlockMetrics([plan.source, ...prefix], false);
  const sourceMetrics = block.metrics[0]!;
  const input = metered(plan.source.stage.stream(env.context(plan.source, sourceMetrics)), sourceMetrics, plan.source.schema, env.signal);
  const stream = batchStream(plan, prefix, threads, env, block, input);
  return { stream: guarded(stream, block, env), metrics: block.metrics };
}

async function* batchStream(plan: Plan, prefix: readonly PlannedStage<BatchTransform>[], threads: number, env: BlockEnv, block: BlockMetrics, input: AsyncGenerator<RecordBatch>): AsyncGenerator<RecordBatch> {
  const inline = inlineStages(plan, prefix, undefined, block, env);
  const job = unitJob(plan, prefix, undefined, env.kernels);
  const reached: number[] = [];
  let started: PoolStart | undefined;
  let poolTried = false;
  let row = 0;
  const window = Math.max(2, 2 * threads);
  const unordered = !policyOf(prefix[prefix.length - 1]!).ordered && !prefix.some((p) => policyOf(p).onError === 'dead_letter');
  type Sent = { readonly position: number; readonly result: Promise<Settled> };
  const inflight: Sent[] = [];
  const merge = async (sent: Sent): Promise<RecordBatch | null> => {
    const settled = await untilAborted(sent.result, env.signal);
    if (!settled.ok) {
      const first = job.prefix[0]!;
      if (settled.error instanceof UncloneableError) throw new StageError(job.source.place, job.source.type, new Error(`the batch at row ${sent.position}: ${settled.error.message}`));
      throw settled.error instanceof WorkerDiedError ? new StageError(first.place, first.type, new Error(`the batch at row ${sent.position}: ${settled.error.message}`)) : toError(settled.error);
    }
    const r = settled.result;
    await reject(env, block.add(r.counts.slice(1), 1, { first: sent.position }));
    block.ranInWorkers(1);
    if (!r.ok) throw fromFailure(r.failure);
    return r.batches.length === 0 ? null : RecordBatch.fromData(r.batches[0]!);
  };
  const next = async (): Promise<RecordBatch | null> => {
    if (!unordered) return merge(inflight.shift()!);
    const { i } = await Promise.race(inflight.map((sent, i) => sent.result.then(() => ({ i }))));
    return merge(inflight.splice(i, 1)[0]!);
  };
  try {
    for await (const batch of input) {
      const position = row;
      row += batch.numRows;
      if (started === undefined && !poolTried && position > 0) {
        // The first batch runs here; the pool starts when there is a second one to share.
        poolTried = true;
        started = await startPool(job, threads, env);
      }
      if (started === undefined) {
        const counts = block.metrics.map(() => newCounts());
        const out = await throughPrefix(inline, batch, counts, reached);
        await reject(env, block.add(counts.slice(1), 1));
        if (out !== null) yield out;
        continue;
      }
      const result = dispatchBatch(started.pool, job, batch, env.signal).then(
        (result): Settled => ({ ok: true, result: result as UnitResult }),
        (error: unknown): Settled => ({ ok: false, error }),
      );
      inflight.push({ position, result });
      while (inflight.length >= window) {
        const out = await next();
        if (out !== null) yield out;
      }
    }
    while (inflight.length > 0) {
      const out = await next();
      if (out !== null) yield out;
    }
  } finally {
    if (started !== undefined) await release(started);
    await input.return(undefined);
  }
}

/**
 * One batch through the prefix on the pool: its buffers are transferred (the sender's are
 * detached afterwards); until the result arrives a copy of the transferred buffers is kept, so
 * that the batch can be sent again if the worker dies (then it is dropped with this closure).
 */
export function dispatchBatch(pool: WorkerPool, job: UnitJob, batch: RecordBatch, signal?: AbortSignal): Promise<unknown> {
  let next: RecordBatch = batch;
  return pool.run(() => {
    const { data, transferList } = forTransfer(next);
    next = keptForResend(next, transferList);
    return { task: { kind: 'batch', task: { job, batch: data } }, transferList };
  }, signal);
}
