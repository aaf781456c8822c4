import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_PLUGINS, tempDir } from './resilience-helpers.js';
import { checkAccounting, Pipeline, type JobSpec } from '../src/index.js';

const probe = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

async function run(threads: number, extra: Record<string, unknown> = {}) {
  const probes = mkdtempSync(join(dir!, `probe-${threads}-`));
  const pipeline = await Pipeline.fromJob({
    plugins: [...FAULT_PLUGINS, probe],
    threads,
    source: { type: 'plain_source', rows: 30_000, batch_size: 2000 },
    transforms: [{ type: 'test_thread_probe', dir: probes }, { type: 'threshold_filter', column: 'value', op: 'gte', value: 90, ...extra }],
  } as unknown as JobSpec);
  const { batch, summary } = await pipeline.collect();
  return { rows: batch.toRows(), summary, threads: new Set(readFileSync(join(probes, 'threads.log'), 'utf8').trim().split('\n')) };
}

describe('a source without splits', () => {
  it('sends its batches through the per-batch stages on the pool, in order, with the same output and counts', async () => {
    dir = tempDir();
    const inline = await run(0);
    const pooled = await run(2);
    expect(inline.threads).toEqual(new Set(['0']));
    // The first batch runs on the main thread; the pool starts for the second.
    expect([...pooled.threads].filter((id) => id !== '0').length).toBeGreaterThanOrEqual(1);
    expect(pooled.rows).toEqual(inline.rows);
    expect(pooled.rows).toHaveLength(3000);
    expect(pooled.summary.stages.map((s) => [s.place, s.rowsIn, s.rowsOut, s.batchesOut])).toEqual(inline.summary.stages.map((s) => [s.place, s.rowsIn, s.rowsOut, s.batchesOut]));
    expect(checkAccounting(pooled.summary)).toEqual([]);
  });
});
