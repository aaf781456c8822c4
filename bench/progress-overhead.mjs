// What the progress display costs: the main job's stages (synthetic → threshold_filter →
// aggregate) drained in process with and without the TTY progress bar, alternating within each
// round (the arms' order rotates round by round, so drift on a shared machine falls on every arm),
// ≥ 10 rounds in one run. The figure that matters is the median of the per-round ratios (with /
// without): the goal is ≤ 1.02. The ratio is taken on this process's CPU time (user + system),
// because on a 2-core machine shared with other builds wall time mostly measures the neighbours;
// the wall-time ratio is recorded beside it. A third figure needs no comparison at all: the
// measured cost of one render times the renders per second. The bar is drawn into /dev/null as if it were a 120-column terminal, at the default
// refresh (200 ms) and at 20 ms (ten times more often) to show the cost scales with the timer, not
// with the batches.
// Usage: npm run bench -- --suite progress-overhead [--rows N] [--pairs N]
import { createWriteStream } from 'node:fs';
// tsc's modules one by one, not the bundled package entry: this bench also needs modules the entry
// does not export, and they must be the same module instances (scripts/bundle.mjs).
import { Pipeline } from '../dist/runtime/pipeline.js';
import { Progress } from '../dist/observe/progress.js';
import { logger } from '../dist/observe/logger.js';
import { printRows, writeResult } from './lib/tiny.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = arg('--rows', 10_000_000);
const pairs = arg('--pairs', 15);

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
  const cpu = process.cpuUsage();
  const started = performance.now();
  for await (const batch of pipeline.batches(onStart ? { onStart } : {})) void batch;
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  progress?.stop();
  return { ms, cpuMs: (used.user + used.system) / 1000, renders: progress?.renders ?? 0 };
}

const arms = { 'without progress': undefined, 'with progress bar (200 ms)': 200, 'with progress bar (20 ms)': 20 };
const names = Object.keys(arms);
await once(undefined); // warm-up: JIT and the kernels' first calls
const times = Object.fromEntries(names.map((n) => [n, []]));
const cpuTimes = Object.fromEntries(names.map((n) => [n, []]));
const renderCounts = Object.fromEntries(names.map((n) => [n, 0]));
for (let p = 0; p < pairs; p++) {
  const order = [...names.slice(p % names.length), ...names.slice(0, p % names.length)];
  for (const name of order) {
    const { ms, cpuMs, renders } = await once(arms[name]);
    if (arms[name] !== undefined && renders === 0) throw new Error(`${name}: the bar was never drawn; the comparison would be empty`);
    times[name].push(ms);
    cpuTimes[name].push(cpuMs);
    renderCounts[name] += renders;
  }
}

// The cost of one render, alone: a source mid-run (rows, no file) drawn 20,000 times.
const probe = new Progress({ rowsOut: 1_234_567, bytesRead: 0, bytesTotal: undefined }, { stream: terminal, tty: true, log, rowsTotal: rows });
for (let i = 0; i < 2000; i++) probe.render();
const renderStart = performance.now();
for (let i = 0; i < 20_000; i++) probe.render();
const renderUs = ((performance.now() - renderStart) / 20_000) * 1000;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const reference = names[0];
const result = writeResult(
  'progress-overhead',
  `The main job's stages over ${rows.toLocaleString('en-US')} synthetic rows drained in process, with and without the TTY progress bar (drawn into /dev/null), ${pairs} rounds in one run with the arms' order rotating; ratioToReference is the median of the per-round ratios of process CPU time (goal ≤ 1.02), wallRatio the same for wall time; renderShare = renders per second × measured cost of one render (renderUs).`,
  reference,
  names.map((name) => {
    const cpuRatios = cpuTimes[name].map((ms, i) => ms / cpuTimes[reference][i]);
    const wallRatios = times[name].map((ms, i) => ms / times[reference][i]);
    const perSecond = arms[name] === undefined ? 0 : 1000 / arms[name];
    return {
      name,
      group: `${rows.toLocaleString('en-US')} rows`,
      medianMs: median(times[name]),
      ratioToReference: median(cpuRatios),
      medianCpuMs: median(cpuTimes[name]),
      wallRatio: median(wallRatios),
      rounds: pairs,
      cpuRatioRange: [Math.min(...cpuRatios), Math.max(...cpuRatios)],
      wallRatioRange: [Math.min(...wallRatios), Math.max(...wallRatios)],
      renders: renderCounts[name],
      renderUs,
      // What the renders cost as a share of the run, from the render cost alone.
      renderShare: (perSecond * renderUs) / 1e6,
    };
  }),
);
printRows(result.rows);
