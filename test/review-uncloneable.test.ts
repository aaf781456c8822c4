import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline, StageError } from '../src/index.js';
import { UncloneableError, WorkerPool } from '../src/runtime/pool.js';

// Split 0 only on the main thread, so split 1 always goes to the pool.
process.env.SLUICE_HEAD_START = '0';

const plugin = new URL('./fixtures/faults/uncloneable.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-uncloneable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function job(threads: number, faults: { function_in_split?: boolean; function_in_partial?: boolean }) {
  return {
    plugins: [plugin],
    threads,
    source: { type: 'uncloneable_source', rows: 20_000, split_rows: 10_000, function_in_split: faults.function_in_split ?? false },
    transforms: [{ type: 'uncloneable_count', dir, function_in_partial: faults.function_in_partial ?? false }],
  };
}

describe('a message that structured clone refuses', () => {
  it('fails the pool task at once, without sending it again', async () => {
    const pool = new WorkerPool({ threads: 1 });
    let prepared = 0;
    try {
      const failure = await pool
        .run(() => {
          prepared++;
          return { task: { kind: 'noop', uncloneable: () => 1 } as never, transferList: [] };
        })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(UncloneableError);
      expect((failure as Error).message).toMatch(/^the task could not be sent to a worker \(DataCloneError: .* could not be cloned\.\)$/);
      expect(prepared).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('in a split fails the run naming the source, the split and the stages, not as a worker death', async () => {
    const inline = await (await Pipeline.fromJob(job(0, { function_in_split: true }))).rows();
    expect(inline).toEqual([{ n: 20_000n }]);
    const failure = await (await Pipeline.fromJob(job(1, { function_in_split: true }))).rows().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StageError);
    expect((failure as Error).message).toMatch(/^source \(uncloneable_source\): split 1 through transforms\[0\] \(uncloneable_count\): the task could not be sent to a worker \(DataCloneError: .* could not be cloned\.\)$/);
  });

  it("in an aggregation's partial fails the run naming the stage and the split after one attempt, and the worker survives", async () => {
    rmSync(join(dir, 'partials.log'), { force: true });
    const failure = await (await Pipeline.fromJob(job(1, { function_in_partial: true }))).rows().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StageError);
    expect((failure as Error).message).toMatch(/^transforms\[0\] \(uncloneable_count\): split 1: its partial cannot be sent from a worker to the main thread \(DataCloneError: .* could not be cloned\.\); it must be plain data$/);
    // Split 0 on the main thread, split 1 once in the worker: not retried as if its worker had died.
    expect(readFileSync(join(dir, 'partials.log'), 'utf8').trim().split('\n')).toEqual(['10000', '10000']);
  });
});
