// Result comparison for the peer benchmark: engines return rows with the same keys; numbers must
// agree to 1e-9 relative (float sums differ in the last bits with summation order), strings exactly.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Why `actual` differs from `expected` (row order matters), or null when they agree. */
export function compareResults(expected, actual, tolerance = 1e-9) {
  if (!Array.isArray(actual)) return `not a list of rows: ${JSON.stringify(actual).slice(0, 200)}`;
  if (actual.length !== expected.length) return `${actual.length} rows, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const keys = Object.keys(expected[i]);
    const extra = Object.keys(actual[i]).filter((k) => !keys.includes(k));
    if (extra.length > 0) return `row ${i}: unexpected columns ${extra.join(', ')}`;
    for (const key of keys) {
      const e = expected[i][key];
      const a = actual[i][key];
      if (typeof e === 'number' && typeof a === 'number') {
        const scale = Math.max(Math.abs(e), Math.abs(a));
        if (Math.abs(e - a) > tolerance * scale) return `row ${i} ${key}: ${a}, expected ${e}`;
      } else if (e !== a) return `row ${i} ${key}: ${JSON.stringify(a)}, expected ${JSON.stringify(e)}`;
    }
  }
  return null;
}
