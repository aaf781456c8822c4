// Two builds of the addon side by side in one process, calls interleaved so that both see the same
// machine: node profiles/fused-kernel/ab.mjs OLD.node NEW.node [rows]   (MIN=1: min, not median)
// Times are the process's CPU time per call (process.cpuUsage), not wall time: the machine is
// shared, and a preempted call would otherwise count the other process's time.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { columns, tenthNull } from '../../bench/lib/kernel-columns.mjs';

const req = createRequire(import.meta.url);
const addons = { old: req(resolve(process.argv[2])), new: req(resolve(process.argv[3])) };
const n = Number(process.argv[4] ?? 10_000_000);

// The columns of bench/kernels.mjs: value in [0, 100) with three decimals, 50 codes, 10% null.
const { values, codes } = columns(n);
const validity = tenthNull(n);

/** The 4-slot state of 50 groups, in `len` slots (over 8,192 = 64 KiB: the fused kernel's up-front check path). */
function state(len) {
  const s = new Float64Array(len);
  for (let g = 0; g < 50; g++) s.set([0, -0, Infinity, -Infinity], g * 4);
  return s;
}
function typedState() {
  const s = new Float64Array(300);
  for (let g = 0; g < 50; g++) s.set([0, 0, -0, 0, Infinity, -Infinity], g * 6);
  return s;
}

const cases = (a) => [
  ['floor sumF64', () => a.sumF64(values)],
  ['fused', () => a.filterGroupedStatsF64(values, null, codes, 'gt', 90, state(200), 4, 0, 1, 2, 3)],
  ['fused, large state', () => a.filterGroupedStatsF64(values, null, codes, 'gt', 90, state(10_000), 4, 0, 1, 2, 3)],
  ['groupedStatsF64', () => a.groupedStatsF64(values, codes, state(200), 4, 0, 1, 2, 3)],
  ['groupedStatsValidF64', () => a.groupedStatsValidF64(values, validity, codes, typedState(), 6, 0, 1, 2, 4, 5)],
];

const reps = n > 1e6 ? 21 : 301;
const times = {};
for (let r = 0; r < reps; r++) {
  for (const [build, addon] of Object.entries(addons)) {
    for (const [label, call] of cases(addon)) {
      const start = process.cpuUsage();
      call();
      const used = process.cpuUsage(start);
      (times[`${label} ${build}`] ??= []).push((used.user + used.system) / 1e3);
    }
  }
}
const pick = (key) => {
  const sorted = times[key].slice().sort((a, b) => a - b);
  return sorted[process.env.MIN ? 0 : sorted.length >> 1];
};
console.log(`${n} rows, ${reps} calls each, ${process.env.MIN ? 'min' : 'median'} CPU ms (× the floor of the same build)`);
for (const [label] of cases(addons.old)) {
  const cell = (build) => `${pick(`${label} ${build}`).toFixed(3)} (${(pick(`${label} ${build}`) / pick(`floor sumF64 ${build}`)).toFixed(2)}×)`;
  console.log(`${label.padEnd(22)} old ${cell('old').padEnd(18)} new ${cell('new')}`);
}
