import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pipeline, WorkerPool, type JobSpec, type StageSpec } from '../src/index.js';

// Split 0 only on the main thread, so every other split reaches the pool whatever the timing.
process.env.SLUICE_HEAD_START = '0';

const plugin = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-lent-pool-'));
const log = join(dir, 'threads.log');

function job(threads: number, extra: readonly StageSpec[] = []): JobSpec {
  return {
    plugins: [plugin],
    threads,
    source: { type: 'synthetic', rows: 200_000, split_rows: 25_000, batch_size: 12_500 },
    transforms: [
      { type: 'test_thread_probe', dir },
      ...extra,
      { type: 'threshold_filter', column: 'value', op: 'gt', value: 50 },
      { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }, { fn: 'max', column: 'id', as: 'last' }] },
    ],
  };
}

/** The thread ids the probe saw since the last call (0 is the main thread). */
function threadsSeen(): number[] {
  if (!existsSync(log)) return [];
  const ids = readFileSync(log, 'utf8').trim().split('\n').map(Number);
  rmSync(log);
  return [...new Set(ids)].sort((a, b) => a - b);
}

async function collect(spec: JobSpec, pool?: WorkerPool) {
  const { batch, summary } = await (await Pipeline.fromJob(spec)).collect(pool === undefined ? {} : { pool });
  return { rows: batch.toRows(), counts: summary.stages.map((s) => [s.place, s.rowsIn, s.rowsOut, s.workerThreads]) };
}

