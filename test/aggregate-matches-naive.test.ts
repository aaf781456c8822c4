import { describe, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';

type Row = Record<string, unknown>;

/** The same aggregate over row objects, in row order (so float sums add in the same order). */
function naive(rows: Row[], keys: string[]): Row[] {
  type Group = { key: (string | number)[]; n: number; total: number; min: number; max: number; users: bigint; last: number };
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const key = keys.map((k) => row[k] as string | number);
    const id = JSON.stringify(key);
    const v = row.value as number;
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = { key, n: 0, total: -0, min: Infinity, max: -Infinity, users: 0n, last: -Infinity }));
    g.n++;
    g.total += v;
    g.min = Math.min(g.min, v);
    g.max = Math.max(g.max, v);
    g.users += BigInt(row.user_id as number);
    g.last = Math.max(g.last, row.ts as number);
  }
  const compare = (a: Group, b: Group) => {
    for (let j = 0; j < keys.length; j++) {
      const x = a.key[j]!;
      const y = b.key[j]!;
      if (x !== y) return x < y ? -1 : 1; // ASCII strings and finite numbers: JS order is the contract's
    }
    return 0;
  };
  const sorted = [...groups.values()].sort(compare);
  return sorted.map((g) => {
    const row: Row = {};
    keys.forEach((k, j) => (row[k] = g.key[j]));
    Object.assign(row, { n: BigInt(g.n), total: g.total, mean: g.total / g.n, min: g.min, max: g.max, users: g.users, last: g.last });
    return row;
  });
}

/** Row by row with ===; a mismatch is reported through toEqual on that row (fast for 100K+ rows). */
function expectSameRows(actual: Row[], expected: Row[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const keys = Object.keys(e);
    if (Object.keys(a).length !== keys.length || keys.some((k) => a[k] !== e[k])) expect({ row: i, ...a }).toEqual({ row: i, ...e });
  }
}

const aggregates = [
  { fn: 'count', as: 'n' },
  { fn: 'sum', column: 'value', as: 'total' },
  { fn: 'mean', column: 'value', as: 'mean' },
  { fn: 'min', column: 'value', as: 'min' },
  { fn: 'max', column: 'value', as: 'max' },
  { fn: 'sum', column: 'user_id', as: 'users' },
  { fn: 'max', column: 'ts', as: 'last' },
];

describe('aggregate matches a naive row-object computation on 200,000 synthetic rows', async () => {
  const source = { type: 'synthetic', rows: 200_000, seed: 7, batch_size: 10_000 };
  const rows = await (await Pipeline.fromJob({ source })).rows();

  for (const keys of [['category'], ['user_id'], ['category', 'user_id'], ['value'], []]) {
    it(`grouped by [${keys.join(', ')}]`, async () => {
      const result = await (await Pipeline.fromJob({ source, transforms: [{ type: 'aggregate', group_by: keys, aggregates }] })).rows();
      const expected = naive(rows, keys);
      // Float sums compared exactly: both add each group's values in row order.
      expectSameRows(result, expected);
    });
  }

  it('after a filter, as in the main job', async () => {
    const filtered = rows.filter((r) => (r.value as number) > 90);
    const result = await (
      await Pipeline.fromJob({ source, transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 90 }, { type: 'aggregate', group_by: ['category'], aggregates }] })
    ).rows();
    expectSameRows(result, naive(filtered, ['category']));
  });
});
