import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';

// Split 0 only on the main thread, so which splits reach the pool does not depend on timing.
process.env.SLUICE_HEAD_START = '0';

const plugin = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** The first id of each batch in the order the engine handed them on; split 1 waits in its worker until split 3 has run. */
async function order(ordered: boolean): Promise<number[]> {
  dir = mkdtempSync(join(tmpdir(), 'sluice-ordered-'));
  const pipeline = await Pipeline.fromJob({
    plugins: [plugin],
    threads: 2,
    source: { type: 'synthetic', rows: 160_000, split_rows: 20_000, batch_size: 20_000 },
    transforms: [{ type: 'test_hold_back', dir, hold_rows: 40_000, release_at: 60_000, ordered }],
  });
  const ids: number[] = [];
  for await (const batch of pipeline.batches()) ids.push(Number((batch.columns[0] as { values: BigInt64Array }).values[0]));
  return ids;
}

describe('the order of a parallel stage\'s output', () => {
  it('is the input order by default, even when later units finish first', async () => {
    expect(await order(true)).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000, 120_000, 140_000]);
  });

  it('is completion order under ordered: false, with every batch once', async () => {
    const ids = await order(false);
    expect([...ids].sort((a, b) => a - b)).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000, 120_000, 140_000]);
    // Split 1 (held back in a worker until split 3 ran) is overtaken by a later split.
    expect(ids.indexOf(20_000)).toBeGreaterThan(ids.indexOf(60_000));
  });
});
