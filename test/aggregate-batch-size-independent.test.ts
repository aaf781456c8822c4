import { describe, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';

describe('aggregate results do not depend on how the input is batched', () => {
  it('gives bit-identical rows (float sums included) for batch sizes 1,000, 4,096 and 65,536', async () => {
    const run = async (batchSize: number) =>
      (
        await Pipeline.fromJob({
          source: { type: 'synthetic', rows: 50_000, seed: 3, batch_size: batchSize },
          transforms: [
            {
              type: 'aggregate',
              group_by: ['category'],
              aggregates: [{ fn: 'count' }, { fn: 'sum', column: 'value' }, { fn: 'mean', column: 'value' }, { fn: 'min', column: 'value' }, { fn: 'max', column: 'id' }],
            },
          ],
        })
      ).rows();
    const reference = await run(65_536);
    expect(reference).toHaveLength(50);
    for (const size of [1000, 4096]) expect(await run(size)).toEqual(reference);
  });
});
