import { describe, expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { runAggregate } from './helpers/stages.js';

const aggregate = runAggregate;


describe('aggregate: output ordered by the group key ascending, column by column', () => {
  it('orders numbers numerically (negative, beyond the direct-array range, int64 beyond 2^53)', async () => {
    const ints = [5, -3, 2_000_000, 0, -2_147_483_648, 2_147_483_647, 1 << 20, 17];
    const s32 = schema({ k: 'int32' });
    const out32 = await aggregate(s32, ints.map((k) => ({ k })), { group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }] });
    expect(out32.map((r) => r.k)).toEqual([...ints].sort((a, b) => a - b));

    const big = [2n ** 62n, -(2n ** 63n), 2n ** 53n + 1n, 2n ** 53n, -1n, 0n, 2n ** 63n - 1n];
    const s64 = schema({ k: 'int64' });
    const out64 = await aggregate(s64, big.map((k) => ({ k })), { group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }] });
    expect(out64.map((r) => r.k)).toEqual([...big].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('orders by the first key, then the second, then the third', async () => {
    const s = schema({ a: 'utf8', b: 'int32', c: 'bool' });
    const rows = [
      { a: 'y', b: 2, c: true },
      { a: 'x', b: 10, c: false },
      { a: 'y', b: 1, c: true },
      { a: 'x', b: 2, c: true },
      { a: 'y', b: 1, c: false },
      { a: 'x', b: 10, c: null },
      { a: 'x', b: 2, c: true },
    ];
    const out = await aggregate(s, rows, { group_by: ['a', 'b', 'c'], aggregates: [{ fn: 'count', as: 'n' }] });
    expect(out).toEqual([
      { a: 'x', b: 2, c: true, n: 2n },
      { a: 'x', b: 10, c: false, n: 1n },
      { a: 'x', b: 10, c: null, n: 1n },
      { a: 'y', b: 1, c: false, n: 1n },
      { a: 'y', b: 1, c: true, n: 1n },
      { a: 'y', b: 2, c: true, n: 1n },
    ]);
  });

  it('orders the key columns in group_by order, not schema order', async () => {
    const s = schema({ a: 'int32', b: 'int32' });
    const rows = [{ a: 1, b: 2 }, { a: 2, b: 1 }];
    const out = await aggregate(s, rows, { group_by: ['b', 'a'], aggregates: [] });
    expect(out).toEqual([{ b: 1, a: 2 }, { b: 2, a: 1 }]);
  });
});
