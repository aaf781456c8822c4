/**
 * The run's worker pool: one Piscina pool per run, owned by the runtime, warm (minThreads =
 * maxThreads, so threads do not churn), closed when the run ends, fails or is aborted.
 *
 * A task's own failure comes back from the worker as a value; a rejected task therefore means
 * the worker itself died (it exited, threw outside a task, or went past its heap limit). Piscina
 * replaces a dead worker, and {@link WorkerPool.run} retries the task on the replacement a
 * bounded number of times: a unit's result is only used once it arrives whole, so a retry never
 * loses or duplicates a row.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { Piscina } from 'piscina';
import type { Hello, WorkerTask } from './worker.js';

/**
 * piscina with the first pool: its ~15 CommonJS files took 18–21 ms to load, on the main thread of
 * every run, though a run on `threads: 0` never starts a pool.
 */
const piscinaLib = (): typeof import('piscina') => createRequire(import.meta.url)('piscina') as typeof import('piscina');

/** Attempts per task before a dead worker fails the run. */
export const WORKER_ATTEMPTS = 3;

/** How long `close` waits for workers still importing stage modules, ms. */
const CLOSE_WAIT_MS = 5_000;

/** How long the workers may take to import the stage modules and plugins, ms (env SLUICE_WORKER_START_MS). */
const START_LIMIT_MS = 30_000;

/**
 * Old space a worker's heap starts with, MiB. A fresh isolate's first old-generation limit is
 * sized for a small heap, and a CSV unit's allocations then start incremental marking again and
 * again ("allocation limit" at 8 of 36 MB): CSV Q2 on a lent pool in a process started without
 * flags, 6 runs (150 units), ran 128–139 full collections, nearly all in its workers; with this,
 * 9–11, the main thread's (`sluice` sets the same flag, 128, for its whole process).
 */
export const WORKER_INITIAL_OLD_SPACE_MB = 64;

/**
 * The V8 flag the pool sets before its first workers start (V8 reads it when an isolate is
 * created, so it reaches the workers started later in this process, never a running isolate);
 * undefined when the process already chose its own initial old space or heap, on its command
 * line or in NODE_OPTIONS (V8 applies the old-space flag after `--initial-heap-size`, so setting
 * it would cut a larger initial heap to 64 MiB).
 */
export function workerHeapFlag(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => /^--initial[-_](old[-_]space|heap)[-_]size(=|$)/.test(arg));
  return given ? undefined : `--initial-old-space-size=${WORKER_INITIAL_OLD_SPACE_MB}`;
}

let workerHeapSized = false;

function sizeWorkerHeaps(): void {
  if (workerHeapSized) return;
  workerHeapSized = true;
  const flag = workerHeapFlag(process.execArgv, process.env['NODE_OPTIONS']);
  if (flag !== undefined) setFlagsFromString(flag);
}

export interface PoolOptions {
  readonly threads: number;
  /** V8 old-space limit per worker, MiB (env SLUICE_WORKER_HEAP_MB; default 2048). */
  readonly heapMb?: number;
  /** Limit on `hello`, ms (env SLUICE_WORKER_START_MS; default 30 s). */
  readonly startLimitMs?: number;
}

/** The worker module: beside this file when built; from dist/ when the runtime runs from sources (tests). */
export function workerFile(): string | undefined {
  const here = new URL(import.meta.url);
  const candidates = here.pathname.endsWith('.ts') ? [new URL('../../dist/runtime/worker.js', here)] : [new URL('./worker.js', here)];
  return candidates.map((url) => fileURLToPath(url)).find((file) => existsSync(file));
}

export class WorkerDiedError extends Error {
  override name = 'WorkerDiedError';
}

/**
 * A task that could not be posted to a worker (a DataCloneError: a value that structured clone
 * refuses, such as a function in a plugin's split): the worker is fine, and sending the same
 * task again would fail the same way, so it is not retried.
 */
export class UncloneableError extends Error {
  override name = 'UncloneableError';
}

/** The workers did not finish importing the stage modules in time (a plugin whose top level never settles). */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
}

/** What a worker is importing during `hello`, one slot per hello task (see {@link WorkerPool.hello}). */
export const HELLO_MODULE = -1;

