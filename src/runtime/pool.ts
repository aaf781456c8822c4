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
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Hello, WorkerTask } from './worker.js';

/** Attempts per task before a dead worker fails the run. */
export const WORKER_ATTEMPTS = 3;

/** How long `close` waits for workers still importing stage modules, ms. */
const CLOSE_WAIT_MS = 5_000;

export interface PoolOptions {
  readonly threads: number;
  /** V8 old-space limit per worker, MiB (env SLUICE_WORKER_HEAP_MB; default 2048). */
  readonly heapMb?: number;
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

export class WorkerPool {
  readonly threads: number;
  private readonly pool: Piscina;
  private closed = false;
  /** Errors the pool raised outside any task (a worker dying while idle): logged, not fatal. */
  readonly idleErrors: Error[] = [];

  constructor(options: PoolOptions) {
    const filename = workerFile();
    if (filename === undefined) throw new Error('the worker module is not built (run `npm run build`)');
    this.threads = options.threads;
    const heapMb = options.heapMb ?? heapFromEnv();
    this.pool = new Piscina({
      filename,
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Infinity,
      // Units are coarse and a worker runs one at a time; the main thread bounds what is queued.
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    this.pool.on('error', (error: Error) => this.idleErrors.push(error));
  }

  /** Settles when every worker has finished importing the stage modules (see `close`). */
  private loaded: Promise<unknown> = Promise.resolve();

  /**
   * Imports the job's stage modules in every worker (one task each: a worker runs one at a time)
   * and says which types they can rebuild.
   */
  hello(plugins: readonly string[], baseDir: string): Promise<Hello> {
    const all = Array.from({ length: this.threads }, () => this.run({ kind: 'hello', plugins, baseDir }) as Promise<Hello>);
    this.loaded = Promise.allSettled(all);
    return Promise.all(all).then((hellos) => hellos[0]!);
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

function heapFromEnv(): number {
  const value = Number(process.env.SLUICE_WORKER_HEAP_MB);
  return Number.isInteger(value) && value >= 16 ? value : 2048;
}
