import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchTransform, Pipeline, registerStage, StageError, z, type RecordBatch } from '../src/index.js';

/** A test-only transform that fails on its `fail_at`-th batch. */
class FailAt extends BatchTransform<{ fail_at: number }> {
  static readonly type = 'test_fail_at';
  static readonly description = 'Throws on the given batch (tests only)';
  static readonly options = z.strictObject({ fail_at: z.number().int() });
  static {
    registerStage(this);
  }
  private seen = 0;
  processBatch(batch: RecordBatch): RecordBatch {
    if (++this.seen === this.options.fail_at) throw new Error(`boom at batch ${this.seen}`);
    return batch;
  }
}

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

/**
 * The descriptors open once background cleanup has settled: a pool that was still starting when
 * the run ended is closed when its start ends (closing workers mid-import leaks a descriptor), and
 * the run does not wait for it. A leak never settles, so waiting up to 10 s still catches one.
 */
async function settledDescriptors(expected: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let open = openDescriptors();
  while (open !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    open = openDescriptors();
  }
  return open;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-fail-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a run that fails mid-stream', () => {
  it('leaves no file descriptor open, no file at the sink path and no temporary file', async () => {
    expect(FailAt.type).toBe('test_fail_at');
    const before = openDescriptors();
    for (const format of ['json', 'ndjson']) {
      // threads 2 and several splits: the pool starts, its workers cannot rebuild a stage registered
      // by this file, so it is closed at once — while a worker may still be importing modules,
      // which leaked a descriptor per run until close() waited for the imports.
      const pipeline = await Pipeline.fromJob(
        {
          threads: 2,
          source: { type: 'synthetic', rows: 500_000, batch_size: 10_000, split_rows: 100_000 },
          transforms: [{ type: 'test_fail_at', fail_at: 20 }],
          sink: { type: 'json_file', path: `out.${format}`, format },
        },
        { baseDir: dir },
      );
      const failure = await pipeline.run().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StageError);
      expect((failure as StageError).message).toBe('transforms[0] (test_fail_at): boom at batch 20');
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(await settledDescriptors(before)).toBe(before);
  });

  it('when aborted, stops and leaves nothing at the sink path', async () => {
    const controller = new AbortController();
    const pipeline = await Pipeline.fromJob({ source: { type: 'synthetic', rows: 50_000_000 }, sink: { type: 'json_file', path: 'out.json' } }, { baseDir: dir });
    setTimeout(() => controller.abort(new Error('stopped by the test')), 50);
    const started = performance.now();
    await expect(pipeline.run({ signal: controller.signal })).rejects.toThrow('stopped by the test');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
