import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels, type Kernels } from '../src/index.js';
import { PairTable } from '../src/stages/transforms/aggregate/hash.js';

// Twin tests of the multi-column group id step: native and TypeScript intern the same pairs into
// the same PairTable words, give the same dense ids in order of first appearance, and record the
// same keys; batches continue one table.
const native = selectKernels('native');

function runBatches(k: Kernels, batches: readonly (readonly [number, number][])[]) {
  const table = new PairTable();
  let keysA = new Int32Array(0);
  let keysB = new Int32Array(0);
  const ids: number[] = [];
  for (const rows of batches) {
    const a = Int32Array.from(rows, ([x]) => x);
    const b = Int32Array.from(rows, ([, y]) => y);
    table.reserve(rows.length);
    const grow = (keys: Int32Array) => {
      const next = new Int32Array(table.count + rows.length);
      next.set(keys.subarray(0, Math.min(keys.length, next.length)));
      return next;
    };
    keysA = grow(keysA);
    keysB = grow(keysB);
    const out = new Int32Array(rows.length);
    table.count = k.internPairs(a, b, table.slotsArray, table.count, out, keysA, keysB);
    for (const id of out) ids.push(id);
  }
  return { ids, count: table.count, keysA: Array.from(keysA.subarray(0, table.count)), keysB: Array.from(keysB.subarray(0, table.count)), slots: Array.from(table.slotsArray) };
}

describe('internPairs: native kernel and TypeScript twin', () => {
  it('equal tables, ids and keys, and ids are dense in order of first appearance', () => {
    const word = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer(), fc.constantFrom(-1, -2147483648, 2147483647));
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(word, word), { maxLength: 300 }), { maxLength: 5 }), (batches) => {
        const n = runBatches(native, batches);
        const t = runBatches(jsKernels, batches);
        expect(n).toEqual(t);
        const firstSeen = new Map<string, number>();
        batches.flat().forEach(([x, y], i) => {
          const key = `${x},${y}`;
          if (!firstSeen.has(key)) firstSeen.set(key, firstSeen.size);
          expect(n.ids[i]).toBe(firstSeen.get(key));
        });
        expect(n.count).toBe(firstSeen.size);
      }),
      { numRuns: 200 },
    );
  });

  it('100,000 groups, one group, and empty input', () => {
    const many = Array.from({ length: 250_000 }, (_, i): [number, number] => [i % 1000, Math.floor(i / 1000) % 100 - 50]);
    const n = runBatches(native, [many.slice(0, 65_536), many.slice(65_536)]);
    expect(n.count).toBe(100_000);
    expect(n).toEqual(runBatches(jsKernels, [many.slice(0, 65_536), many.slice(65_536)]));
    const one = Array.from({ length: 1000 }, (): [number, number] => [3, -3]);
    expect(runBatches(native, [one]).ids).toEqual(new Array(1000).fill(0));
    expect(runBatches(native, [[]])).toEqual(runBatches(jsKernels, [[]]));
  });

  it('refuse a table without room for every row being new, and short outputs, before writing', () => {
    for (const k of [native, jsKernels]) {
      const table = new PairTable();
      const before = Array.from(table.slotsArray);
      const rows = new Int32Array(20);
      expect(() => k.internPairs(rows, rows, table.slotsArray, 0, new Int32Array(20), null, null)).toThrow(/slots must have 256 elements/);
      expect(() => k.internPairs(new Int32Array(2), new Int32Array(1), table.slotsArray, 0, new Int32Array(2), null, null)).toThrow(/b must have 2 elements/);
      expect(() => k.internPairs(new Int32Array(2), new Int32Array(2), table.slotsArray, 0, new Int32Array(2), new Int32Array(1), new Int32Array(2))).toThrow(/keysA must have 2 elements/);
      expect(Array.from(table.slotsArray)).toEqual(before);
    }
    const table = new PairTable();
    const shared = new Int32Array(4);
    expect(() => native.internPairs(shared, new Int32Array(4), table.slotsArray, 0, shared, null, null)).toThrow(/out must not share memory with a/);
  });
});

describe('Grouper over three key columns on each implementation', () => {
  it('gives the same group ids and decodes the same local ids per group', async () => {
    const { Grouper } = await import('../src/stages/transforms/aggregate/keys.js');
    const col = (values: Int32Array) => ({ layout: 'int32' as const, values, validity: null });
    const n = 5000;
    const batches = [0, 1, 2].map((b) =>
      [7, 5, 3].map((m, j) => col(Int32Array.from({ length: n }, (_, i) => ((i + b * 977) * (j + 3)) % m))),
    );
    const run = (k: Kernels) => {
      const grouper = new Grouper(['int32', 'int32', 'int32'], k);
      const ids = batches.map((columns) => Array.from(grouper.assign(columns, n).subarray(0, n)));
      // Each group's key values, through the decoded local ids and each column's distinct values.
      const values = [0, 1, 2].map((j) => {
        const d = grouper.dictionary(j).values as Int32Array;
        return Array.from(grouper.localIdsOf(j), (local) => d[local]!);
      });
      return { ids, groups: grouper.groups, values };
    };
    const a = run(native);
    expect(a).toEqual(run(jsKernels));
    expect(a.groups).toBe(105);
    // Each group's decoded key is the key of every row given that group.
    batches.forEach((columns, b) =>
      a.ids[b]!.forEach((g, i) => {
        for (let j = 0; j < 3; j++) expect(a.values[j]![g]).toBe(columns[j]!.values[i]);
      }),
    );
  });
});
