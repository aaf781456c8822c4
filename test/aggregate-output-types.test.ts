import { describe, expect, it } from 'vitest';
import { RecordBatch, schema } from '../src/index.js';
import { Aggregate } from '../src/stages/transforms/aggregate.js';
import { streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';



describe('aggregate: output types', () => {
  it('keeps key types, counts as int64, sums float64 as float64 and integers as int64, keeps min/max types, means as float64', () => {
    const s = schema({ key_i: 'int32', key_s: 'utf8', f: 'float64', i: 'int32', l: 'int64', t: { type: 'timestamp', nullable: false } });
    const stage = new Aggregate(
      Aggregate.options.parse({
        group_by: ['key_i', 'key_s'],
        aggregates: [
          { fn: 'count' },
          { fn: 'count', column: 't' },
          ...['f', 'i', 'l'].flatMap((c) => ['sum', 'mean', 'min', 'max'].map((fn) => ({ fn, column: c }))),
          { fn: 'min', column: 't' },
          { fn: 'max', column: 't' },
        ],
      }),
    );
    const plan = testPlanContext();
    const out = stage.outputSchema(s, plan);
    expect(plan.problems).toEqual([]);
    expect(out.toJSON()).toEqual({
      key_i: 'int32', key_s: 'utf8',
      count: 'int64', count_t: 'int64',
      sum_f: 'float64', mean_f: 'float64', min_f: 'float64', max_f: 'float64',
      sum_i: 'int64', mean_i: 'float64', min_i: 'int32', max_i: 'int32',
      sum_l: 'int64', mean_l: 'float64', min_l: 'int64', max_l: 'int64',
      min_t: 'timestamp', max_t: 'timestamp',
    });
    // Counts are never null; the other aggregates may be (a group of nulls).
    expect(out.fields.filter((f) => !f.nullable).map((f) => f.name)).toEqual(['count', 'count_t']);
  });

  it('produces batches of exactly that schema, and no more rows per batch than the batch size', async () => {
    const s = schema({ k: 'int32', v: 'float64' });
    const stage = new Aggregate(Aggregate.options.parse({ group_by: ['k'], aggregates: [{ fn: 'sum', column: 'v' }] }));
    const out = stage.outputSchema(s, testPlanContext());
    const input = RecordBatch.fromRows(s, Array.from({ length: 10 }, (_, k) => ({ k, v: k / 2 })));
    const batches = [];
    for await (const b of stage.transform(streamOf([input]), testStageContext({ schema: out, batchSize: 4 }))) batches.push(b);
    expect(batches.map((b) => b.numRows)).toEqual([4, 4, 2]);
    for (const b of batches) expect(b.schema.equals(out)).toBe(true);
  });
});
