import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPARE_OPS, jsKernels, selectKernels, type Kernels } from '../src/index.js';

const native = selectKernels('native');
type Op = (typeof COMPARE_OPS)[number];
const thresholds = fc.oneof(
  fc.double(),
  fc.integer({ min: -100, max: 100 }),
  fc.constantFrom(NaN, 0, -0, Infinity, -Infinity, 90.5, -0.5, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 63, -(2 ** 63), 1e300),
);
const validityFor = (n: number, mode: 'none' | 'some' | 'all-null', seed: number): Uint8Array | null =>
  mode === 'none' ? null : Uint8Array.from({ length: (n + 7) >> 3 }, (_, i) => (mode === 'all-null' ? 0 : (seed * (i + 7)) & 0xff));
const nullMode = fc.constantFrom('none', 'some', 'all-null') as fc.Arbitrary<'none' | 'some' | 'all-null'>;

function sel(run: (out: Uint32Array) => number, n: number): number[] {
  const out = new Uint32Array(n);
  return Array.from(out.subarray(0, run(out)));
}

describe('compareI32 and compareI64: native kernels and TypeScript twins', () => {
  it('select the same int32 rows for every op, fractional, infinite and NaN thresholds, and nulls', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.integer({ min: -3, max: 3 })), { maxLength: 200 }), thresholds, fc.constantFrom(...COMPARE_OPS), nullMode, fc.integer(), (list, t, op, mode, seed) => {
        const v = Int32Array.from(list);
        const validity = validityFor(v.length, mode, seed);
        const run = (k: Kernels) => sel((out) => k.compareI32(v, validity, op as Op, t, out), v.length);
        expect(run(native)).toEqual(run(jsKernels));
      }),
      { numRuns: 400 },
    );
  });

  it('select the same int64 rows, exactly beyond 2^53 and at the int64 limits', () => {
    const edge = fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0n, 90n, 91n);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), edge), { maxLength: 200 }), thresholds, fc.constantFrom(...COMPARE_OPS), nullMode, fc.integer(), (list, t, op, mode, seed) => {
        const v = BigInt64Array.from(list);
        const validity = validityFor(v.length, mode, seed);
        const run = (k: Kernels) => sel((out) => k.compareI64(v, validity, op as Op, t, out), v.length);
        expect(run(native)).toEqual(run(jsKernels));
      }),
      { numRuns: 400 },
    );
  });

  it('compare 2^53 + 1 exactly with 2^53 (no rounding through a double)', () => {
    const v = new BigInt64Array([2n ** 53n + 1n, 2n ** 53n]);
    for (const k of [native, jsKernels]) {
      expect(sel((out) => k.compareI64(v, null, 'gt', 2 ** 53, out), 2)).toEqual([0]);
      expect(sel((out) => k.compareI64(v, null, 'eq', 2 ** 53, out), 2)).toEqual([1]);
    }
  });

  it('pass every valid row or none at the extremes, and nothing on empty or all-null input', () => {
    const v = new Int32Array([-5, 0, 7]);
    for (const k of [native, jsKernels]) {
      expect(sel((out) => k.compareI32(v, null, 'lt', Infinity, out), 3)).toEqual([0, 1, 2]);
      expect(sel((out) => k.compareI32(v, null, 'gt', Infinity, out), 3)).toEqual([]);
      expect(sel((out) => k.compareI32(v, null, 'ne', NaN, out), 3)).toEqual([0, 1, 2]);
      expect(sel((out) => k.compareI32(v, new Uint8Array([0]), 'ne', NaN, out), 3)).toEqual([]);
      expect(sel((out) => k.compareI32(new Int32Array(0), null, 'gte', 0, out), 0)).toEqual([]);
    }
  });
});
