import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../src/observe/format.js';

const intl = new Intl.NumberFormat('en-US');

describe('formatCount', () => {
  it('writes what Intl.NumberFormat en-US writes for the rounded number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double({ min: -1e22, max: 1e22 }), fc.constantFrom(0, -0, -0.4, 0.5, 999.5, -999.5, 1e21, -1e21, 2 ** 53, NaN, Infinity, -Infinity)), (n) => {
        expect(formatCount(n)).toBe(intl.format(Math.round(n)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('groups digits by three', () => {
    expect([0, 7, 999, 1000, 10_000_000, 1_000_639, -1234].map(formatCount)).toEqual(['0', '7', '999', '1,000', '10,000,000', '1,000,639', '-1,234']);
  });
});
