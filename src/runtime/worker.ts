/**
 * The pool's worker module (Piscina loads it in each worker thread). It receives plain data only
 * — units and batches — rebuilds the stages from the registry, runs them, and hands back batches
 * by transfer or a partial aggregate. Failures inside a task come back as values, so that the main
 * thread can tell a stage's error (fail the run, or apply the policy) from a worker that died
 * (retry the unit on a fresh worker).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RecordBatch } from '../batch/record-batch.js';
import { runSplit, throughPrefix, toFailure } from './parallel/execute.js';
import { loadStageModules, registeredClasses, unitStages } from './parallel/rebuild.js';
import { manyForTransfer } from './parallel/transfer.js';
import { newCounts, type BatchTask, type UnitFailure, type UnitJob, type UnitResult, type UnitSpec } from './parallel/unit.js';

export type WorkerTask =
  | { readonly kind: 'hello'; readonly plugins: readonly string[]; readonly baseDir: string; readonly progress?: HelloProgress }
  | { readonly kind: 'unit'; readonly unit: UnitSpec }
  | { readonly kind: 'batch'; readonly task: BatchTask }
  /** For the benchmarks: an empty round trip, and a batch sent back as it came. */
  | { readonly kind: 'noop' }
  | { readonly kind: 'echo'; readonly batch: unknown; readonly transfer: boolean };

/** Where a worker's `hello` is: -1 built-ins, k importing plugins[k], plugins.length done (read by the pool on a timeout). */
export interface HelloProgress {
  readonly buffer: SharedArrayBuffer;
  readonly slot: number;
}

/** The stage types this worker can rebuild, by class name. */
export type Hello = Record<string, string>;

const never = new AbortController().signal;

export default async function run(task: WorkerTask): Promise<unknown> {
  switch (task.kind) {
    case 'hello':
      await hello(task.plugins, task.baseDir, task.progress);
      return registeredClasses();
    case 'unit':
      return runUnit(task.unit);
    case 'batch':
      return runBatch(task.task);
    case 'noop':
      return null;
    case 'echo': {
      if (!task.transfer) return task.batch;
      const { data, transferList } = manyForTransfer([RecordBatch.fromData(task.batch as never)]);
      return movable(data[0], transferList);
    }
  }
}

async function hello(plugins: readonly string[], baseDir: string, progress: HelloProgress | undefined): Promise<void> {
  const at = progress === undefined ? undefined : new Int32Array(progress.buffer);
  await loadStageModules({ plugins: [], baseDir });
  // One plugin at a time (each imported once per thread), so that a stall can be pinned to one.
  for (let k = 0; k <= plugins.length; k++) {
    if (at !== undefined) Atomics.store(at, progress!.slot, k);
    if (k < plugins.length) await loadStageModules({ plugins: plugins.slice(0, k + 1), baseDir });
  }
}

async function runUnit(unit: UnitSpec): Promise<unknown> {
  const counts = countsFor(unit.job);
  try {
    await loadStageModules(unit.job);
    const stages = unitStages(unit.job, counts, never);
    const live = unit.progress === undefined ? undefined : new Float64Array(unit.progress.buffer, 16 * unit.progress.slot, 2);
    const generator = runSplit(stages, unit.split, counts, [], live && (() => {
      live[0] = counts[0]!.rowsOut;
      live[1] = counts[0]!.bytesRead;
    }));
    const batches: RecordBatch[] = [];
    let next = await generator.next();
    while (!next.done) {
      batches.push(next.value);
      next = await generator.next();
    }
    const uncloneable = uncloneableEnd(unit.job, next.value);
    if (uncloneable !== undefined) return { ok: false, failure: uncloneable, counts } satisfies UnitResult;
    const { data, transferList } = manyForTransfer(batches);
    const result: UnitResult = { ok: true, batches: data, ...next.value, counts };
    return movable(result, transferList);
  } catch (error) {
    return { ok: false, failure: toFailure(error, unit.job.source), counts } satisfies UnitResult;
  }
}

