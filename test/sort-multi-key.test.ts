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


describe('sort by several keys, each in its own direction', () => {
  it('orders by the first key, then the second, then the third', async () => {
    const s = schema({ cat: 'utf8', v: 'float64', id: 'int64' });
    const rows = [
      { cat: 'b', v: 1, id: 1n },
      { cat: 'a', v: 2, id: 2n },
      { cat: 'b', v: 3, id: 3n },
      { cat: 'a', v: 2, id: 4n },
      { cat: 'b', v: 1, id: 5n },
      { cat: 'a', v: 9, id: 6n },
    ];
    const out = await sort(s, rows, [{ column: 'cat' }, { column: 'v', desc: true }, { column: 'id', desc: true }]);
    expect(out.map((r) => r.id)).toEqual([6n, 4n, 2n, 3n, 5n, 1n]);
  });

  it('matches a reference sort on 20,000 random rows', async () => {
    const s = schema({ a: 'int32', b: 'utf8', c: 'float64' });
    let x = 12345;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const rows = Array.from({ length: 20_000 }, (_, seq) => ({ a: Math.floor(next() * 10), b: `w${Math.floor(next() * 30)}`, c: Math.floor(next() * 1000) / 10, seq }));
    const out = await sort(s, rows, [{ column: 'b', desc: true }, { column: 'a' }, { column: 'c', desc: true }], 4096, 5000);
    const expected = rows
      .map((r, i) => ({ ...r, i }))
      .sort((p, q) => (p.b !== q.b ? (p.b < q.b ? 1 : -1) : p.a !== q.a ? p.a - q.a : p.c !== q.c ? q.c - p.c : p.i - q.i))
      .map(({ a, b, c }) => ({ a, b, c }));
    expect(out).toEqual(expected);
  });
});
