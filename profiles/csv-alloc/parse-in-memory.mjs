// The in-memory parse of bench/parsers.mjs on its own, for perf and A/B: the canonical CSV's bytes
// already in one buffer, through the same record driver and batch parsers.
// Usage: node profiles/csv-alloc/parse-in-memory.mjs [native|js] [runs] [dist dir]
//   (perf: perf record -g node --perf-basic-prof profiles/csv-alloc/parse-in-memory.mjs native 5)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const which = process.argv[2] ?? 'native';
const runs = Number(process.argv[3] ?? 5);
const dist = pathToFileURL(resolve(process.argv[4] ?? new URL('../../dist', import.meta.url).pathname)).href;
const { CsvInput } = await import(`${dist}/stages/sources/csv/input.js`);
const { NativeBatchParser, TokenBatchParser, readRecords } = await import(`${dist}/stages/sources/csv/records.js`);
const { nativeCsvParser } = await import(`${dist}/kernels/parse-csv.js`);
const { Schema } = await import(`${dist}/batch/schema.js`);

const file = new URL('../../bench/data/events-10000000.csv', import.meta.url).pathname;
const bytes = readFileSync(file);
const bodyStart = bytes.indexOf(10) + 1;
const names = bytes.subarray(0, bodyStart - 1).toString().split(',');
const types = { id: 'int64', ts: 'int64', user_id: 'int32', category: 'utf8', value: 'float64' };
const schema = new Schema(names.map((name) => ({ name, type: types[name], nullable: true })));
const wording = { path: file, declared: () => true, sampleRows: 0 };
const batchSize = 65_536;
const kept = names.map((_, i) => i);
const make = which === 'native'
  ? () => new NativeBatchParser(nativeCsvParser('native'), schema, kept, 44, wording, batchSize)
  : () => new TokenBatchParser(schema, kept, 44, wording, batchSize);

for (let r = 0; r < runs; r++) {
  const input = new CsvInput({ handle: { read: async () => ({ bytesRead: 0 }) } }, 1 << 20, undefined, () => undefined);
  input.buf = bytes;
  input.pos = bodyStart;
  input.end = bytes.length;
  input.eof = true;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const faults = process.resourceUsage().minorPageFault;
  let count = 0;
  for await (const batch of readRecords(input, make(), names.length, batchSize, Infinity, new AbortController().signal)) count += batch.numRows;
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const faulted = process.resourceUsage().minorPageFault - faults;
  console.log(`${which} run ${r}: ${count} rows, wall ${ms.toFixed(0)} ms (${(bytes.length / 1e3 / ms).toFixed(0)} MB/s), CPU ${((used.user + used.system) / 1e3).toFixed(0)} ms (system ${(used.system / 1e3).toFixed(0)}), ${faulted} page faults`);
}
