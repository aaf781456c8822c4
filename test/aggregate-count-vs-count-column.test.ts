import { describe, expect, it } from 'vitest';
import { RecordBatch, schema, type Schema } from '../src/index.js';
import { Aggregate } from '../src/stages/transforms/aggregate.js';
import { collectRows, streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';

/** Runs aggregate over `rows` (cut into batches of `batchRows`) and returns the output rows. */
async function aggregate(s: Schema, rows: Record<string, unknown>[], options: unknown, batchRows = 3) {
  const stage = new Aggregate(Aggregate.options.parse(options));
  const plan = testPlanContext();
  const out = stage.outputSchema(s, plan);
  expect(plan.problems).toEqual([]);
  const all = RecordBatch.fromRows(s, rows as never);
  const batches = [];
  for (let start = 0; start < all.numRows; start += batchRows) batches.push(all.slice(start, start + batchRows));
  return collectRows(stage.transform(streamOf(batches), testStageContext({ schema: out })));
}


describe('aggregate: count counts rows, count(column) counts non-null values', () => {
  it('counts both, for every column type', async () => {
    const s = schema({ k: 'utf8', f: 'float64', b: 'bool', u: 'utf8', t: 'timestamp' });
    const rows = [
      { k: 'x', f: 1, b: true, u: 'p', t: 1 },
      { k: 'x', f: null, b: null, u: null, t: null },
      { k: 'x', f: NaN, b: false, u: '', t: 0 },
      { k: 'y', f: null, b: null, u: null, t: null },
    ];
    const aggregates = [{ fn: 'count', as: 'rows' }, ...['f', 'b', 'u', 't'].map((c) => ({ fn: 'count', column: c }))];
    expect(await aggregate(s, rows, { group_by: ['k'], aggregates })).toEqual([
      { k: 'x', rows: 3n, count_f: 2n, count_b: 2n, count_u: 2n, count_t: 2n },
      { k: 'y', rows: 1n, count_f: 0n, count_b: 0n, count_u: 0n, count_t: 0n },
    ]);
  });

  it('counts a group of null keys like any other', async () => {
    const s = schema({ k: 'int32', v: 'float64' });
    const rows = [{ k: null, v: null }, { k: null, v: 2 }];
    expect(await aggregate(s, rows, { group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'count', column: 'v', as: 'nv' }] })).toEqual([
      { k: null, n: 2n, nv: 1n },
    ]);
  });
});
