// Kernels in memory (tinybench): every native kernel beside its TypeScript twin, at 64K rows (one
// batch) and 10M rows (the main job), over columns shaped like the synthetic source (value in
// [0, 100) with three decimals, 50 dictionary categories, user ids, timestamps). The reference of
// each size is the native sumF64 scan over the same float64 bytes: the memory-bandwidth floor.
// `ratioToReference` is against the floor of the row's own size (`group`).
// Usage: npm run bench:kernels  (needs dist/ and the native addon: npm run build)
//   --kernel NAME[,NAME...]  runs only those kernels' rows (and the floor, for their ratios) and
//                  replaces them in the committed bench/results/kernels.json, keeping the other
//                  rows; each fresh row records the floor it was divided by (referenceMs)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
// tsc's modules one by one, not the bundled package entry: this bench also needs modules the entry
// does not export, and they must be the same module instances (scripts/bundle.mjs).
import { jsKernels, selectKernels } from '../dist/kernels/index.js';
import { Pipeline } from '../dist/runtime/pipeline.js';
import { PairTable } from '../dist/stages/transforms/aggregate/hash.js';
import { benchEnvironment } from './lib/env.mjs';
import { columns, tenthNull } from './lib/kernel-columns.mjs';
import { printRows, writeResult } from './lib/tiny.mjs';

const addon = createRequire(import.meta.url)('../native/index.cjs');
const native = selectKernels('native');

const STRIDE = 4;
function emptyState() {
  const st = new Float64Array(50 * STRIDE);
  for (let g = 0; g < 50; g++) st.set([0, -0, Infinity, -Infinity], g * STRIDE);
  return st;
}

/** The typed grouped kernels' state: 0 rows, 1 nulls, 2 sum (lo), 3 sumHi, 4 min, 5 max (int64 words for groupedStatsI64). */
const TYPED = 6;
function typedState(words) {
  const st = new Float64Array(50 * TYPED);
  const w = new BigInt64Array(st.buffer);
  for (let g = 0; g < 50; g++) {
    st.set([0, 0, -0, 0, Infinity, -Infinity], g * TYPED);
    if (words) {
      w[g * TYPED + 4] = 2n ** 63n - 1n;
      w[g * TYPED + 5] = -(2n ** 63n);
    }
  }
  return st;
}

const kernelArg = process.argv.indexOf('--kernel');
const only = kernelArg > 0 ? new Set(process.argv[kernelArg + 1].split(',')) : undefined;

/**
 * `sort` + `limit k` as the sort stage feeds top-k: 64K-row batches, each after the rows kept so
 * far (their keys copied in front, as the stage concatenates them), keys `-value` (desc) and
 * `user_id` as doubles, as `sortKeyOf` makes them. The copies (two memcpys) are in both arms.
 */
function topKStream(kernels, negValues, users, n, kept) {
  const B = 65_536;
  const a = new Float64Array(kept.length + B);
  const b = new Float64Array(kept.length + B);
  let count = 0;
  for (let start = 0; start < n; start += B) {
    const end = Math.min(n, start + B);
    const m = count + end - start;
    a.set(negValues.subarray(start, end), count);
    b.set(users.subarray(start, end), count);
    const next = kernels.topKF64([a.subarray(0, m), b.subarray(0, m)], [null, null], m, count, kept.length, kept);
    const ka = new Float64Array(next);
    const kb = new Float64Array(next);
    for (let j = 0; j < next; j++) {
      ka[j] = a[kept[j]];
      kb[j] = b[kept[j]];
    }
    a.set(ka);
    b.set(kb);
    count = next;
  }
  return count;
}

