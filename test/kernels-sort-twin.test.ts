import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels, type Kernels } from '../src/index.js';
import { armKernelPanic } from './helpers/native-panic.js';

// Twin tests of the stable sort step: native (radix) and TypeScript (packed rank sort) give the
// same permutation, and both equal a plain stable comparison sort.
const native = selectKernels('native');
const key = fc.oneof(fc.double(), fc.integer({ min: -5, max: 5 }), fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 5e-324, -Number.MAX_VALUE));

function reference(keys: Float64Array, classes: Uint8Array | null, permutation: Uint32Array): number[] {
  return Array.from(permutation).sort((a, b) => {
    // Array.prototype.sort is stable, so equal rows keep their order in `permutation`.
    if (classes !== null && classes[a] !== classes[b]) return classes[a]! - classes[b]!;
    const x = keys[a]!;
    const y = keys[b]!;
    if (x !== x || y !== y) return (x !== x ? 1 : 0) - (y !== y ? 1 : 0);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function run(k: Kernels, keys: Float64Array, classes: Uint8Array | null, permutation: Uint32Array): number[] {
  const p = permutation.slice();
  k.sortStableF64(keys, classes, p);
  return Array.from(p);
}

describe('sortStableF64: native kernel and TypeScript twin', () => {
  it('equal each other and a stable comparison sort (NaN last, -0 = 0, classes first, subsets)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, fc.integer({ min: 0, max: 3 })), { maxLength: 5000 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 }),
        (rows, withClasses, shape) => {
          const keys = Float64Array.from(rows, ([x]) => x);
          const classes = withClasses ? Uint8Array.from(rows, ([, c]) => c) : null;
          const n = keys.length;
          // identity, reversed, or every other row reversed: stability is relative to the input permutation
          const permutation = Uint32Array.from({ length: shape === 2 ? n >> 1 : n }, (_, p) => (shape === 0 ? p : shape === 1 ? n - 1 - p : n - 1 - 2 * p));
          const expected = reference(keys, classes, permutation);
          expect(run(native, keys, classes, permutation)).toEqual(expected);
          expect(run(jsKernels, keys, classes, permutation)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('100,000 rows of few distinct keys, all-equal keys and empty input', () => {
    const n = 100_000;
    const keys = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) - 500 + (i % 3 === 0 ? -0 : 0));
    const classes = Uint8Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 2 : 0));
    const identity = Uint32Array.from({ length: n }, (_, i) => i);
    const expected = reference(keys, classes, identity);
    expect(run(native, keys, classes, identity)).toEqual(expected);
    expect(run(jsKernels, keys, classes, identity)).toEqual(expected);
    const same = new Float64Array(n).fill(3);
    expect(run(native, same, null, identity)).toEqual(Array.from(identity));
    expect(run(jsKernels, same, null, identity)).toEqual(Array.from(identity));
    expect(run(native, new Float64Array(0), null, new Uint32Array(0))).toEqual([]);
    expect(run(jsKernels, new Float64Array(0), null, new Uint32Array(0))).toEqual([]);
  });

  it('reject a permutation entry outside the keys and short classes with a RangeError naming the argument', () => {
    for (const k of [native, jsKernels]) {
      const p = new Uint32Array([1, 0, 3]);
      expect(() => k.sortStableF64(new Float64Array(3), null, p)).toThrow(/permutation\[2\] \(3\) must be a row of keys/);
      expect(Array.from(p)).toEqual([1, 0, 3]);
      expect(() => k.sortStableF64(new Float64Array(3), new Uint8Array(2), new Uint32Array(1))).toThrow(RangeError);
    }
    expect(() => native.sortStableF64(new Int32Array(3) as unknown as Float64Array, null, new Uint32Array(1))).toThrow(/keys must be a Float64Array/);
  });
});

describe('a sort whose native step panics', () => {
  it('is redone on the twin from the untouched permutation: the sort stage output equals the all-twin run', async () => {
    const { Pipeline } = await import('../src/index.js');
        const pipeline = await Pipeline.fromJob({
      threads: 0,
      source: { type: 'synthetic', rows: 20_000, batch_size: 4_096, seed: 5 },
      transforms: [{ type: 'sort', by: [{ column: 'category' }, { column: 'value', desc: true }] }],
    });
    const twin = await pipeline.collect({ kernels: jsKernels });
    // Two keys: two sortStableF64 calls; the second (the first key, run last) panics.
    armKernelPanic('sortStableF64', 2);
    const { batch, summary } = await pipeline.collect({ kernels: native });
    armKernelPanic('sortStableF64', 0);
    expect(batch.toRows()).toEqual(twin.batch.toRows());
    expect(summary.stages[1]).toMatchObject({ implementation: 'native+js', degradedToTwin: 1 });
  });
});
