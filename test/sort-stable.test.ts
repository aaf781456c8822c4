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


describe('sort is stable', () => {
  it('keeps the input order of rows with equal keys, ascending and descending', async () => {
    const s = schema({ k: 'int32', seq: 'int32' });
    const keys = [3, 1, 2, 1, 3, 2, 1, 3, 2, 2, 1];
    const rows = keys.map((k, seq) => ({ k, seq }));
    const asc = await sort(s, rows, [{ column: 'k' }]);
    expect(asc).toEqual([...rows].sort((a, b) => a.k - b.k));
    const desc = await sort(s, rows, [{ column: 'k', desc: true }]);
    expect(desc).toEqual([...rows].sort((a, b) => b.k - a.k));
    // Within equal keys, seq ascends in both directions.
    for (const out of [asc, desc]) {
      for (let i = 1; i < out.length; i++) if (out[i]!.k === out[i - 1]!.k) expect(out[i]!.seq as number).toBeGreaterThan(out[i - 1]!.seq as number);
    }
  });

  it('keeps the input order of rows with equal strings, nulls and NaNs across many batches', async () => {
    const s = schema({ k: 'utf8', f: 'float64', seq: 'int32' });
    const rows = Array.from({ length: 500 }, (_, seq) => ({ k: seq % 7 === 0 ? null : `s${seq % 4}`, f: seq % 5 === 0 ? NaN : seq % 3 === 0 ? null : seq % 2, seq }));
    for (const by of [[{ column: 'k' }], [{ column: 'f', desc: true }], [{ column: 'k', desc: true }, { column: 'f' }]]) {
      const out = await sort(s, rows, by, 37, 100);
      const groups = new Map<string, number[]>();
      for (const row of out) {
        const key = by.map((b) => String(row[b.column])).join('|');
        groups.set(key, [...(groups.get(key) ?? []), row.seq as number]);
      }
      for (const seqs of groups.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });
});
