// The in-memory parse of bench/parsers.mjs on its own, for perf and A/B: the canonical CSV's bytes
// already in one buffer, through the same record driver and batch parsers.
// Usage: node profiles/csv-alloc/parse-in-memory.mjs [native|js] [runs] [dist dir]
//   (perf: perf record -g node --perf-basic-prof profiles/csv-alloc/parse-in-memory.mjs native 5)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { csvBytes, inMemoryParsers } from '../../bench/lib/csv-in-memory.mjs';

const which = process.argv[2] ?? 'native';
const runs = Number(process.argv[3] ?? 5);
const dist = pathToFileURL(resolve(process.argv[4] ?? new URL('../../dist', import.meta.url).pathname)).href;
const data = csvBytes(new URL('../../bench/data/events-10000000.csv', import.meta.url).pathname);
const { bytes } = data;
const parsers = await inMemoryParsers(dist, data);

for (let r = 0; r < runs; r++) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const faults = process.resourceUsage().minorPageFault;
  const count = await parsers.parse(which);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const faulted = process.resourceUsage().minorPageFault - faults;
  console.log(`${which} run ${r}: ${count} rows, wall ${ms.toFixed(0)} ms (${(bytes.length / 1e3 / ms).toFixed(0)} MB/s), CPU ${((used.user + used.system) / 1e3).toFixed(0)} ms (system ${(used.system / 1e3).toFixed(0)}), ${faulted} page faults`);
}
