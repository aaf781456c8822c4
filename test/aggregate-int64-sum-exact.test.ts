import { describe, expect, it } from 'vitest';
import { RecordBatch, schema } from '../src/index.js';
import { Aggregate } from '../src/stages/transforms/aggregate.js';
import { collectRows, streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';
import { runAggregate } from './helpers/stages.js';

const aggregate = runAggregate;


describe('aggregate: integer sums are exact int64', () => {
  it('sums int64 values beyond 2^53 exactly, and means from the exact sum', async () => {
    const s = schema({ k: 'int32', v: 'int64' });
    const values = [2n ** 62n, 2n ** 62n - 1n, -(2n ** 61n), 3n, 2n ** 53n + 1n, -(2n ** 62n) + 7n];
    const rows = values.map((v) => ({ k: 1, v }));
    const expected = values.reduce((a, b) => a + b, 0n);
    expect(expected > 2n ** 53n).toBe(true);
    for (const batchRows of [1, 4, 100]) {
      const out = await aggregate(s, rows, { group_by: ['k'], aggregates: [{ fn: 'sum', column: 'v', as: 's' }, { fn: 'mean', column: 'v', as: 'm' }] }, batchRows);
      expect(out).toEqual([{ k: 1, s: expected, m: Number(expected) / values.length }]);
    }
  });

  it('cancels large positive and negative int64 values without losing the small ones', async () => {
    const s = schema({ v: 'int64' });
    const rows = [{ v: 2n ** 63n - 1n }, { v: 1n }, { v: -(2n ** 63n) }, { v: 5n }, { v: -1n }];
    const out = await aggregate(s, rows, { aggregates: [{ fn: 'sum', column: 'v', as: 's' }, { fn: 'min', column: 'v' }, { fn: 'max', column: 'v' }] }, 2);
    expect(out).toEqual([{ s: 4n, min_v: -(2n ** 63n), max_v: 2n ** 63n - 1n }]);
  });

  it('sums more than 2^22 int32 values of 2^31 - 1 (beyond 2^53) exactly', async () => {
    const n = 5_000_000;
    const values = new Int32Array(n).fill(2_147_483_647);
    values[7] = -2_147_483_648;
    const s = schema({ v: 'int32' });
    const batch = new RecordBatch(s, [{ layout: 'int32', values, validity: null }]);
    const stage = new Aggregate(Aggregate.options.parse({ aggregates: [{ fn: 'sum', column: 'v', as: 's' }, { fn: 'count', as: 'n' }] }));
    const out = await collectRows(stage.transform(streamOf([batch.slice(0, 3_000_000), batch.slice(3_000_000)]), testStageContext({ schema: stage.outputSchema(s, testPlanContext()) })));
    const expected = BigInt(n - 1) * 2_147_483_647n - 2_147_483_648n;
    expect(expected > 2n ** 53n).toBe(true);
    expect(out).toEqual([{ s: expected, n: BigInt(n) }]);
  });

  it('fails with a clear error when the sum does not fit in int64', async () => {
    const s = schema({ v: 'int64' });
    await expect(aggregate(s, [{ v: 2n ** 63n - 1n }, { v: 1n }], { aggregates: [{ fn: 'sum', column: 'v' }] })).rejects.toThrow(/sum of "v" .* overflows int64/);
    // The mean of the same values is fine: it comes from the exact sum.
    expect(await aggregate(s, [{ v: 2n ** 63n - 1n }, { v: 1n }], { aggregates: [{ fn: 'mean', column: 'v' }] })).toEqual([{ mean_v: 2 ** 62 }]);
  });
});
