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

import { Pipeline } from '../src/index.js';

describe('sort collects every row and emits them in batches of the batch size', () => {
  it('sorts a single input batch (the whole permutation, not the input order)', async () => {
    const s = schema({ k: 'int32' });
    expect((await sort(s, [{ k: 3 }, { k: 1 }, { k: 2 }], [{ column: 'k' }], 100)).map((r) => r.k)).toEqual([1, 2, 3]);
  });

  it('emits ceil(rows / batchSize) batches, all of the input schema', async () => {
    const s = schema({ k: 'int32', name: 'utf8' });
    const stage = new Sort(Sort.options.parse({ by: [{ column: 'k', desc: true }] }));
    const input = RecordBatch.fromRows(s, Array.from({ length: 10 }, (_, k) => ({ k, name: `n${k}` })));
    const batches = [];
    for await (const b of stage.transform(streamOf([input.slice(0, 4), input.slice(4, 4), input.slice(4)]), testStageContext({ schema: s, batchSize: 4 }))) batches.push(b);
    expect(batches.map((b) => b.numRows)).toEqual([4, 4, 2]);
    expect(batches.flatMap((b) => b.toRows())).toEqual(Array.from({ length: 10 }, (_, i) => ({ k: 9 - i, name: `n${9 - i}` })));
    for (const b of batches) expect(b.schema.equals(s)).toBe(true);
  });

  it('yields nothing for empty input', async () => {
    expect(await sort(schema({ k: 'int32' }), [], [{ column: 'k' }])).toEqual([]);
  });

  it('runs in a pipeline: synthetic rows by value descending', async () => {
    const rows = await (await Pipeline.fromJob({ source: { type: 'synthetic', rows: 3000, batch_size: 512 }, transforms: [{ type: 'sort', by: [{ column: 'value', desc: true }] }] })).rows();
    expect(rows).toHaveLength(3000);
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.value as number).toBeGreaterThanOrEqual(rows[i]!.value as number);
  });
});
