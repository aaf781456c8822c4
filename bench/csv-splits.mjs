// bench: manual
// What splitting costs per byte: the csv source's native parser reading the canonical 10M-row CSV
// with stream(), then split by split (16 MiB splits read in order, each made exact from its
// predecessor, as the engine does with threads: 0), then every split on its own as cut (the
// speculative ones from their guessed start, as workers read them). One thread, in process; the header and inference are read at planning, before
// the clock starts. Rows compare milliseconds per MB (10^6 bytes) of CPU time to stream()'s.
// Usage: npm run bench -- --suite csv-splits [--runs 3]  (needs dist/ and bench/data/events-10000000.csv:
// run npm run bench:parsers once to write it)
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// tsc's modules one by one, not the bundled package entry: this bench also needs modules the entry
// does not export, and they must be the same module instances (scripts/bundle.mjs).
import { selectKernels } from '../dist/kernels/index.js';
import { testPlanContext, testStageContext } from '../dist/testing/context.js';
import { CsvSource } from '../dist/stages/sources/csv.js';
import { printRows, writeResult } from './lib/tiny.mjs';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const file = fileURLToPath(new URL('./data/events-10000000.csv', import.meta.url));
if (!existsSync(file)) throw new Error(`${file} is missing: run npm run bench:parsers once to write it`);
const bytes = statSync(file).size;
const kernels = selectKernels('native');

const make = () => new CsvSource(CsvSource.options.parse({ path: file }));
const planned = make();
const schema = await planned.schema(testPlanContext());
const ctx = () => testStageContext({ schema, kernels });
const splits = await planned.splits(ctx());

const cpuMs = (usage) => (usage.user + usage.system) / 1000;

/** Reads a split to its end; its rows and extent. */
async function drain(generator) {
  let rows = 0;
  for (;;) {
    const step = await generator.next();
    if (step.done) return { rows, extent: step.value };
    rows += step.value.numRows;
  }
}

const tasks = {
  'stream(): the whole file': { bytes, run: async () => drain(make().stream(ctx())) },
  [`every split in order (${splits.length} × 16 MiB, each made exact)`]: {
    bytes,
    run: async () => {
      const reader = make();
      let previous;
      let rows = 0;
      for (const split of splits) {
        const exact = previous === undefined ? split : planned.continueSplit(split, previous);
        const read = await drain(reader.streamSplit(exact, ctx()));
        rows += read.rows;
        previous = read.extent;
      }
      return { rows };
    },
  },
  // As workers read them: each split on its own, the speculative ones from their guessed start.
  [`every split alone, as cut (${splits.length - 1} speculative)`]: {
    bytes,
    run: async () => {
      let rows = 0;
      for (const split of splits) rows += (await drain(make().streamSplit(split, ctx()))).rows;
      return { rows };
    },
  },
};

const results = [];
for (const [name, task] of Object.entries(tasks)) {
  await task.run(); // warm-up
  const wall = [];
  const cpu = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const used = process.cpuUsage();
    rows = (await task.run()).rows;
    wall.push(performance.now() - started);
    cpu.push(cpuMs(process.cpuUsage(used)));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  results.push({ name, bytes: task.bytes, rows, wallMs: median(wall), cpuMs: median(cpu), runsCpuMs: cpu.map(Math.round) });
}
if (results.some((r) => r.rows !== results[0].rows)) throw new Error(`stream() read ${results[0].rows} rows, the splits ${results[1].rows}`);

const perMb = (r) => r.cpuMs / (r.bytes / 1e6);
const reference = results[0];
const rows = results.map((r) => ({
  name: r.name,
  group: `CSV, 10,000,000 rows, ${(bytes / 2 ** 20).toFixed(0)} MiB, native parser, one thread`,
  impl: 'native',
  medianMs: r.cpuMs,
  ratioToReference: perMb(r) / perMb(reference),
  cpuMsPerMB: perMb(r),
  mbPerCpuS: r.bytes / 1e3 / r.cpuMs,
  medianWallMs: r.wallMs,
  bytes: r.bytes,
  rows: r.rows,
  runsCpuMs: r.runsCpuMs,
}));
printRows(rows);
writeResult(
  'csv-splits',
  `What splitting costs per byte: the csv source (native parser) on the canonical 10M-row CSV (${bytes} bytes), stream() against every 16 MiB split read in order (made exact, as with threads: 0) and every split read alone as cut (as workers do); median of ${runs} runs after a warm-up, process CPU time. ratioToReference is CPU ms per MB against stream()'s (1.00 = the same cost per byte).`,
  reference.name,
  rows,
);
