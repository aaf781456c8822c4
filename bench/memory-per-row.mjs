// Bytes per row of 1M synthetic rows held as plain row objects vs as one RecordBatch, each
// measured in a fresh process (`--expose-gc`, heap + array buffers after a full GC).
// Usage: npm run bench:memory   (writes bench/results/memory-per-row.json)
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchEnvironment } from './lib/env.mjs';

const ROWS = 1_000_000;
const mode = process.argv[2];

if (mode === 'rows' || mode === 'batch') {
  const { Pipeline } = await import('../dist/index.js');
  const size = () => {
    globalThis.gc();
    globalThis.gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  // Warm the engine up once so that module and JIT state is not counted as data.
  await (await Pipeline.fromJob({ source: { type: 'synthetic', rows: 1000, seed: 1 } })).collect();
  const baseline = size();
  const build = async () => {
    const { batch } = await (await Pipeline.fromJob({ source: { type: 'synthetic', rows: ROWS, seed: 1 } })).collect();
    return mode === 'batch' ? batch : batch.toRows();
  };
  const held = await build();
  const bytes = size() - baseline;
  const count = mode === 'batch' ? held.numRows : held.length;
  process.stdout.write(JSON.stringify({ mode, rows: count, bytes }));
} else {
  const measure = (m) => {
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), m], { encoding: 'utf8', env: { ...process.env, SLUICE_KERNELS: 'js' } });
    if (child.status !== 0) throw new Error(`${m} run failed: ${child.stderr}`);
    return JSON.parse(child.stdout);
  };
  const rows = measure('rows');
  const batch = measure('batch');
  const result = {
    suite: 'memory-per-row',
    environment: benchEnvironment(),
    rows: ROWS,
    schema: 'synthetic: id int64, ts timestamp, user_id int32, category utf8 (dictionary), value float64',
    rowObjects: { bytes: rows.bytes, bytesPerRow: rows.bytes / ROWS },
    recordBatch: { bytes: batch.bytes, bytesPerRow: batch.bytes / ROWS },
    ratio: rows.bytes / batch.bytes,
  };
  writeFileSync(new URL('./results/memory-per-row.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`row objects: ${result.rowObjects.bytesPerRow.toFixed(1)} B/row; RecordBatch: ${result.recordBatch.bytesPerRow.toFixed(1)} B/row; ratio ${result.ratio.toFixed(2)}x\n`);
}
