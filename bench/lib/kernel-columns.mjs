// The columns the kernel benchmarks run on (bench/kernels.mjs, profiles/fused-kernel/ab.mjs): `n`
// rows from a counter-based hash, so every size draws the same kind of data.
const encoder = new TextEncoder();

/** value in [0, 100) with three decimals, 50 category codes and their dictionary, user ids, timestamps. */
export function columns(n) {
  const values = new Float64Array(n);
  const codes = new Int32Array(n);
  const users = new Int32Array(n);
  const ts = new BigInt64Array(n);
  let x = 42;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    const r = x >>> 0;
    values[i] = (r % 100_000) / 1000;
    codes[i] = (r >>> 17) % 50;
    users[i] = (r >>> 7) % 100_000;
    ts[i] = 1_700_000_000_000n + BigInt(i);
  }
  const names = Array.from({ length: 50 }, (_, c) => encoder.encode(`cat_${String(c).padStart(2, '0')}`));
  const dictOffsets = new Int32Array(51);
  names.forEach((b, c) => (dictOffsets[c + 1] = dictOffsets[c] + b.length));
  const dictBytes = new Uint8Array(dictOffsets[50]);
  names.forEach((b, c) => dictBytes.set(b, dictOffsets[c]));
  return { values, codes, users, ts, dictOffsets, dictBytes };
}

/** A validity bitmap of `n` rows with one row in ten null (a counter-based pattern, not periodic in the categories). */
export function tenthNull(n) {
  const validity = new Uint8Array((n + 7) >> 3).fill(0xff);
  for (let i = 0; i < n; i++) if (((i * 2654435761) >>> 0) % 10 === 0) validity[i >> 3] &= ~(1 << (i & 7));
  return validity;
}
