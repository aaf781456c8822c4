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


describe('sort puts nulls last in either direction', () => {
  for (const type of ['int32', 'int64', 'float64', 'utf8', 'bool', 'timestamp'] as const) {
    it(`for ${type}`, async () => {
      const s = schema({ k: type });
      const [a, b] = type === 'bool' ? [false, true] : type === 'int64' ? [-5n, 7n] : type === 'utf8' ? ['a', 'b'] : [-5, 7];
      const rows = [{ k: null }, { k: b }, { k: null }, { k: a }];
      expect((await sort(s, rows, [{ column: 'k' }])).map((r) => r.k)).toEqual([a, b, null, null]);
      expect((await sort(s, rows, [{ column: 'k', desc: true }])).map((r) => r.k)).toEqual([b, a, null, null]);
    });
  }

  it('and a null in the first key sorts last whatever the later keys say', async () => {
    const s = schema({ a: 'int32', b: 'int32' });
    const rows = [{ a: null, b: 0 }, { a: 1, b: 9 }, { a: null, b: -1 }, { a: 1, b: null }];
    expect(await sort(s, rows, [{ column: 'a', desc: true }, { column: 'b' }])).toEqual([
      { a: 1, b: 9 },
      { a: 1, b: null },
      { a: null, b: -1 },
      { a: null, b: 0 },
    ]);
  });
});
