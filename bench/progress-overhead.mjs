// What the progress display costs: the main job's stages (synthetic → threshold_filter →
// aggregate) drained in process with and without the TTY progress bar, alternating within each
// pair (ABBA across pairs, so drift on a shared machine falls on both arms), ≥ 10 pairs in one
// run. The figure that matters is the median of the per-pair ratios (with / without): the goal
// is ≤ 1.02. The bar is drawn into /dev/null as if it were a 120-column terminal, at the default
// refresh (200 ms) and at 20 ms (ten times more often) to show the cost scales with the timer, not
// with the batches.
// Usage: npm run bench -- --suite progress-overhead [--rows N] [--pairs N]
import { createWriteStream } from 'node:fs';
import { Pipeline } from '../dist/index.js';
import { Progress } from '../dist/observe/progress.js';
import { logger } from '../dist/observe/logger.js';
import { printRows, writeResult } from './lib/tiny.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = arg('--rows', 10_000_000);
const pairs = arg('--pairs', 12);

const pipeline = await Pipeline.fromJob({
  source: { type: 'synthetic', rows, seed: 42 },
  transforms: [
    { type: 'threshold_filter', column: 'value', op: 'gt', value: 90 },
    { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }, { fn: 'mean', column: 'value', as: 'mean' }] },
  ],
});
const terminal = Object.assign(createWriteStream('/dev/null'), { columns: 120, isTTY: true });
const log = logger();

async function once(intervalMs) {
  let progress;
  const onStart = intervalMs === undefined ? undefined : (run) => {
    progress = new Progress(run.metrics[0], { stream: terminal, tty: true, log, intervalMs, rowsTotal: rows }).start();
  };
  const started = performance.now();
  for await (const batch of pipeline.batches(onStart ? { onStart } : {})) void batch;
  const ms = performance.now() - started;
  progress?.stop();
  return { ms, renders: progress?.renders ?? 0 };
}

const arms = { 'without progress': undefined, 'with progress bar (200 ms)': 200, 'with progress bar (20 ms)': 20 };
const names = Object.keys(arms);
await once(undefined); // warm-up: JIT and the kernels' first calls
const times = Object.fromEntries(names.map((n) => [n, []]));
for (let p = 0; p < pairs; p++) {
  const order = p % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const { ms, renders } = await once(arms[name]);
    if (arms[name] !== undefined && renders === 0) throw new Error(`${name}: the bar was never drawn; the comparison would be empty`);
    times[name].push(ms);
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const reference = names[0];
const result = writeResult(
  'progress-overhead',
  `The main job's stages over ${rows.toLocaleString('en-US')} synthetic rows drained in process, with and without the TTY progress bar (drawn into /dev/null), ${pairs} alternating rounds in one run; ratioToReference is the median of the per-round ratios (goal ≤ 1.02).`,
  reference,
  names.map((name) => {
    const ratios = times[name].map((ms, i) => ms / times[reference][i]);
    return { name, group: `${rows.toLocaleString('en-US')} rows`, medianMs: median(times[name]), ratioToReference: median(ratios), pairs, minRatio: Math.min(...ratios), maxRatio: Math.max(...ratios) };
  }),
);
printRows(result.rows);
