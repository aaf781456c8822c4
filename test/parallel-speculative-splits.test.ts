import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';

// Split 0 only on the main thread, so which splits reach the pool does not depend on timing.
process.env.SLUICE_HEAD_START = '0';


const plugin = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-speculative-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function ids(threads: number, options: { shifted?: number[]; fail_guess?: number[]; fail_exact?: number[] }): Promise<{ ids: bigint[]; exact: number[] }> {
  const pipeline = await Pipeline.fromJob({
    plugins: [plugin],
    threads,
    batch_size: 1000,
    source: { type: 'test_guessing_source', rows: 10_000, split_rows: 1_000, dir, ...options },
    transforms: [{ type: 'threshold_filter', column: 'id', op: 'gte', value: 0 }],
  });
  const rows = await pipeline.rows();
  const log = join(dir, 'exact.log');
  const exact = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map(Number) : [];
  rmSync(log, { force: true });
  return { ids: rows.map((r) => r.id as bigint), exact };
}

const everyRow = Array.from({ length: 10_000 }, (_, i) => BigInt(i));

describe('speculative splits', () => {
  it('are re-read as exact splits exactly where the guess was wrong, with every row once and in order', async () => {
    const pooled = await ids(2, { shifted: [3, 7] });
    expect(pooled.ids).toEqual(everyRow);
    expect(pooled.exact.sort((a, b) => a - b)).toEqual([3, 7]);
  });

  it('whose speculative read fails are re-read exactly, and only an exact failure fails the run', async () => {
    const pooled = await ids(2, { shifted: [5], fail_guess: [2, 5] });
    expect(pooled.ids).toEqual(everyRow);
    expect(pooled.exact.sort((a, b) => a - b)).toEqual([2, 5]);
    await expect(ids(2, { fail_guess: [4], fail_exact: [4] })).rejects.toThrow('source (test_guessing_source): split 4: bad data');
  });

  it('inline (threads: 0) are made exact before reading, giving the same rows', async () => {
    const inline = await ids(0, { shifted: [3, 7], fail_guess: [2] });
    expect(inline.ids).toEqual(everyRow);
    expect(inline.exact).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
