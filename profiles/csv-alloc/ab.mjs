// Builds side by side in one process, runs interleaved so that all see the same machine: the
// in-memory CSV parse of bench/parsers.mjs (the canonical 10M-row file's bytes in one buffer,
// through the csv source's record driver and batch parsers) with each build's native parser and,
// with --js, each build's TypeScript twin.
// Usage: node --initial-old-space-size=128 profiles/csv-alloc/ab.mjs [--js] [--rounds N] NAME=ROOT ...
//   ROOT holds dist/ (tsc output) and native/ (index.cjs + the .node addon), as the repo does.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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

const file = new URL('../../bench/data/events-10000000.csv', import.meta.url).pathname;
const bytes = readFileSync(file);
const bodyStart = bytes.indexOf(10) + 1;
const names = bytes.subarray(0, bodyStart - 1).toString().split(',');
const types = { id: 'int64', ts: 'int64', user_id: 'int32', category: 'utf8', value: 'float64' };
const batchSize = 65_536;
const kept = names.map((_, i) => i);

const cases = [];
for (const arg of args) {
  const [name, root] = arg.split('=');
  const dist = pathToFileURL(resolve(root, 'dist')).href;
  const { CsvInput } = await import(`${dist}/stages/sources/csv/input.js`);
  const { NativeBatchParser, TokenBatchParser, readRecords } = await import(`${dist}/stages/sources/csv/records.js`);
  const { nativeCsvParser } = await import(`${dist}/kernels/parse-csv.js`);
  const { Schema } = await import(`${dist}/batch/schema.js`);
  const schema = new Schema(names.map((n) => ({ name: n, type: types[n], nullable: true })));
  const wording = { path: file, declared: () => true, sampleRows: 0 };
  const run = async (parser) => {
    const input = new CsvInput({ handle: { read: async () => ({ bytesRead: 0 }) } }, 1 << 20, undefined, () => undefined);
    input.buf = bytes;
    input.pos = bodyStart;
    input.end = bytes.length;
    input.eof = true;
    let count = 0;
    for await (const batch of readRecords(input, parser, names.length, batchSize, Infinity, new AbortController().signal)) count += batch.numRows;
    if (count !== 10_000_000) throw new Error(`${name}: read ${count} rows`);
  };
  cases.push({ label: `${name} native`, once: () => run(new NativeBatchParser(nativeCsvParser('native'), schema, kept, 44, wording, batchSize)) });
  if (withJs) cases.push({ label: `${name} js`, once: () => run(new TokenBatchParser(schema, kept, 44, wording, batchSize)) });
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