export class WorkerPool {
  readonly threads: number;
  private readonly pool: Piscina;
  private readonly startLimitMs: number;
  private closed = false;
  /** Errors the pool raised outside any task (a worker dying while idle): logged, not fatal. */
  readonly idleErrors: Error[] = [];

  constructor(options: PoolOptions) {
    const filename = workerFile();
    if (filename === undefined) throw new Error('the worker module is not built (run `npm run build`)');
    this.threads = options.threads;
    this.startLimitMs = options.startLimitMs ?? startLimitFromEnv();
    const heapMb = options.heapMb ?? heapFromEnv();
    sizeWorkerHeaps();
    this.pool = new (piscinaLib().Piscina)({
      filename,
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Infinity,
      // Units are coarse and a worker runs one at a time; the main thread bounds what is queued.
      concurrentTasksPerWorker: 1,
      // A task no worker could take goes back to the head of the queue, not its tail: units then
      // start in split order (the merge waits for them in that order) also when a worker is still
      // busy with its `hello` as the first units arrive.
      stricterFIFO: true,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    this.pool.on('error', (error: Error) => this.idleErrors.push(error));
  }

  /** Settles when every worker has finished importing the stage modules (see `close`). */
  private loaded: Promise<unknown> = Promise.resolve();
  private started: { readonly key: string; readonly hello: Promise<Hello>; readonly first: Promise<Hello>; answered: boolean } | undefined;

  /**
   * Imports the job's stage modules in every worker (one task each: a worker runs one at a time)
   * and says which types they can rebuild. Asked again for the same modules (a pool started early,
   * then taken by the run), it answers with the first start. Bounded by the start limit: a plugin
   * whose top level never settles would otherwise hang the run's start; the error names the
   * plugin a worker was still importing, which each worker writes into a shared slot as it goes.
   */
  hello(plugins: readonly string[], baseDir: string): Promise<Hello> {
    return this.start(plugins, baseDir).hello;
  }

  /**
   * `hello`, settled as soon as one worker has answered: a run's units can start on that worker
   * while the others are still importing (on a fresh pool the workers' starts end tens of ms
   * apart, and the first one ready used to wait for the last). Fails when every worker failed
   * (with the first failure) or none answered within the start limit.
   */
  firstHello(plugins: readonly string[], baseDir: string): Promise<Hello> {
    return this.start(plugins, baseDir).first;
  }

  /** The workers' `hello` for these modules: started on the first call, the same one after. */
  private start(plugins: readonly string[], baseDir: string): NonNullable<WorkerPool['started']> {
    const key = JSON.stringify([plugins, baseDir]);
    if (this.started?.key === key) return this.started;
    const progress = new Int32Array(new SharedArrayBuffer(4 * this.threads)).fill(HELLO_MODULE);
    const all = Array.from({ length: this.threads }, (_, slot) => this.run({ kind: 'hello', plugins, baseDir, progress: { buffer: progress.buffer as SharedArrayBuffer, slot } }) as Promise<Hello>);
    this.loaded = Promise.allSettled(all);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Nothing to wait for in `close`: the import that hangs will not end.
        this.loaded = Promise.resolve();
        reject(new WorkerStartError(stalledAt(progress, plugins, baseDir, this.startLimitMs)));
      }, this.startLimitMs);
      timer.unref();
    });
    const hello = Promise.race([Promise.all(all).then((hellos) => hellos[0]!), limit]).finally(() => clearTimeout(timer));
    // Every worker imports the same modules, so the first answer is the answer; a worker that
    // fails where the first succeeded fails its units instead (they import the modules too).
    const anyAnswer = Promise.any(all).catch((error: unknown) => {
      throw error instanceof AggregateError ? error.errors[0] : error;
    });
    const first = Promise.race([anyAnswer, limit]);
    // Asked for only by runs (firstHello): unobserved, its failure is hello's to report.
    first.catch(() => undefined);
    const started = { key, hello, first, answered: false };
    hello.then(
      () => (started.answered = true),
      () => undefined,
    );
    this.started = started;
    return started;
  }

  /** Whether every worker has answered `hello` for these modules: a run asking now waits for nothing. */
  isReady(plugins: readonly string[], baseDir: string): boolean {
    return this.started?.key === JSON.stringify([plugins, baseDir]) && this.started.answered;
  }

  /**
   * Runs `task`, retrying it on a fresh worker when its worker dies. `prepare` builds the task
   * and its transfer list for each attempt (a transferred buffer cannot be sent twice).
   */
  async run(task: WorkerTask | (() => { task: WorkerTask; transferList: ArrayBuffer[] }), signal?: AbortSignal, attempts = WORKER_ATTEMPTS): Promise<unknown> {
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      signal?.throwIfAborted();
      if (this.closed) throw new Error('the worker pool is closed');
      const prepared = typeof task === 'function' ? task() : { task, transferList: [] };
      try {
        return await this.pool.run(prepared.task, { transferList: prepared.transferList });
      } catch (error) {
        if (this.closed) throw signal?.reason ?? error;
        if (error instanceof Error && error.name === 'DataCloneError') throw new UncloneableError(`the task could not be sent to a worker (${error.name}: ${error.message})`, { cause: error });
        last = error;
      }
    }
    throw new WorkerDiedError(`the worker died on each of ${attempts} attempts (${last instanceof Error ? last.message : String(last)})`);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends every worker; in-flight tasks are abandoned (their results are never used). */
  async close(): Promise<void> {
    if (this.closed) return;
    // A worker terminated while it is still importing modules leaks the file descriptors of the
    // reads in flight (seen: one per run on dist/stages/sources/csv.js), so let the imports end
    // first — bounded, in case a plugin's top level never returns.
    await Promise.race([this.loaded, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    this.closed = true;
    await this.pool.destroy();
  }
}

function stalledAt(progress: Int32Array, plugins: readonly string[], baseDir: string, limitMs: number): string {
  const waited = `the worker pool did not start within ${limitMs} ms (SLUICE_WORKER_START_MS)`;
  const stuck = [...progress].filter((at) => at < plugins.length);
  const plugin = stuck.find((at) => at >= 0);
  if (plugin === undefined) return `${waited}: the workers were still loading the built-in stage modules`;
  const file = plugins[plugin]!;
  const where = file.startsWith('.') || isAbsolute(file) ? resolve(baseDir, file) : file;
  return `${waited}: a worker was still importing plugins[${plugin}] ${where} (does its top level await something that never settles in a worker thread?)`;
}

function startLimitFromEnv(): number {
  const value = Number(process.env.SLUICE_WORKER_START_MS);
  return Number.isFinite(value) && value > 0 ? value : START_LIMIT_MS;
}

function heapFromEnv(): number {
  const value = Number(process.env.SLUICE_WORKER_HEAP_MB);
  return Number.isInteger(value) && value >= 16 ? value : 2048;
}

/**
 * A pool started before planning: the CLI knows the job's `threads:` and plugins as soon as it
 * has read the job file, and the workers' start (module import, 0.3 s and more) then overlaps
 * the main thread's own imports, planning and header read instead of following them.
 */
let early: WorkerPool | undefined;

/** Starts the pool for `threads` workers and their `hello` now; a run asking for that size takes it. */
export function startPoolEarly(threads: number, plugins: readonly string[], baseDir: string): void {
  if (early !== undefined || !Number.isInteger(threads) || threads <= 0) return;
  try {
    early = new WorkerPool({ threads });
  } catch {
    return; // No worker module: the run says so when it asks for its pool.
  }
  // A failed start is the run's to report, when it asks for the pool.
  early.hello(plugins, baseDir).catch(() => undefined);
}

/** The pool started early if it has `threads` workers and nobody took it yet; a new pool otherwise. */
export function takePool(options: PoolOptions): WorkerPool {
  if (early !== undefined && early.threads === options.threads && options.heapMb === undefined && options.startLimitMs === undefined) {
    const pool = early;
    early = undefined;
    return pool;
  }
  return new WorkerPool(options);
}

/** Closes the early pool if no run took it (the job did not need a pool, or planning failed). */
export async function closeUntakenPool(): Promise<void> {
  const pool = early;
  early = undefined;
  await pool?.close();
}