/**
 * The stage values a unit's result carries besides batches (the aggregation's partial, the
 * source's extent) must survive structured clone: Piscina posts the result after this function
 * returns, and a DataCloneError there kills the worker (the main thread would see a death and
 * retry the unit in vain). Checked here, it fails the unit with the stage's name instead. Only
 * with plugins: the built-ins' values are plain data, and a check clones once more (2.3 ms for
 * the partial of a 93K-group aggregate).
 */
function uncloneableEnd(job: UnitJob, end: { readonly partial?: unknown; readonly extent?: unknown }): UnitFailure | undefined {
  if (job.plugins.length === 0) return undefined;
  for (const [what, value, stage] of [['its partial', end.partial, job.aggregate], ['its split extent', end.extent, job.source]] as const) {
    if (value === undefined || stage === undefined) continue;
    try {
      structuredClone(value);
    } catch (error) {
      const e = error as Error;
      return { place: stage.place, type: stage.type, name: 'DataCloneError', message: `${what} cannot be sent from a worker to the main thread (${e.name}: ${e.message}); it must be plain data` };
    }
  }
  return undefined;
}

async function runBatch(task: BatchTask): Promise<unknown> {
  const counts = countsFor(task.job);
  try {
    await loadStageModules(task.job);
    const stages = unitStages(task.job, counts, never);
    const out = await throughPrefix(stages, RecordBatch.fromData(task.batch), counts, []);
    const { data, transferList } = manyForTransfer(out === null ? [] : [out]);
    const result: UnitResult = { ok: true, batches: data, sourceRows: task.batch.numRows, counts };
    return movable(result, transferList);
  } catch (error) {
    return { ok: false, failure: toFailure(error, task.job.prefix[0] ?? task.job.source), counts } satisfies UnitResult;
  }
}

function countsFor(job: UnitJob) {
  return [job.source, ...job.prefix, ...(job.aggregate === undefined ? [] : [job.aggregate])].map(newCounts);
}

/**
 * Piscina's movable wrapper: the value is posted with `transferList` moved, not copied. What
 * `Piscina.move` does to a value that already carries the transferable symbols is one call, to
 * `markMovable` in piscina's `dist/common.js`; `Piscina.move` itself lives in piscina's main module,
 * which would load the whole pool (its queues, histograms, timers) into every worker: ~10 ms of
 * each worker's start. Piscina's own worker entry has loaded `common.js` in this thread already, so
 * requiring it by path gets that very module and its private symbol. Piscina is pinned
 * (package.json); should the file move, the main module is loaded instead.
 */
export function movable(value: unknown, transferList: ArrayBuffer[]): unknown {
  const wrapped = { [piscinaMarks.transferable]: transferList, [piscinaMarks.value]: value };
  piscinaMarks.markMovable(wrapped);
  return wrapped;
}

const piscinaMarks = loadPiscinaMarks();

function loadPiscinaMarks(): { readonly transferable: symbol; readonly value: symbol; readonly markMovable: (value: object) => void } {
  const require = createRequire(import.meta.url);
  const main = require.resolve('piscina');
  const common = join(dirname(main), 'common.js');
  const symbols = join(dirname(main), 'symbols.js');
  if (existsSync(common) && existsSync(symbols)) {
    const { markMovable } = require(common) as { markMovable?: unknown };
    const { kTransferable, kValue } = require(symbols) as { kTransferable?: unknown; kValue?: unknown };
    if (typeof markMovable === 'function' && typeof kTransferable === 'symbol' && typeof kValue === 'symbol') {
      return { transferable: kTransferable, value: kValue, markMovable: markMovable as (value: object) => void };
    }
  }
  const { Piscina } = require('piscina') as typeof import('piscina');
  return { transferable: Piscina.transferableSymbol, value: Piscina.valueSymbol, markMovable: (value) => Piscina.move(value as never) };
}
