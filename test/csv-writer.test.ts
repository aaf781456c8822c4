/** The byte encoders behind csv_file: numbers must come out exactly as String(v) writes them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, writeFloat64, writeInteger } from '../src/stages/sources/csv/writer.js';

function written(write: (out: ByteWriter) => void, chunkBytes = 64): string {
  const out = new ByteWriter(chunkBytes);
  write(out);
  return Buffer.concat(out.take()).toString('latin1');
}

const float = (x: number) => written((out) => writeFloat64(out, x));

describe('csv number encoding', () => {
  it('float64 matches String(x) for any double (negative zero aside)', () => {
    fc.assert(
      fc.property(fc.double({ noDefaultInfinity: false }), (x) => {
        expect(float(x)).toBe(Object.is(x, -0) ? '-0' : String(x));
      }),
      { numRuns: 50_000 },
    );
  });

  it('float64 matches String(x) for short decimals, the fast path', () => {
    const decimals = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 8 }))
      .map(([n, k]) => n / 10 ** k);
    const scaled = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 2 ** 21 }), fc.integer({ min: 1, max: 6 })).map(([hi, lo, k]) => (hi * 2 ** 21 + lo) / 10 ** k);
    fc.assert(
      fc.property(fc.oneof(decimals, scaled), (x) => {
        expect(float(x)).toBe(Object.is(x, -0) ? '-0' : String(x));
      }),
      { numRuns: 100_000 },
    );
  });

  it('float64 special values and boundaries', () => {
    for (const x of [NaN, Infinity, -Infinity, 0, -0, 0.1, 0.000001, 1e-7, 123456.789, 2 ** 50 / 10, 2 ** 53, 1e21, 5e-324, Number.MAX_VALUE, -1.5, 0.3 - 0.1]) {
      expect(float(x), String(x)).toBe(Object.is(x, -0) ? '-0' : String(x));
    }
  });

  it('integers match String(v) up to 2^53', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, 9, 10, 99, 100, 999_999_999, 1_000_000_000, -1_000_000_001, 2 ** 53 - 1)), (v) => {
        expect(written((out) => writeInteger(out, v))).toBe(String(v));
      }),
      { numRuns: 50_000 },
    );
  });

  it('fields never straddle a chunk: tiny chunks still hold the whole text', () => {
    const text = written((out) => {
      for (let i = 0; i < 1000; i++) {
        writeInteger(out, i * 1_000_003);
        out.byte(0x2c);
      }
    }, 16);
    expect(text).toBe(Array.from({ length: 1000 }, (_, i) => `${i * 1_000_003},`).join(''));
  });
});
