import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels, type Kernels } from '../src/index.js';

// Twin tests of the grouped stats of a column with nulls (float64, int32, int64): native and
// TypeScript leave bit-identical states. Float sums are compared to the last bit because both add
// each group's values in row order (the same order of addition).
const native = selectKernels('native');
const STRIDE = 8; // 0 rows, 1 nulls, 2 sum (lo), 3 sumHi, 4 min, 5 max, 6-7 untouched

const float = fc.oneof(fc.double(), fc.double({ min: -100, max: 100, noNaN: true }), fc.constantFrom(NaN, -0, 0, Infinity, -Infinity));
const int32 = fc.oneof(fc.integer(), fc.constantFrom(-2147483648, 2147483647, 0, -1));
const int64 = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 0x7ff8000000000001n));

function emptyState(groups: number, words: boolean): Float64Array {
  const st = new Float64Array(groups * STRIDE);
  const w = new BigInt64Array(st.buffer);
  for (let g = 0; g < groups; g++) {
    st.set([0, 0, -0, 0, Infinity, -Infinity, 42, 7], g * STRIDE);
    if (words) {
      w[g * STRIDE + 4] = 2n ** 63n - 1n;
      w[g * STRIDE + 5] = -(2n ** 63n);
    }
  }
  return st;
}

const bits = (st: Float64Array) => Array.from(new BigUint64Array(st.buffer));
/**
 * Bits of float slots, every NaN as one: IEEE 754 leaves which NaN an addition returns open (x86
 * returns its first operand's, and Inf + -Inf gives a negative NaN), and V8 may commute `s += v`,
 * so a sum that became NaN is NaN in both but not always the same NaN. Every other value, -0
 * included, must match to the last bit.
 */
const floatBits = (st: Float64Array) => bits(st).map((b, i) => (Number.isNaN(st[i]) ? 'NaN' : b));

/** Rows with a group, a value and a validity; `nulls`: none, some, or every row null. */
function rowsOf<T>(value: fc.Arbitrary<T>, maxLength: number) {
  return fc.record({
    groups: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 60 })),
    rows: fc.array(fc.tuple(value, fc.nat(), fc.boolean()), { maxLength }),
    nulls: fc.constantFrom('none', 'some', 'all'),
    slots: fc.constantFrom<number[]>([0, 1, 2, 3, 4, 5], [-1, 1, 2, 3, 4, 5], [0, -1, 2, 3, -1, 5], [0, 1, -1, -1, 4, -1]),
  });
}

function validityOf(rows: readonly [unknown, number, boolean][], nulls: string): Uint8Array | null {
  if (nulls === 'none') return null;
  const v = new Uint8Array((rows.length + 7) >> 3);
  if (nulls === 'some') rows.forEach(([, , valid], i) => valid && (v[i >> 3]! |= 1 << (i & 7)));
  return v;
}

