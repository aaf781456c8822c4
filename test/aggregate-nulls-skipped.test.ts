import { describe, expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { runAggregate } from './helpers/stages.js';

const aggregate = runAggregate;


describe('aggregate: aggregates skip nulls (SQL)', () => {
  it('sum, mean, min and max ignore null values', async () => {
    const s = schema({ k: 'utf8', f: 'float64', i: 'int32', l: 'int64', t: 'timestamp' });
    const rows = [
      { k: 'a', f: 1.5, i: 10, l: 100n, t: 1000 },
      { k: 'a', f: null, i: null, l: null, t: null },
      { k: 'a', f: 2.5, i: -4, l: -1n, t: 500 },
    ];
    const aggregates = ['f', 'i', 'l', 't'].flatMap((c) => [
      ...(c === 't' ? [] : [{ fn: 'sum', column: c }, { fn: 'mean', column: c }]),
      { fn: 'min', column: c },
      { fn: 'max', column: c },
    ]);
    expect(await aggregate(s, rows, { group_by: ['k'], aggregates })).toEqual([
      {
        k: 'a',
        sum_f: 4, mean_f: 2, min_f: 1.5, max_f: 2.5,
        sum_i: 6n, mean_i: 3, min_i: -4, max_i: 10,
        sum_l: 99n, mean_l: 49.5, min_l: -1n, max_l: 100n,
        min_t: 500, max_t: 1000,
      },
    ]);
  });

  it('gives null for sum, mean, min and max of a group with no non-null value', async () => {
    const s = schema({ k: 'int32', f: 'float64', l: 'int64' });
    const rows = [{ k: 1, f: null, l: null }, { k: 1, f: null, l: null }, { k: 2, f: 3, l: 4n }];
    const aggregates = ['f', 'l'].flatMap((c) => ['sum', 'mean', 'min', 'max'].map((fn) => ({ fn, column: c })));
    expect(await aggregate(s, rows, { group_by: ['k'], aggregates: [{ fn: 'count' }, ...aggregates] })).toEqual([
      { k: 1, count: 2n, sum_f: null, mean_f: null, min_f: null, max_f: null, sum_l: null, mean_l: null, min_l: null, max_l: null },
      { k: 2, count: 1n, sum_f: 3, mean_f: 3, min_f: 3, max_f: 3, sum_l: 4n, mean_l: 4, min_l: 4n, max_l: 4n },
    ]);
  });
});
