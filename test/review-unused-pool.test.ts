import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';

const plugin = new URL('./fixtures/faults/slow-import.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-unused-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a run whose main thread read every split before the pool was ready', () => {
  it('ends without waiting for the workers it never used, and the pool still closes after they start', async () => {
    delete process.env.SLUICE_HEAD_START;
    process.env.SLUICE_TEST_IMPORT_DIR = dir;
    process.env.SLUICE_TEST_IMPORT_MS = '3000';
    const pipeline = await Pipeline.fromJob({
      plugins: [plugin],
      threads: 2,
      source: { type: 'synthetic', rows: 4000, split_rows: 1000, batch_size: 500 },
      transforms: [{ type: 'slow_import_pass' }, { type: 'threshold_filter', column: 'value', op: 'gt', value: 50 }],
    } as never);
    const { batch, summary } = await pipeline.collect();
    // The workers are still importing the plugin (3 s): none has finished when the run returns.
    expect(readdirSync(dir)).toEqual([]);
    expect(summary.stages.map((s) => s.workerThreads)).toEqual([false, false, false]);
    expect(summary.stages[0]!.rowsOut).toBe(4000);
    expect(batch.numRows).toBe(summary.stages[2]!.rowsOut);
    // The pool is not abandoned: its workers finish starting (then it is destroyed in the background).
    for (let i = 0; i < 200 && readdirSync(dir).length < 2; i++) await sleep(50);
    expect(readdirSync(dir).filter((f) => f.startsWith('imported-'))).toHaveLength(2);
    expect(existsSync(dir)).toBe(true);
  });
});
