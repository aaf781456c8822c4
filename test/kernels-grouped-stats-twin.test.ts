import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPARE_OPS, jsKernels, selectKernels, type Kernels } from '../src/index.js';

const native = selectKernels('native');
const STRIDE = 5; // slot 0 rows, 1 sum, 2 min, 3 max, 4 untouched
const value = fc.oneof(fc.double(), fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 90, 90.5));

function emptyState(groups: number): Float64Array {
  const st = new Float64Array(groups * STRIDE);
  for (let g = 0; g < groups; g++) st.set([0, -0, Infinity, -Infinity, 42], g * STRIDE);
  return st;
}

// Bits of every slot, except that all NaNs compare equal: the sign of the NaN that Inf + -Inf
// makes depends on the operand order of the addition, which V8 may swap (x86 gives 0xFFF8…, the
// other order 0x7FF8…), so only "is NaN" is part of the contract. ±0 stay distinct.
const bits = (st: Float64Array) => Array.from(new BigUint64Array(st.buffer), (b, i) => (Number.isNaN(st[i]!) ? 'NaN' : b));

describe('groupedStatsF64 and filterGroupedStatsF64: native kernels and TypeScript twins', () => {
  it('leave bit-identical states but for NaN payloads (row-order sums, sticky NaN, first of ±0 kept)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.tuple(value, fc.nat()), { maxLength: 500 }), fc.boolean(), (groups, rows, countRows) => {
        const values = Float64Array.from(rows, ([v]) => v);
        const gids = Int32Array.from(rows, ([, g]) => g % groups);
        const run = (k: Kernels) => {
          const st = emptyState(groups);
          k.groupedStatsF64(values, gids, st, STRIDE, countRows ? 0 : -1, 1, 2, 3);
          return bits(st);
        };
        expect(run(native)).toEqual(run(jsKernels));
      }),
      { numRuns: 300 },
    );
  });

  it('fused filter + group-by equals compare, take and group-by, in both implementations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(value, fc.nat()), { maxLength: 10_000 }),
        fc.constantFrom(...COMPARE_OPS),
        fc.oneof(value, fc.constant(90)),
        fc.option(fc.integer()),
        (groups, rows, op, threshold, seed) => {
          const values = Float64Array.from(rows, ([v]) => v);
          const gids = Int32Array.from(rows, ([, g]) => g % groups);
          const validity = seed === null ? null : Uint8Array.from({ length: (rows.length + 7) >> 3 }, (_, i) => (seed * (i + 5)) & 0xff);
          const selection = new Uint32Array(values.length);
          const n = jsKernels.compareF64(values, validity, op, threshold, selection);
          const picked = selection.subarray(0, n);
          const expected = emptyState(groups);
          jsKernels.groupedStatsF64(Float64Array.from(picked, (i) => values[i]!), Int32Array.from(picked, (i) => gids[i]!), expected, STRIDE, 0, 1, 2, 3);
          for (const k of [native, jsKernels]) {
            const st = emptyState(groups);
            k.filterGroupedStatsF64(values, validity, gids, op, threshold, st, STRIDE, 0, 1, 2, 3);
            expect(bits(st)).toEqual(bits(expected));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('count, sum, min and max per group on a small example', () => {
    for (const k of [native, jsKernels]) {
      const st = emptyState(2);
      k.groupedStatsF64(new Float64Array([1, 5, 2, -3]), new Int32Array([0, 1, 0, 1]), st, STRIDE, 0, 1, 2, 3);
      expect(Array.from(st)).toEqual([2, 3, 1, 2, 42, 2, 2, -3, 5, 42]);
      const none = emptyState(1);
      k.filterGroupedStatsF64(new Float64Array([1, 2]), null, new Int32Array([0, 0]), 'gt', 90, none, STRIDE, 0, 1, 2, 3);
      expect(Object.is(none[1], -0)).toBe(true);
      expect(none[0]).toBe(0);
    }
  });

  it('reject a group id outside the state and mismatched lengths with a RangeError naming the argument', () => {
    for (const k of [native, jsKernels]) {
      const st = emptyState(2);
      expect(() => k.groupedStatsF64(new Float64Array([1, 2]), new Int32Array([0, 2]), st, STRIDE, 0, 1, 2, 3)).toThrow(/gids\[1\] \(2\) must be a group/);
      expect(() => k.groupedStatsF64(new Float64Array([1]), new Int32Array([0, 0]), st, STRIDE, 0, 1, 2, 3)).toThrow(RangeError);
      expect(() => k.groupedStatsF64(new Float64Array([1]), new Int32Array([0]), st, STRIDE, 0, 1, 2, 5)).toThrow(/slots must be offsets below stride/);
      expect(Array.from(st)).toEqual(Array.from(emptyState(2)));
    }
  });
});