const rows = [];
for (const [label, n, iterations] of [['64K rows', 65_536, 300], ['10M rows', 10_000_000, 12]]) {
  const c = columns(n);
  const out = new Uint32Array(n);
  const count = jsKernels.compareF64(c.values, null, 'gt', 90, out);
  const selection = out.slice(0, count);
  const taken = new Float64Array(count);
  const tsThreshold = Number(c.ts[n >> 1]);
  const validity = tenthNull(n);
  const identity = Uint32Array.from({ length: n }, (_, i) => i);
  const permutation = new Uint32Array(n);
  c.users20 = c.users.map((u) => u % 20);
  c.negValues = c.values.map((v) => -v);
  c.usersF64 = Float64Array.from(c.users);
  const pairOut = new Int32Array(65_536);
  const bench = new Bench({ iterations, warmupIterations: 3, time: 0, warmupTime: 0 });
  const meta = {};
  const floor = 'sumF64 scan (bandwidth floor) [native]';
  const add = (name, impl, kernel, fn) => {
    if (only !== undefined && !only.has(kernel) && name !== floor) return;
    meta[name] = { group: label, impl, kernel };
    bench.add(name, fn);
  };
  add(floor, 'native', 'sumF64', () => addon.sumF64(c.values));
  for (const k of [native, jsKernels]) {
    const impl = k.implementation;
    add(`compareF64 value > 90 [${impl}]`, impl, 'compareF64', () => k.compareF64(c.values, null, 'gt', 90, out));
    add(`compareI32 user_id > 50000 [${impl}]`, impl, 'compareI32', () => k.compareI32(c.users, null, 'gt', 50_000, out));
    add(`compareI64 ts > median [${impl}]`, impl, 'compareI64', () => k.compareI64(c.ts, null, 'gt', tsThreshold, out));
    add(`compareDictionary category = cat_07 [${impl}]`, impl, 'compareDictionary', () => k.compareDictionary(c.codes, c.dictOffsets, c.dictBytes, null, 'eq', 'cat_07', out));
    add(`takeF64 of the value > 90 selection [${impl}]`, impl, 'takeF64', () => k.takeF64(c.values, selection, taken));
    add(`groupedStatsF64 by category, all rows [${impl}]`, impl, 'groupedStatsF64', () => k.groupedStatsF64(c.values, c.codes, emptyState(), STRIDE, 0, 1, 2, 3));
    add(`fused filter value > 90 + group-by category [${impl}]`, impl, 'filterGroupedStatsF64', () =>
      k.filterGroupedStatsF64(c.values, null, c.codes, 'gt', 90, emptyState(), STRIDE, 0, 1, 2, 3),
    );
    add(`groupedStatsValidF64 by category, 10% null [${impl}]`, impl, 'groupedStatsValidF64', () =>
      k.groupedStatsValidF64(c.values, validity, c.codes, typedState(false), TYPED, 0, 1, 2, 4, 5),
    );
    add(`groupedStatsI32 user_id by category, 10% null [${impl}]`, impl, 'groupedStatsI32', () =>
      k.groupedStatsI32(c.users, validity, c.codes, typedState(false), TYPED, 0, 1, 2, 4, 5),
    );
    add(`groupedStatsI64 ts by category, 10% null [${impl}]`, impl, 'groupedStatsI64', () =>
      k.groupedStatsI64(c.ts, validity, c.codes, typedState(true), TYPED, 0, 1, 2, 3, 4, 5),
    );
    // Two key columns (category × user_id % 20: 1,000 groups) in 64K-row batches, as the Grouper
    // calls it: a fresh table, room reserved per batch, keys recorded.
    add(`internPairs category × user_id%20, 64K batches [${impl}]`, impl, 'internPairs', () => {
      const table = new PairTable();
      const keysA = new Int32Array(1024 + 65_536);
      const keysB = new Int32Array(1024 + 65_536);
      for (let start = 0; start < n; start += 65_536) {
        const end = Math.min(n, start + 65_536);
        table.reserve(end - start);
        table.count = k.internPairs(c.codes.subarray(start, end), c.users20.subarray(start, end), table.slotsArray, table.count, pairOut, keysA, keysB);
      }
    });
    // The copy of the identity permutation (a memcpy) is inside both arms.
    add(`sortStableF64 by value (100K distinct) [${impl}]`, impl, 'sortStableF64', () => {
      permutation.set(identity);
      k.sortStableF64(c.values, null, permutation);
    });
    add(`topKF64 k=10 by value desc, user_id, 64K batches [${impl}]`, impl, 'topKF64', () => topKStream(k, c.negValues, c.usersF64, n, new Uint32Array(10)));
  }
  if (n === 65_536 && only === undefined) {
    // The threshold_filter's copy of a whole synthetic batch (5 columns, 10% of the rows):
    // RecordBatch.take (TypeScript, what the stage did before) against the per-column kernels.
    const pipeline = await Pipeline.fromJob({ source: { type: 'synthetic', rows: n, seed: 42 } });
    let batch;
    for await (const b of pipeline.batches()) batch = b;
    const values = batch.column('value').values;
    const sel = out.slice(0, native.compareF64(values, null, 'gt', 90, out));
    const perColumn = (k) => () =>
      batch.columns.map((column) => {
        const m = sel.length;
        switch (column.layout) {
          case 'float64': { const o = new Float64Array(m); k.takeF64(column.values, sel, o); return o; }
          case 'int32': { const o = new Int32Array(m); k.takeI32(column.values, sel, o); return o; }
          case 'dictionary': { const o = new Int32Array(m); k.takeI32(column.codes, sel, o); return o; }
          default: { const o = new BigInt64Array(m); k.takeI64(column.values, sel, o); return o; }
        }
      });
    add('batch take (5 columns, value > 90) RecordBatch.take [js]', 'js', 'batchTake', () => batch.take(sel, sel.length));
    add('batch take (5 columns, value > 90) per-column kernels [native]', 'native', 'batchTake', perColumn(native));
    add('batch take (5 columns, value > 90) per-column kernels [js]', 'js', 'batchTakeTwin', perColumn(jsKernels));
  }
  await bench.run();
  const median = (task) => {
    if (!task.result || task.result.error) throw new Error(`task ${task.name} failed: ${task.result?.error?.stack}`);
    return task.result.latency.p50;
  };
  const floorMs = median(bench.tasks.find((t) => t.name === floor));
  const groupRows = bench.tasks.map((task) => ({
    name: task.name,
    ...meta[task.name],
    medianMs: median(task),
    ratioToReference: median(task) / floorMs,
    samples: task.result.latency.samplesCount,
    ...(only === undefined ? {} : { referenceMs: floorMs }),
  }));
  // Native speed-up over the twin, per kernel, from this same run.
  for (const row of groupRows) {
    const twin = groupRows.find((r) => r.kernel === row.kernel && r.impl === 'js');
    if (row.impl === 'native' && twin && twin !== row) row.speedupOverTwin = twin.medianMs / row.medianMs;
  }
  rows.push(...groupRows);
}

printRows(rows);
const description =
  'Kernels in memory, native vs TypeScript twin, at 64K and 10M rows (synthetic-shaped columns: value in [0,100), 50 categories). Reference per size (group): the native sumF64 scan over the same float64 bytes, the memory-bandwidth floor. speedupOverTwin = twin median / native median.';
if (only === undefined) {
  writeResult('kernels', description, 'sumF64 scan (bandwidth floor) [native]', rows);
} else {
  // Only this kernel's rows are replaced, each marked with its own run (`run`: date, commit);
  // their ratios are to the floor measured in that run. The floor, every other row and the
  // file's environment stay as committed.
  const file = new URL('./results/kernels.json', import.meta.url);
  const committed = JSON.parse(readFileSync(file, 'utf8'));
  const { date, commit } = benchEnvironment();
  const fresh = rows.filter((r) => only.has(r.kernel)).map((r) => ({ ...r, run: { date, commit } }));
  const key = (r) => `${r.group}\u0000${r.name}`;
  const replaced = new Set(fresh.map(key));
  committed.rows = [...committed.rows.filter((r) => !replaced.has(key(r))), ...fresh];
  writeFileSync(file, `${JSON.stringify(committed, null, 2)}\n`);
}
