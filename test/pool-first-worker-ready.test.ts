import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';
import { WorkerPool } from '../src/runtime/pool.js';

// One worker of two imports the plugin at once; the other waits until the test releases it. A
// run must not wait for the late one: its units start on the worker that is ready.
const plugin = new URL('./fixtures/startup/one-worker-late.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-first-ready-'));
const release = join(dir, 'release');
beforeAll(() => {
  process.env['SLUICE_TEST_RELEASE'] = release;
});
afterAll(() => {
  writeFileSync(release, '');
  delete process.env['SLUICE_TEST_RELEASE'];
  rmSync(dir, { recursive: true, force: true });
});

describe('a pool whose workers become ready far apart', () => {
  it('answers firstHello when one worker has imported the modules, hello only when all have', async () => {
    const pool = new WorkerPool({ threads: 2 });
    const lock = `${release}.first`;
    rmSync(lock, { recursive: true, force: true });
    const order: string[] = [];
    const all = pool.hello([plugin], dir).then((hello) => {
      order.push('all');
      return hello;
    });
    const first = await pool.firstHello([plugin], dir);
    order.push('first');
    expect(first['one_worker_late_pass']).toBe('OneWorkerLatePass');
    expect(pool.isReady([plugin], dir)).toBe(false);
    writeFileSync(release, '');
    await all;
    expect(order).toEqual(['first', 'all']);
    expect(pool.isReady([plugin], dir)).toBe(true);
    await pool.close();
    rmSync(release);
  });

  it('runs a job on the worker that is ready while the other is still importing', async () => {
    rmSync(`${release}.first`, { recursive: true, force: true });
    rmSync(release, { force: true });
    const pool = new WorkerPool({ threads: 2 });
    // Split 0 alone on the main thread while the pool starts (it would read all 8 small splits).
    process.env['SLUICE_HEAD_START'] = '0';
    try {
      const pipeline = await Pipeline.fromJob(
        {
          plugins: [plugin],
          threads: 2,
          source: { type: 'synthetic', rows: 8000, split_rows: 1000, batch_size: 500 },
          transforms: [{ type: 'one_worker_late_pass' }, { type: 'threshold_filter', column: 'value', op: 'gt', value: 50 }],
        },
        { baseDir: dir },
      );
      // Without the release the late worker never answers: a run waiting for every worker would not end.
      const { batch, summary } = await pipeline.collect({ pool });
      const rows = batch.toRows();
      expect(pool.isReady([plugin], dir)).toBe(false);
      expect(summary.rowsIn).toBe(8000);
      expect(summary.stages.map((s) => s.workerThreads)).toEqual([true, true, true]);
      expect(rows.length).toBe(summary.stages[2]!.rowsOut);
      expect(rows.every((row) => (row['value'] as number) > 50)).toBe(true);
    } finally {
      delete process.env['SLUICE_HEAD_START'];
      writeFileSync(release, '');
      await pool.close();
    }
  });
});
