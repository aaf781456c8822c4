import { describe, expect, it } from 'vitest';
import { RecordBatch, schema, type Schema } from '../src/index.js';
import { Sort } from '../src/stages/transforms/sort.js';
import { collectRows, streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';

/** Runs sort over `rows` (cut into batches of `batchRows`) and returns the output rows. */
async function sort(s: Schema, rows: Record<string, unknown>[], by: unknown, batchRows = 3, batchSize = 65_536) {
  const stage = new Sort(Sort.options.parse({ by }));
  const plan = testPlanContext();
  expect(stage.outputSchema(s, plan)).toBe(s);
  expect(plan.problems).toEqual([]);
  const all = RecordBatch.fromRows(s, rows as never);
  const batches = [];
  for (let start = 0; start < all.numRows; start += batchRows) batches.push(all.slice(start, start + batchRows));
  return collectRows(stage.transform(streamOf(batches), testStageContext({ schema: s, batchSize })));
}


describe('sort: NaN is greater than every number, and still before nulls', () => {
  const s = schema({ k: 'float64' });
  const rows = [{ k: 1 }, { k: null }, { k: NaN }, { k: Infinity }, { k: -Infinity }, { k: -0 }, { k: NaN }, { k: 0.5 }];

  it('ascending: numbers, then NaN, then null', async () => {
    expect((await sort(s, rows, [{ column: 'k' }])).map((r) => r.k)).toEqual([-Infinity, -0, 0.5, 1, Infinity, NaN, NaN, null]);
  });

  it('descending: NaN first, then numbers, then null', async () => {
    expect((await sort(s, rows, [{ column: 'k', desc: true }])).map((r) => r.k)).toEqual([NaN, NaN, Infinity, 1, 0.5, -0, -Infinity, null]);
  });

  it('treats -0 and 0 as equal, and equal infinities as equal (input order kept)', async () => {
    const z = schema({ k: 'float64', seq: 'int32' });
    const out = await sort(z, [{ k: 0, seq: 0 }, { k: -0, seq: 1 }, { k: 0, seq: 2 }], [{ column: 'k', desc: true }]);
    expect(out.map((r) => r.seq)).toEqual([0, 1, 2]);
    const inf = [Infinity, -Infinity, Infinity, -Infinity, 1].map((k, seq) => ({ k, seq }));
    expect((await sort(z, inf, [{ column: 'k' }])).map((r) => r.seq)).toEqual([1, 3, 4, 0, 2]);
    expect((await sort(z, inf, [{ column: 'k', desc: true }])).map((r) => r.seq)).toEqual([0, 2, 4, 1, 3]);
  });
});
