import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels, type Kernels } from '../src/index.js';

const native = selectKernels('native');
const encoder = new TextEncoder();

function utf8(values: string[]): { offsets: Int32Array; bytes: Uint8Array } {
  const parts = values.map((v) => encoder.encode(v));
  const offsets = new Int32Array(values.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
  const bytes = new Uint8Array(offsets[values.length]!);
  parts.forEach((p, i) => bytes.set(p, offsets[i]!));
  return { offsets, bytes };
}

const word = fc.oneof(fc.constantFrom('', 'a', 'cat_07', 'é', '𝄞', 'a\u0000b'), fc.string({ maxLength: 4 }));
const bitmap = (n: number, seed: number | null) => (seed === null ? null : Uint8Array.from({ length: (n + 7) >> 3 }, (_, i) => (seed * (i + 3)) & 0xff));

function sel(run: (out: Uint32Array) => number, n: number): number[] {
  const out = new Uint32Array(n);
  return Array.from(out.subarray(0, run(out)));
}

describe('compareUtf8 and compareDictionary: native kernels and TypeScript twins', () => {
  it('select the same rows of a plain utf8 column for eq and ne, with nulls, and match string equality', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 100 }), word, fc.constantFrom('eq', 'ne') as fc.Arbitrary<'eq' | 'ne'>, fc.option(fc.integer()), (values, needle, op, seed) => {
        const { offsets, bytes } = utf8(values);
        const validity = bitmap(values.length, seed);
        const run = (k: Kernels) => sel((out) => k.compareUtf8(offsets, bytes, validity, op, needle, out), values.length);
        const expected = values.flatMap((v, i) => ((v === needle) === (op === 'eq') && (validity === null || (validity[i >> 3]! >> (i & 7)) & 1) ? [i] : []));
        expect(run(native)).toEqual(expected);
        expect(run(jsKernels)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('select the same rows of a dictionary column as of its decoded plain column', () => {
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 200 }), word, fc.constantFrom('eq', 'ne') as fc.Arbitrary<'eq' | 'ne'>, fc.option(fc.integer()), (dict, picks, needle, op, seed) => {
        const codes = Int32Array.from(picks, (p) => p % dict.length);
        const d = utf8(dict);
        const plain = utf8(Array.from(codes, (c) => dict[c]!));
        const validity = bitmap(codes.length, seed);
        const viaPlain = sel((out) => jsKernels.compareUtf8(plain.offsets, plain.bytes, validity, op, needle, out), codes.length);
        for (const k of [native, jsKernels]) {
          expect(sel((out) => k.compareDictionary(codes, d.offsets, d.bytes, validity, op, needle, out), codes.length)).toEqual(viaPlain);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('read a sliced column whose offsets do not start at 0', () => {
    const { offsets, bytes } = utf8(['x', 'a', 'b', 'a']);
    for (const k of [native, jsKernels]) expect(sel((out) => k.compareUtf8(offsets.subarray(1), bytes, null, 'eq', 'a', out), 3)).toEqual([0, 2]);
  });

  it('reject ordering operators on strings and codes outside the dictionary, naming the argument', () => {
    const { offsets, bytes } = utf8(['a']);
    for (const k of [native, jsKernels]) {
      expect(() => k.compareUtf8(offsets, bytes, null, 'gt', 'a', new Uint32Array(1))).toThrow(TypeError);
      expect(() => k.compareUtf8(offsets, bytes, null, 'gt', 'a', new Uint32Array(1))).toThrow(/op must be eq or ne/);
      expect(() => k.compareDictionary(new Int32Array([1]), offsets, bytes, null, 'eq', 'a', new Uint32Array(1))).toThrow(RangeError);
      expect(() => k.compareDictionary(new Int32Array([1]), offsets, bytes, null, 'eq', 'a', new Uint32Array(1))).toThrow(/codes\[0\] \(1\)/);
    }
  });
});
