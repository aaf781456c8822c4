import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAccounting, Pipeline } from '../src/index.js';

// Split 0 only on the main thread, so the other splits reach the pool whatever the timing.
process.env.SLUICE_HEAD_START = '0';

const plugin = new URL('./fixtures/faults/always-fails.mjs', import.meta.url).pathname;
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

async function run(threads: number) {
  dir = mkdtempSync(join(tmpdir(), 'sluice-breaker-'));
  const pipeline = await Pipeline.fromJob({
    plugins: [plugin],
    threads,
    source: { type: 'synthetic', rows: 40_000, split_rows: 5000, batch_size: 1000 },
    transforms: [{ type: 'always_fails', dir, circuit_breaker: { failure_threshold: 2, half_open_after_ms: 600_000 }, on_error: 'skip' }],
  } as never);
  const { summary } = await pipeline.collect();
  expect(checkAccounting(summary)).toEqual([]);
  const calls = new Map<string, number>();
  for (const thread of readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n')) calls.set(thread, (calls.get(thread) ?? 0) + 1);
  return { stage: summary.stages[1]!, calls };
}

describe('a circuit breaker on a stage of the parallel block', () => {
  it('on the main thread alone opens after failure_threshold calls, and the summary says open', async () => {
    const { stage, calls } = await run(0);
    expect([...calls.values()]).toEqual([2]);
    expect(stage).toMatchObject({ breaker: 'open', rowsIn: 40_000, rowsSkipped: 40_000, rowsOut: 0 });
  });

  it('with threads: 2 is one breaker per thread: each lets failure_threshold calls through, and the summary says open', async () => {
    const { stage, calls } = await run(2);
    // The main thread read split 0; the workers ran the other seven splits.
    expect(calls.has('0')).toBe(true);
    expect(calls.size).toBeGreaterThanOrEqual(2);
    expect(calls.size).toBeLessThanOrEqual(3);
    for (const count of calls.values()) expect(count).toBe(2);
    expect(stage).toMatchObject({ breaker: 'open', rowsIn: 40_000, rowsSkipped: 40_000, rowsOut: 0, workerThreads: true });
  });
});
