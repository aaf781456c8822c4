import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMPARE_OPS, jsKernels, selectKernels } from '../src/index.js';

const native = selectKernels('native');
const specials = fc.constantFrom(NaN, 0, -0, Infinity, -Infinity, 90, 90.5);
const values = fc.array(fc.oneof(fc.double(), specials), { maxLength: 300 });

function run(kernels: typeof jsKernels, v: Float64Array, validity: Uint8Array | null, op: (typeof COMPARE_OPS)[number], threshold: number): number[] {
  const out = new Uint32Array(v.length);
  const count = kernels.compareF64(v, validity, op, threshold, out);
  return Array.from(out.subarray(0, count));
}

describe('compareF64: native kernel and TypeScript twin', () => {
  it('select the same rows for every op, NaN, ±0, ±Infinity and nulls', () => {
    fc.assert(
      fc.property(values, fc.oneof(fc.double(), specials), fc.constantFrom(...COMPARE_OPS), fc.boolean(), fc.integer(), (list, threshold, op, withNulls, seed) => {
        const v = Float64Array.from(list);
        const validity = withNulls ? Uint8Array.from({ length: (v.length + 7) >> 3 }, (_, i) => (seed * (i + 1)) & 0xff) : null;
        expect(run(native, v, validity, op, threshold)).toEqual(run(jsKernels, v, validity, op, threshold));
      }),
      { numRuns: 500 },
    );
  });

  it('follow IEEE 754 for NaN: only ne passes', () => {
    const v = new Float64Array([NaN, 1]);
    for (const kernels of [native, jsKernels]) {
      expect(COMPARE_OPS.map((op) => run(kernels, v, null, op, NaN))).toEqual([[], [], [], [], [], [0, 1]]);
      expect(run(kernels, v, null, 'ne', 1)).toEqual([0]);
    }
  });

  it('never pass a null row, not even for ne', () => {
    const v = new Float64Array([5, 5, 5]);
    for (const kernels of [native, jsKernels]) expect(run(kernels, v, new Uint8Array([0b101]), 'ne', 1)).toEqual([0, 2]);
  });

  it('reject a short output buffer with a RangeError naming it', () => {
    for (const kernels of [native, jsKernels]) {
      expect(() => kernels.compareF64(new Float64Array(4), null, 'gt', 1, new Uint32Array(2))).toThrow(RangeError);
      expect(() => kernels.compareF64(new Float64Array(4), null, 'gt', 1, new Uint32Array(2))).toThrow(/out must have at least 4/);
    }
  });
});

describe('SLUICE_KERNELS', () => {
  it('js forces the twins, native demands the addon, anything else is rejected', async () => {
    const { kernelChoiceFromEnv } = await import('../src/kernels/index.js');
    expect(kernelChoiceFromEnv({ SLUICE_KERNELS: 'js' })).toBe('js');
    expect(kernelChoiceFromEnv({})).toBe('auto');
    expect(selectKernels('js').implementation).toBe('js');
    expect(selectKernels('native').implementation).toBe('native');
    expect(() => kernelChoiceFromEnv({ SLUICE_KERNELS: 'rust' })).toThrow('SLUICE_KERNELS must be one of js, native (got "rust")');
  });
});
