import { describe, expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { runAggregate } from './helpers/stages.js';

const aggregate = runAggregate;


describe('aggregate: NaN (IEEE 754)', () => {
  it('makes sum, mean, min and max of its group NaN, wherever it appears in the group', async () => {
    const s = schema({ k: 'utf8', v: 'float64' });
    for (const batchRows of [1, 2, 100]) {
      const rows = [
        { k: 'first', v: NaN }, { k: 'first', v: 1 }, { k: 'first', v: 2 },
        { k: 'last', v: 1 }, { k: 'last', v: -Infinity }, { k: 'last', v: NaN },
        { k: 'middle', v: 5 }, { k: 'middle', v: NaN }, { k: 'middle', v: null }, { k: 'middle', v: 0 },
        { k: 'none', v: 1 }, { k: 'none', v: 2 },
      ];
      const aggregates = ['sum', 'mean', 'min', 'max'].map((fn) => ({ fn, column: 'v', as: fn }));
      const nan = { sum: NaN, mean: NaN, min: NaN, max: NaN };
      expect(await aggregate(s, rows, { group_by: ['k'], aggregates: [{ fn: 'count', column: 'v', as: 'n' }, ...aggregates] }, batchRows)).toEqual([
        { k: 'first', n: 3n, ...nan },
        { k: 'last', n: 3n, ...nan },
        { k: 'middle', n: 3n, ...nan },
        { k: 'none', n: 2n, sum: 3, mean: 1.5, min: 1, max: 2 },
      ]);
    }
  });

  it('does so through the fused path (count + sum + min + max of one null-free column) and with group_by: []', async () => {
    const s = schema({ v: 'float64' });
    const aggregates = [{ fn: 'count' }, ...['sum', 'mean', 'min', 'max'].map((fn) => ({ fn, column: 'v', as: fn }))];
    expect(await aggregate(s, [{ v: 3 }, { v: NaN }, { v: 4 }, { v: 1 }, { v: 9 }], { aggregates }, 5)).toEqual([{ count: 5n, sum: NaN, mean: NaN, min: NaN, max: NaN }]);
  });

  it('groups every NaN key together after all numbers (before null), and -0 with 0', async () => {
    const s = schema({ k: 'float64' });
    const rows = [{ k: NaN }, { k: null }, { k: Infinity }, { k: -0 }, { k: -Infinity }, { k: -NaN }, { k: 0 }, { k: 1.5 }];
    const out = await aggregate(s, rows, { group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }] });
    expect(out).toEqual([
      { k: -Infinity, n: 1n },
      { k: 0, n: 2n },
      { k: 1.5, n: 1n },
      { k: Infinity, n: 1n },
      { k: NaN, n: 2n },
      { k: null, n: 1n },
    ]);
  });
});
