// Builds side by side in one process, runs interleaved so that all see the same machine: the
// in-memory CSV parse of bench/parsers.mjs (the canonical 10M-row file's bytes in one buffer,
// through the csv source's record driver and batch parsers) with each build's native parser and,
// with --js, each build's TypeScript twin.
// Usage: node --initial-old-space-size=128 profiles/csv-alloc/ab.mjs [--js] [--rounds N] NAME=ROOT ...
//   ROOT holds dist/ (tsc output) and native/ (index.cjs + the .node addon), as the repo does.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { csvBytes, inMemoryParsers } from '../../bench/lib/csv-in-memory.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const withJs = args.includes('--js');
if (withJs) args.splice(args.indexOf('--js'), 1);
const rounds = Number(flag('--rounds') ?? 7);
if (args.length === 0) throw new Error('usage: ab.mjs [--js] [--rounds N] NAME=ROOT ...');

const data = csvBytes(new URL('../../bench/data/events-10000000.csv', import.meta.url).pathname);
const { bytes } = data;

const cases = [];
for (const arg of args) {
  const [name, root] = arg.split('=');
  const parsers = await inMemoryParsers(pathToFileURL(resolve(root, 'dist')).href, data);
  const run = async (kind) => {
    const count = await parsers.parse(kind);
    if (count !== 10_000_000) throw new Error(`${name}: read ${count} rows`);
  };
  cases.push({ label: `${name} native`, once: () => run('native') });
  if (withJs) cases.push({ label: `${name} js`, once: () => run('js') });
}

const times = new Map(cases.map((c) => [c.label, { wall: [], cpu: [] }]));
for (const c of cases) await c.once(); // warm-up: JIT
for (let r = 0; r < rounds; r++) {
  // Rotate the order each round so that no build always follows the same one.
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(k + r) % cases.length];
    const started = performance.now();
    const cpu = process.cpuUsage();
    await c.once();
    const used = process.cpuUsage(cpu);
    times.get(c.label).wall.push(performance.now() - started);
    times.get(c.label).cpu.push((used.user + used.system) / 1e3);
  }
}
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[s.length >> 1] };
};
const mb = bytes.length / 1e6;
console.log(`${rounds} rounds interleaved, ${(bytes.length / 2 ** 20).toFixed(0)} MiB; ms (MB/s)`);
// The machine is shared: another process on the other core slows a run by up to 1.5x for seconds
// at a time, so each case is also compared with the first one within the same round (adjacent
// runs see the same neighbours), and the median of those ratios is given.
const first = times.get(cases[0].label);
for (const [label, t] of times) {
  const w = stat(t.wall);
  const c = stat(t.cpu);
  console.log(`${label.padEnd(14)} wall median ${w.median.toFixed(0)} (${(mb / w.median * 1e3).toFixed(0)}) min ${w.min.toFixed(0)}  CPU median ${c.median.toFixed(0)} (${(mb / c.median * 1e3).toFixed(0)}) min ${c.min.toFixed(0)}  runs ${t.wall.map((x) => x.toFixed(0)).join(' ')}`);
  if (t !== first) {
    const ratios = t.cpu.map((x, r) => x / first.cpu[r]);
    console.log(`${''.padEnd(14)} CPU / ${cases[0].label}, same round: median ${stat(ratios).median.toFixed(3)}, rounds ${ratios.map((x) => x.toFixed(2)).join(' ')}`);
  }
}
