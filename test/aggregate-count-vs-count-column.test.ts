import { describe, expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { runAggregate } from './helpers/stages.js';

const aggregate = runAggregate;


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
