import { expect, test } from 'vitest';
import { compareResults, median } from '../bench/lib/peer-results.mjs';

test('peer results agree within 1e-9 relative and not beyond', () => {
  const expected = [{ category: 'cat_00', total: 1e6 }];
  expect(compareResults(expected, [{ category: 'cat_00', total: 1e6 * (1 + 5e-10) }])).toBeNull();
  expect(compareResults(expected, [{ category: 'cat_00', total: 1e6 * (1 + 5e-9) }])).toMatch(/row 0 total/);
});

test('peer results differ on strings, row count, row order and extra columns', () => {
  const expected = [{ user_id: 1, total: 2 }, { user_id: 2, total: 1 }];
  expect(compareResults(expected, [{ user_id: 2, total: 1 }, { user_id: 1, total: 2 }])).toMatch(/row 0 user_id/);
  expect(compareResults(expected, expected.slice(1))).toMatch(/1 rows, expected 2/);
  expect(compareResults([{ c: 'a' }], [{ c: 'b' }])).toMatch(/row 0 c/);
  expect(compareResults([{ n: 1 }], [{ n: 1, x: 0 }])).toMatch(/unexpected columns x/);
});

test('median of an even count averages the middle two', () => {
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([5, 1, 3])).toBe(3);
});