describe('groupedStatsValidF64, groupedStatsI32, groupedStatsI64: native kernels and TypeScript twins', () => {
  it('float64 with nulls: bit-identical states (row-order sums, sticky NaN, ±0 as met)', () => {
    fc.assert(
      fc.property(rowsOf(float, 800), ({ groups, rows, nulls, slots: [r, nu, s, , mi, ma] }) => {
        const values = Float64Array.from(rows, ([v]) => v);
        const gids = Int32Array.from(rows, ([, g]) => g % groups);
        const validity = validityOf(rows, nulls);
        const run = (k: Kernels) => {
          const st = emptyState(groups, false);
          k.groupedStatsValidF64(values, validity, gids, st, STRIDE, r!, nu!, s!, mi!, ma!);
          return floatBits(st);
        };
        expect(run(native)).toEqual(run(jsKernels));
      }),
      { numRuns: 300 },
    );
  });

  it('int32: bit-identical states, sums exact', () => {
    fc.assert(
      fc.property(rowsOf(int32, 800), ({ groups, rows, nulls, slots: [r, nu, s, , mi, ma] }) => {
        const values = Int32Array.from(rows, ([v]) => v);
        const gids = Int32Array.from(rows, ([, g]) => g % groups);
        const validity = validityOf(rows, nulls);
        const run = (k: Kernels) => {
          const st = emptyState(groups, false);
          k.groupedStatsI32(values, validity, gids, st, STRIDE, r!, nu!, s!, mi!, ma!);
          return st;
        };
        const a = run(native);
        expect(bits(a)).toEqual(bits(run(jsKernels)));
        if (s! >= 0) {
          for (let g = 0; g < groups; g++) {
            const exact = rows.reduce((t, [v, gid], i) => (gid % groups === g && (validity === null || validity[i >> 3]! & (1 << (i & 7))) ? t + v : t), 0);
            expect(a[g * STRIDE + s!] === exact).toBe(true); // -0 or 0 when the group had no valid row
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('int64: bit-identical states; hi·2^32 + lo is the exact sum; min/max words exact', () => {
    fc.assert(
      fc.property(rowsOf(int64, 800), ({ groups, rows, nulls }) => {
        const values = BigInt64Array.from(rows, ([v]) => v);
        const gids = Int32Array.from(rows, ([, g]) => g % groups);
        const validity = validityOf(rows, nulls);
        const run = (k: Kernels) => {
          const st = emptyState(groups, true);
          k.groupedStatsI64(values, validity, gids, st, STRIDE, 0, 1, 2, 3, 4, 5);
          return st;
        };
        const a = run(native);
        expect(bits(a)).toEqual(bits(run(jsKernels)));
        const w = new BigInt64Array(a.buffer);
        for (let g = 0; g < groups; g++) {
          const mine = rows.filter(([, gid], i) => gid % groups === g && (validity === null || (validity[i >> 3]! & (1 << (i & 7))) !== 0)).map(([v]) => v);
          expect(BigInt(a[g * STRIDE + 3]!) * 2n ** 32n + BigInt(a[g * STRIDE + 2]!)).toBe(mine.reduce((t, v) => t + v, 0n));
          if (mine.length > 0) {
            expect(w[g * STRIDE + 4]).toBe(mine.reduce((m, v) => (v < m ? v : m)));
            expect(w[g * STRIDE + 5]).toBe(mine.reduce((m, v) => (v > m ? v : m)));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('100,000 groups, empty input and all-null input', () => {
    const n = 300_000;
    const groups = 100_000;
    const values = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 7 - 50);
    const ints = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 100_003);
    const gids = Int32Array.from({ length: n }, (_, i) => (i * 31) % groups);
    const validity = Uint8Array.from({ length: n >> 3 }, (_, i) => (i * 37) & 0xff);
    for (const v of [null, validity]) {
      const a = emptyState(groups, false);
      const b = emptyState(groups, false);
      native.groupedStatsValidF64(values, v, gids, a, STRIDE, 0, 1, 2, 4, 5);
      jsKernels.groupedStatsValidF64(values, v, gids, b, STRIDE, 0, 1, 2, 4, 5);
      expect(floatBits(a)).toEqual(floatBits(b));
      native.groupedStatsI32(ints, v, gids, a, STRIDE, 0, 1, 2, 4, 5);
      jsKernels.groupedStatsI32(ints, v, gids, b, STRIDE, 0, 1, 2, 4, 5);
      expect(bits(a)).toEqual(bits(b));
    }
    for (const k of [native, jsKernels]) {
      const st = emptyState(3, false);
      k.groupedStatsValidF64(new Float64Array(0), null, new Int32Array(0), st, STRIDE, 0, 1, 2, 4, 5);
      expect(bits(st)).toEqual(bits(emptyState(3, false)));
      k.groupedStatsValidF64(new Float64Array([1, 2, 3]), new Uint8Array(1), new Int32Array([0, 2, 2]), st, STRIDE, 0, 1, 2, 4, 5);
      expect(Array.from(st.subarray(0, 6))).toEqual([1, 1, -0, 0, Infinity, -Infinity]);
      expect(Array.from(st.subarray(16, 22))).toEqual([2, 2, -0, 0, Infinity, -Infinity]);
    }
  });

  it('reject a bad group id, slot, validity or length with a RangeError naming the argument, before writing', () => {
    for (const k of [native, jsKernels]) {
      const st = emptyState(2, false);
      expect(() => k.groupedStatsI32(new Int32Array([1, 2]), null, new Int32Array([0, 2]), st, STRIDE, 0, 1, 2, 4, 5)).toThrow(/gids\[1\] \(2\) must be a group/);
      expect(() => k.groupedStatsI32(new Int32Array([1]), null, new Int32Array([0, 0]), st, STRIDE, 0, 1, 2, 4, 5)).toThrow(/gids must have 1 elements/);
      expect(() => k.groupedStatsValidF64(new Float64Array(9), new Uint8Array(1), new Int32Array(9), st, STRIDE, 0, 1, 2, 4, 5)).toThrow(/validity must have at least 2 bytes/);
      expect(() => k.groupedStatsI64(new BigInt64Array(1), null, new Int32Array(1), st, STRIDE, 0, 1, 2, 3, 4, 8)).toThrow(/slots must be offsets below stride/);
      expect(bits(st)).toEqual(bits(emptyState(2, false)));
    }
    expect(() => native.groupedStatsI32(new Float64Array(1) as unknown as Int32Array, null, new Int32Array(1), new Float64Array(8), STRIDE, 0, 1, 2, 4, 5)).toThrow(TypeError);
  });
});
