import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';

// Split 0 only on the main thread, so which splits reach the pool does not depend on timing.
process.env.SLUICE_HEAD_START = '0';

const dir = mkdtempSync(join(tmpdir(), 'sluice-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plugin = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;

async function run(threads: number): Promise<{ sha: string; threads: Set<string>; summary: Awaited<ReturnType<Pipeline['run']>> }> {
  const probe = mkdtempSync(join(dir, `probe-${threads}-`));
  const pipeline = await Pipeline.fromJob(
    {
      plugins: [plugin],
      threads,
      source: { type: 'synthetic', rows: 1_000_000, split_rows: 125_000, batch_size: 25_000 },
      transforms: [
        { type: 'test_thread_probe', dir: probe },
        { type: 'threshold_filter', column: 'value', op: 'gt', value: 40 },
        { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }, { fn: 'mean', column: 'value', as: 'mean' }, { fn: 'min', column: 'ts', as: 'first' }] },
      ],
      sink: { type: 'json_file', path: `out-${threads}.json` },
    },
    { baseDir: dir },
  );
  const summary = await pipeline.run();
  const sha = createHash('sha256').update(readFileSync(join(dir, `out-${threads}.json`))).digest('hex');
  return { sha, threads: new Set(readFileSync(join(probe, 'threads.log'), 'utf8').trim().split('\n')), summary };
}

describe('a split source through filter and aggregate', () => {
  it('writes byte-identical output for threads 0, 1 and 2, and the pooled runs use worker threads', async () => {
    const [zero, one, two] = [await run(0), await run(1), await run(2)];
    expect(one.sha).toBe(zero.sha);
    expect(two.sha).toBe(zero.sha);
    expect(zero.threads).toEqual(new Set(['0']));
    // Split 0 is read on the main thread while the workers start; the rest went to the pool.
    expect([...one.threads].filter((id) => id !== '0')).toHaveLength(1);
    expect([...two.threads].filter((id) => id !== '0').length).toBeGreaterThanOrEqual(1);
    // The summary adds the workers' counts: every stage sees the same rows whatever ran it.
    for (const { summary } of [one, two]) {
      expect(summary.stages.map((s) => [s.place, s.rowsIn, s.rowsOut])).toEqual(zero.summary.stages.map((s) => [s.place, s.rowsIn, s.rowsOut]));
    }
    expect(zero.summary.stages[0]!.rowsOut).toBe(1_000_000);
    expect(zero.summary.stages[3]!.rowsOut).toBe(50);
  });
});