let pool: WorkerPool;
beforeAll(() => {
  pool = new WorkerPool({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a worker pool lent to runs (RunOptions.pool)', () => {
  it('runs job after job on the same workers, its size replacing threads:, and leaves it open', async () => {
    const inline = await collect(job(0));
    expect(threadsSeen()).toEqual([0]);
    const workers = new Set<number>();
    for (let run = 0; run < 3; run++) {
      // threads: 1 in the job; the lent pool has 2 workers, and the run takes them both.
      const lent = await collect(job(1), pool);
      expect(lent.rows).toEqual(inline.rows);
      expect(lent.counts).toEqual(inline.counts.map(([place, rowsIn, rowsOut]) => [place, rowsIn, rowsOut, true]));
      const seen = threadsSeen();
      // The first run finds the pool starting (its workers have not imported the job's modules),
      // so the main thread reads split 0 meanwhile; later runs find it ready and leave it every split.
      if (run === 0) expect(seen[0]).toBe(0);
      else expect(seen).not.toContain(0);
      const ids = seen.filter((id) => id !== 0);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) workers.add(id);
      expect(pool.isClosed).toBe(false);
    }
    // A pool per run would have started new workers (new thread ids) for each of the three runs.
    expect(workers.size).toBeLessThanOrEqual(2);
  });

  it('leaves a job that says threads: 0 on the main thread', async () => {
    const result = await collect(job(0), pool);
    expect(threadsSeen()).toEqual([0]);
    expect(result.counts.every(([, , , onWorkers]) => onWorkers === false)).toBe(true);
    expect(pool.isClosed).toBe(false);
  });

  it('replaces a worker that dies in a run, and serves the next run', async () => {
    const killing: StageSpec[] = [{ type: 'test_kill_worker_once', dir, at: 123_456, how: 'exit' }];
    const expected = await collect(job(0, killing));
    const lent = await collect(job(2, killing), pool);
    expect(existsSync(join(dir, 'killed-exit-123456'))).toBe(true);
    expect(lent.rows).toEqual(expected.rows);
    expect(lent.counts).toEqual(expected.counts.map(([place, rowsIn, rowsOut]) => [place, rowsIn, rowsOut, true]));
    threadsSeen();
    const next = await collect(job(2), pool);
    expect(next.rows).toEqual((await collect(job(0))).rows);
    expect(pool.isClosed).toBe(false);
  });

  it('stays open when a run is aborted, and serves the next run', async () => {
    const controller = new AbortController();
    const spec = { ...job(2), transforms: job(2).transforms!.slice(0, 2) };
    const pipeline = await Pipeline.fromJob(spec);
    let batches = 0;
    const aborted = (async () => {
      for await (const _ of pipeline.batches({ pool, signal: controller.signal })) {
        if (++batches === 1) controller.abort(new Error('enough'));
      }
    })();
    await expect(aborted).rejects.toThrow('enough');
    expect(pool.isClosed).toBe(false);
    threadsSeen();
    expect((await collect(job(2), pool)).rows).toEqual((await collect(job(0))).rows);
  });

  it('serves two runs at once, each with its own result', async () => {
    const small = (value: number): JobSpec => ({ ...job(2), transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value }, job(2).transforms!.at(-1)!] });
    const expected = await Promise.all([collect({ ...small(10), threads: 0 }), collect({ ...small(90), threads: 0 })]);
    const lent = await Promise.all([collect(small(10), pool), collect(small(90), pool)]);
    expect(lent.map((r) => r.rows)).toEqual(expected.map((r) => r.rows));
    expect(lent[0]!.rows).not.toEqual(lent[1]!.rows);
    expect(lent.flatMap((r) => r.counts.map(([, , , onWorkers]) => onWorkers))).toEqual([true, true, true, true, true, true]);
    expect(pool.isClosed).toBe(false);
  });

  it('gives a ready pool every split of a CSV file, split 0 and speculative starts included', async () => {
    const lines = ['id,category,note,value'];
    for (let i = 0; i < 20_000; i++) lines.push(`${i},cat_${i % 17},${i % 5 === 0 ? `"two\nlines ${i}, quoted"` : `plain ${i}`},${(i * 37) % 1000}`);
    writeFileSync(join(dir, 'notes.csv'), `${lines.join('\n')}\n`);
    const spec = (threads: number, extra: readonly StageSpec[] = []): JobSpec => ({
      plugins: [plugin],
      threads,
      source: { type: 'csv', path: join(dir, 'notes.csv') },
      transforms: [
        { type: 'test_thread_probe', dir },
        ...extra,
        { type: 'threshold_filter', column: 'value', op: 'gt', value: 300 },
        { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'max', column: 'id', as: 'last' }] },
      ],
    });
    process.env.SLUICE_SPLIT_BYTES = String(16 * 1024);
    try {
      const inline = await collect(spec(0));
      threadsSeen();
      const fresh = new WorkerPool({ threads: 2 });
      try {
        for (let run = 0; run < 3; run++) {
          const lent = await collect(spec(2), fresh);
          expect(lent.rows).toEqual(inline.rows);
          expect(lent.counts).toEqual(inline.counts.map(([place, rowsIn, rowsOut]) => [place, rowsIn, rowsOut, true]));
          // The first run finds the pool starting; later ones leave split 0 to its workers too.
          if (run > 0) expect(threadsSeen()).not.toContain(0);
          else threadsSeen();
        }
        expect(fresh.isReady([], dir)).toBe(false); // another job's modules: not started for them
        // A worker that dies on split 0 each time: the error names the split, its stages and why.
        const killing = await collect(spec(2, [{ type: 'test_kill_worker_once', dir, at: 3, how: 'exit', always: true }]), fresh).then(
          () => undefined,
          (error: unknown) => error as Error,
        );
        expect(killing?.message).toMatch(/^source \(csv\): split 0 through transforms\[0\] \(test_thread_probe\), transforms\[1\] \(test_kill_worker_once\), .*: the worker died on each of 3 attempts \(worker exited with code: 1\)$/);
        expect(fresh.isClosed).toBe(false);
      } finally {
        await fresh.close();
      }
    } finally {
      delete process.env.SLUICE_SPLIT_BYTES;
    }
  });

  it('takes the batches of a source without splits, and stays open', async () => {
    const plain = new URL('./fixtures/faults/plain-source.mjs', import.meta.url).pathname;
    const spec = (threads: number): JobSpec => ({
      plugins: [plain],
      threads,
      source: { type: 'plain_source', rows: 20_000, batch_size: 1000 },
      transforms: [{ type: 'threshold_filter', column: 'value', op: 'lt', value: 7 }],
    });
    const inline = await collect(spec(0));
    const lent = await collect(spec(2), pool);
    expect(lent.rows).toEqual(inline.rows);
    expect(lent.rows).toHaveLength(1400);
    expect(lent.counts[1]).toEqual(['transforms[0]', 20_000, 1400, true]);
    expect(pool.isClosed).toBe(false);
  });

  it('is refused when it is closed or is not a pool, naming the option', async () => {
    const closed = new WorkerPool({ threads: 1 });
    await closed.close();
    const pipeline = await Pipeline.fromJob(job(2));
    await expect(pipeline.rows({ pool: closed })).rejects.toThrow(new TypeError('options.pool: the worker pool is closed'));
    await expect(pipeline.rows({ pool: { threads: 2 } as unknown as WorkerPool })).rejects.toThrow(new TypeError('options.pool must be a WorkerPool (got object)'));
  });
});
