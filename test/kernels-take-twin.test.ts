import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels } from '../src/index.js';

const native = selectKernels('native');
const doubles = fc.array(fc.oneof(fc.double(), fc.constantFrom(NaN, -0, 0, Infinity, -Infinity)), { minLength: 1, maxLength: 200 });

describe('take: native kernels and TypeScript twins', () => {
  it('copy the same float64 bits (NaN payloads and -0 included) in selection order', () => {
    fc.assert(
      fc.property(doubles, fc.array(fc.nat(), { maxLength: 300 }), (list, picks) => {
        const v = Float64Array.from(list);
        const indices = Uint32Array.from(picks, (p) => p % v.length);
        const a = new Float64Array(indices.length);
        const b = new Float64Array(indices.length);
        native.takeF64(v, indices, a);
        jsKernels.takeF64(v, indices, b);
        expect(new Uint8Array(a.buffer)).toEqual(new Uint8Array(b.buffer));
        expect(Array.from(a)).toEqual(Array.from(indices, (i) => v[i]));
      }),
      { numRuns: 200 },
    );
  });

  it('take int32, int64 values and validity bits alike, counting the nulls taken', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 100 }), fc.array(fc.nat(), { maxLength: 200 }), fc.integer(), (list, picks, seed) => {
        const i64 = BigInt64Array.from(list);
        const i32 = Int32Array.from(list, (x) => Number(BigInt.asIntN(32, x)));
        const validity = Uint8Array.from({ length: (list.length + 7) >> 3 }, (_, i) => (seed * (i + 1)) & 0xff);
        const indices = Uint32Array.from(picks, (p) => p % list.length);
        const results = [native, jsKernels].map((k) => {
          const o64 = new BigInt64Array(indices.length);
          const o32 = new Int32Array(indices.length);
          const bits = new Uint8Array((indices.length + 7) >> 3).fill(0xff);
          k.takeI64(i64, indices, o64);
          k.takeI32(i32, indices, o32);
          const nulls = k.takeValidity(validity, list.length, indices, bits);
          return { o64: Array.from(o64), o32: Array.from(o32), bits: Array.from(bits), nulls };
        });
        expect(results[0]).toEqual(results[1]);
        expect(results[0]!.o64).toEqual(Array.from(indices, (i) => list[i]));
        const expectedNulls = Array.from(indices).filter((i) => ((validity[i >> 3]! >> (i & 7)) & 1) === 0).length;
        expect(results[0]!.nulls).toBe(expectedNulls);
      }),
      { numRuns: 200 },
    );
  });

  it('reject an index beyond the column with a RangeError naming it, before writing', () => {
    for (const k of [native, jsKernels]) {
      const out = new Float64Array([7, 7]);
      expect(() => k.takeF64(new Float64Array(2), new Uint32Array([0, 2]), out)).toThrow(/indices\[1\] \(2\) must be less than the 2 rows/);
      expect(Array.from(out)).toEqual([7, 7]);
      expect(() => k.takeF64(new Float64Array(2), new Uint32Array([0, 1]), new Float64Array(1))).toThrow(RangeError);
    }
  });
});
