/**
 * Value order shared by `aggregate` (group key order) and `sort` (ARCHITECTURE.md):
 *
 * - strings compare by Unicode code point, which is UTF-8 byte order. JavaScript's `<` compares
 *   UTF-16 code units instead, which differs when a character above U+FFFF (a surrogate pair,
 *   0xD800–0xDFFF) meets one in U+E000–U+FFFF: `'\u{1F600}' < '\uFFFD'` is true in JavaScript,
 *   false by code point. {@link compareCodePoints} fixes that up at the first differing unit.
 * - numbers ascend; NaN is greater than every number (so ascending it comes after +Infinity), and
 *   -0 equals 0; nulls come after everything, NaN included, in either direction.
 */

/** -1, 0 or 1: `a` against `b` by Unicode code point (the order of their UTF-8 bytes). */
export function compareCodePoints(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Both at or above the surrogates: surrogates (astral code points) belong above U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** -1, 0 or 1 for two numbers, NaN greater than every number and equal to itself; -0 equals 0. */
export function compareNumbersNaNLast(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // At least one is NaN.
  const an = a !== a;
  const bn = b !== b;
  return an === bn ? 0 : an ? 1 : -1;
}

/** -1, 0 or 1 for two bigints. */
export function compareBigInts(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
