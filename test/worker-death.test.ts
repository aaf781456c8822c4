import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline, StageError } from '../src/index.js';

// Split 0 only on the main thread, so which splits reach the pool does not depend on timing.
process.env.SLUICE_HEAD_START = '0';

const plugin = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;
const faults = new URL('./fixtures/faults/plain-source.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-worker-death-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A low heap limit so the hoarding transform reaches it quickly.
process.env.SLUICE_WORKER_HEAP_MB = '96';

function job(threads: number, how: 'exit' | 'heap', always = false) {
  return {
    plugins: [plugin],
    threads,
    source: { type: 'synthetic', rows: 400_000, split_rows: 50_000, batch_size: 25_000 },
    transforms: [
      { type: 'test_kill_worker_once', dir, at: 123_456, how, always },
      { type: 'threshold_filter', column: 'value', op: 'gt', value: 50 },
      { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }, { fn: 'max', column: 'id', as: 'last' }] },
    ],
  };
}

async function collect(threads: number, how: 'exit' | 'heap') {
  const { batch, summary } = await (await Pipeline.fromJob(job(threads, how))).collect();
  return { rows: batch.toRows(), counts: summary.stages.map((s) => [s.place, s.rowsIn, s.rowsOut]) };
}

describe('a worker that dies in the middle of a unit', () => {
  for (const how of ['exit', 'heap'] as const) {
    it(`(${how === 'exit' ? 'process.exit' : 'past its heap limit'}) has its unit retried on a fresh worker: no row lost, none duplicated`, async () => {
      const expected = await collect(0, how);
      expect(existsSync(join(dir, `killed-${how}-123456`))).toBe(false);
      const pooled = await collect(2, how);
      expect(existsSync(join(dir, `killed-${how}-123456`))).toBe(true);
      expect(pooled.rows).toEqual(expected.rows);
      expect(pooled.counts).toEqual(expected.counts);
      expect(pooled.counts[0]).toEqual(['source', 0, 400_000]);
    });
  }

  it('while it holds a batch of a source without splits has that batch sent again from the kept copy', async () => {
    const batchJob = (threads: number) => ({
      plugins: [plugin, faults],
      threads,
      source: { type: 'plain_source', rows: 30_000, batch_size: 2000 },
      transforms: [{ type: 'test_kill_worker_once', dir, at: 10_500, how: 'exit' }, { type: 'threshold_filter', column: 'value', op: 'lt', value: 3 }],
    });
    const expected = await (await Pipeline.fromJob(batchJob(0))).rows();
    const pooled = await (await Pipeline.fromJob(batchJob(2))).rows();
    expect(existsSync(join(dir, 'killed-exit-10500'))).toBe(true);
    expect(pooled).toEqual(expected);
    expect(pooled).toHaveLength(900);
  });

  it('on every attempt fails the run, naming the stages and the split', async () => {
    const failure = await (await Pipeline.fromJob(job(1, 'exit', true))).rows().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StageError);
    expect((failure as Error).message).toMatch(/^source \(synthetic\): split 2 through transforms\[0\] \(test_kill_worker_once\), transforms\[1\] \(threshold_filter\), transforms\[2\] \(aggregate\): the worker died on each of 3 attempts \(worker exited with code: 1\)$/);
  });
});
