// Peak RSS of synthetic → threshold_filter → json_file (ndjson) at 1M, 10M and 100M rows, each
// run in a fresh process. Exits non-zero if RSS at 100M rows exceeds 300 MB or grows more than
// 20% from 10M to 100M rows: memory must be flat in input size. It measures the transport on the
// main thread (threads: 0): each pool worker adds its own isolate (measured 2026-11-28 with
// threads: 2: 283 MB at 10M rows, 318 MB at 30M, 314 MB at 100M: flat, but above this limit).
// Usage: npm run bench:rss [-- --sizes 1000000,10000000]   (writes bench/results/transport-rss.json)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnvironment } from './lib/env.mjs';

const MB = 1024 * 1024;

if (process.argv[2] === 'child') {
  const [, , , rows, out] = process.argv;
  const { Pipeline } = await import('../dist/index.js');
  const pipeline = await Pipeline.fromJob({
    threads: 0,
    source: { type: 'synthetic', rows: Number(rows), seed: 42 },
    transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 90 }],
    sink: { type: 'json_file', path: out, format: 'ndjson' },
  });
  const summary = await pipeline.run();
  process.stdout.write(JSON.stringify({ rowsIn: summary.rowsIn, rowsOut: summary.rowsOut, wallMs: summary.wallMs, kernels: summary.kernels, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
} else {
  const sizesArg = process.argv.indexOf('--sizes');
  const sizes = sizesArg > 0 ? process.argv[sizesArg + 1].split(',').map(Number) : [1_000_000, 10_000_000, 100_000_000];
  const dir = mkdtempSync(join(tmpdir(), 'sluice-rss-'));
  const runs = [];
  try {
    for (const rows of sizes) {
      const out = join(dir, `out-${rows}.ndjson`);
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'child', String(rows), out], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`run of ${rows} rows failed: ${child.stderr}`);
      const run = { rows, ...JSON.parse(child.stdout), outputBytes: statSync(out).size };
      rmSync(out);
      runs.push(run);
      process.stdout.write(`${String(rows).padStart(11)} rows: peak RSS ${(run.maxRssBytes / MB).toFixed(1)} MB, ${(run.wallMs / 1000).toFixed(2)} s, ${((run.rowsIn / run.wallMs) * 1000 / 1e6).toFixed(1)} M rows/s (${run.kernels} kernels), ${run.rowsOut} rows written\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const at = (rows) => runs.find((r) => r.rows === rows);
  const problems = [];
  const big = at(100_000_000);
  const mid = at(10_000_000);
  if (big && big.maxRssBytes > 300 * MB) problems.push(`peak RSS at 100M rows is ${(big.maxRssBytes / MB).toFixed(1)} MB (limit 300 MB)`);
  const growth = big && mid ? big.maxRssBytes / mid.maxRssBytes - 1 : null;
  if (growth !== null && growth > 0.2) problems.push(`peak RSS grew ${(growth * 100).toFixed(1)}% from 10M to 100M rows (limit 20%)`);
  if (sizesArg < 0) {
    const result = { suite: 'transport-rss', environment: benchEnvironment(), pipeline: 'synthetic → threshold_filter(value > 90) → json_file(ndjson)', runs, growth10Mto100M: growth, limits: { maxRssAt100MBytes: 300 * MB, maxGrowth: 0.2 }, pass: problems.length === 0 };
    writeFileSync(new URL('./results/transport-rss.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  }
  if (growth !== null) process.stdout.write(`growth 10M → 100M: ${(growth * 100).toFixed(1)}%\n`);
  if (problems.length > 0) {
    process.stderr.write(`transport-rss: FAIL\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
}
