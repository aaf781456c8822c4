import { describe, expect, it } from 'vitest';
import { RecordBatch, schema } from '../src/index.js';
import { Aggregate } from '../src/stages/transforms/aggregate.js';
import { collectRows, streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';

async function aggregate(s: ReturnType<typeof schema>, rows: Record<string, unknown>[], options: unknown) {
  const stage = new Aggregate(Aggregate.options.parse(options));
  const plan = testPlanContext();
  const out = stage.outputSchema(s, plan);
  expect(plan.problems).toEqual([]);
  return collectRows(stage.transform(streamOf([RecordBatch.fromRows(s, rows as never)]), testStageContext({ schema: out })));
}

describe('aggregate: a null key is its own group, sorted last', () => {
  it('groups null utf8 keys together, after every string', async () => {
    const s = schema({ k: 'utf8', v: 'int32' });
    const rows = [{ k: 'b', v: 1 }, { k: null, v: 2 }, { k: 'a', v: 3 }, { k: null, v: 4 }, { k: '', v: 5 }];
    expect(await aggregate(s, rows, { group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'v', as: 's' }] })).toEqual([
      { k: '', n: 1n, s: 5n },
      { k: 'a', n: 1n, s: 3n },
      { k: 'b', n: 1n, s: 1n },
      { k: null, n: 2n, s: 6n },
    ]);
  });

  it('does the same for int32, int64, float64, bool and timestamp keys', async () => {
    for (const type of ['int32', 'int64', 'float64', 'bool', 'timestamp'] as const) {
      const s = schema({ k: type, v: 'int32' });
      const [lo, hi] = type === 'bool' ? [false, true] : type === 'int64' ? [-7n, 9n] : [-7, 9];
      const rows = [{ k: hi, v: 1 }, { k: null, v: 2 }, { k: lo, v: 3 }, { k: null, v: 4 }, { k: hi, v: 5 }];
      expect(await aggregate(s, rows, { group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }] }), type).toEqual([
        { k: lo, n: 1n },
        { k: hi, n: 2n },
        { k: null, n: 2n },
      ]);
    }
  });

  it('keeps null as a separate value of each key column in multi-column keys', async () => {
    const s = schema({ a: 'utf8', b: 'int32' });
    const rows = [
      { a: 'x', b: null },
      { a: null, b: 1 },
      { a: 'x', b: 1 },
      { a: null, b: null },
      { a: 'x', b: null },
      { a: null, b: 1 },
    ];
    expect(await aggregate(s, rows, { group_by: ['a', 'b'], aggregates: [{ fn: 'count', as: 'n' }] })).toEqual([
      { a: 'x', b: 1, n: 1n },
      { a: 'x', b: null, n: 2n },
      { a: null, b: 1, n: 2n },
      { a: null, b: null, n: 1n },
    ]);
  });
});
