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


describe('sort: int64 and timestamp keys compare exactly', () => {
  it('orders values beyond 2^53 that doubles cannot tell apart', async () => {
    const s = schema({ k: 'int64' });
    const values = [2n ** 53n + 1n, 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 3n, -1n, 0n, -(2n ** 53n) - 1n, -(2n ** 53n)];
    const rows = [...values.map((k) => ({ k })), { k: null }];
    const asc = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect((await sort(s, rows, [{ column: 'k' }])).map((r) => r.k)).toEqual([...asc, null]);
    expect((await sort(s, rows, [{ column: 'k', desc: true }])).map((r) => r.k)).toEqual([...asc].reverse().concat([null as never]));
  });

  it('orders timestamps (epoch ms, negative before 1970)', async () => {
    const s = schema({ t: 'timestamp' });
    const ts = [1_767_225_600_000, -86_400_000, 0, 1_767_225_600_001];
    expect((await sort(s, ts.map((t) => ({ t })), [{ column: 't' }])).map((r) => r.t)).toEqual([...ts].sort((a, b) => a - b));
  });
});
