import { describe, expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { Aggregate } from '../src/stages/transforms/aggregate.js';
import { collectRows, streamOf, testStageContext } from '../src/testing/context.js';
import { runAggregate } from './helpers/stages.js';

const aggregate = runAggregate;

import { Pipeline } from '../src/index.js';

const all = [
  { fn: 'count', as: 'n' },
  { fn: 'count', column: 'value', as: 'nv' },
  { fn: 'sum', column: 'value', as: 'total' },
  { fn: 'sum', column: 'user_id', as: 'users' },
  { fn: 'mean', column: 'value', as: 'mean' },
  { fn: 'min', column: 'ts', as: 'first' },
  { fn: 'max', column: 'value', as: 'max' },
];

describe('aggregate over empty input', () => {
  it('with group_by: [] yields one row: counts 0, everything else null', async () => {
    const rows = await (
      await Pipeline.fromJob({
        source: { type: 'synthetic', rows: 1000 },
        transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 100 }, { type: 'aggregate', group_by: [], aggregates: all }],
      })
    ).rows();
    expect(rows).toEqual([{ n: 0n, nv: 0n, total: null, users: null, mean: null, first: null, max: null }]);
  });

  it('with group keys yields no rows', async () => {
    const rows = await (
      await Pipeline.fromJob({
        source: { type: 'synthetic', rows: 1000 },
        transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 100 }, { type: 'aggregate', group_by: ['category'], aggregates: all }],
      })
    ).rows();
    expect(rows).toEqual([]);
  });

  it('does the same when the stage runs alone on an empty stream, with or without a checked plan', async () => {
    const s = schema({ k: 'utf8', v: 'float64' });
    expect(await aggregate(s, [], { aggregates: [{ fn: 'count' }, { fn: 'sum', column: 'v' }] })).toEqual([{ count: 0n, sum_v: null }]);
    expect(await aggregate(s, [], { group_by: ['k'], aggregates: [{ fn: 'count' }] })).toEqual([]);
    // outputSchema never called: the output schema in the context is enough.
    const stage = new Aggregate(Aggregate.options.parse({ aggregates: [{ fn: 'count' }, { fn: 'max', column: 'v' }] }));
    const out = schema({ count: 'int64', max_v: 'float64' });
    expect(await collectRows(stage.transform(streamOf([]), testStageContext({ schema: out })))).toEqual([{ count: 0n, max_v: null }]);
  });

  it('with group_by: [] over non-empty input yields one row too', async () => {
    const s = schema({ v: 'float64' });
    expect(await aggregate(s, [{ v: 1 }, { v: 2 }], { aggregates: [{ fn: 'count' }, { fn: 'sum', column: 'v' }] })).toEqual([{ count: 2n, sum_v: 3 }]);
  });
});
