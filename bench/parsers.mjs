// bench: manual
// Parsing into columns on one thread, CSV and NDJSON: the csv and ndjson sources with the native
// (Rust) parser, with the TypeScript parser (its twin), and nodejs-polars (`readCSV`,
// `scanJson(…).collect()`: this binding's readJSON has no lines reader) with POLARS_MAX_THREADS=1 (in a child process, so the
// variable is set before Polars loads; timed inside the child, load excluded), all on the
// canonical 10M-row files (synthetic, seed 42: id,ts,user_id,category,value) in one run.
// Our runs time `stream()` only (the header and the inference sample are read at planning,
// before the clock starts); Polars' time includes its own inference.
// Usage: npm run bench:parsers [-- --runs 3] [-- --formats csv,ndjson]
//   (npm runs it with node --initial-old-space-size=128, as the sluice command and README advise
//   for embedders: without it the csv source here ran ~30 full collections per three reads)
//   (writes a missing data file first with the CLI)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// tsc's modules one by one, not the bundled package entry: this bench also needs modules the entry
// does not export, and they must be the same module instances (scripts/bundle.mjs).
import { jsKernels, selectKernels } from '../dist/kernels/index.js';
import { Pipeline } from '../dist/runtime/pipeline.js';
import { csvBytes, inMemoryParsers } from './lib/csv-in-memory.mjs';
import { printRows, writeResult } from './lib/tiny.mjs';

const argValue = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(argValue('--runs', '3'));
const formats = argValue('--formats', 'csv,ndjson').split(',');
const rows = 10_000_000;
const dataDir = fileURLToPath(new URL('./data/', import.meta.url));

const FORMATS = {
  csv: { sink: 'type: csv_file', source: 'csv', polars: (file) => `pl.readCSV(${JSON.stringify(file)})`, polarsName: 'readCSV' },
  ndjson: { sink: 'type: json_file\n  format: ndjson', source: 'ndjson', polars: (file) => `await pl.scanJson(${JSON.stringify(file)}).collect()`, polarsName: 'scanJson().collect()' },
};

function dataFile(format) {
  const file = `${dataDir}events-${rows}.${format}`;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const job = `${dataDir}generate-${rows}-${format}.yaml`;
    writeFileSync(job, `source:\n  type: synthetic\n  rows: ${rows}\n  seed: 42\nsink:\n  ${FORMATS[format].sink}\n  path: ${file}\n`);
    execFileSync(process.execPath, [fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)), 'run', job], { stdio: 'inherit' });
  }
  return file;
}

const native = selectKernels('native');

/** CPU time of the process (every thread: GC helpers count) in ms. */
const cpuMs = (usage) => (usage.user + usage.system) / 1000;

async function parseOnce(pipeline, kernels) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let count = 0;
  for await (const batch of pipeline.batches({ kernels })) count += batch.numRows;
  const ms = performance.now() - started;
  if (count !== rows) throw new Error(`read ${count} rows, expected ${rows}`);
  return { ms, cpu: cpuMs(process.cpuUsage(cpu)) };
}

function polarsOnce(format, file) {
  const script = `
import pl from 'nodejs-polars';
const started = performance.now();
const cpu = process.cpuUsage();
const df = ${FORMATS[format].polars(file)};
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ ms, cpu: (used.user + used.system) / 1000, rows: df.height }));
`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, POLARS_MAX_THREADS: '1' }, encoding: 'utf8', maxBuffer: 1 << 20 });
  const { ms, cpu, rows: read } = JSON.parse(out);
  if (read !== rows) throw new Error(`polars read ${read} rows, expected ${rows}`);
  return { ms, cpu };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const resultRows = [];
const sizes = [];
for (const format of formats) {
  const file = dataFile(format);
  const bytes = statSync(file).size;
  sizes.push(`${format} ${bytes} bytes`);
  // threads: 0: one thread (the default worker pool would parse splits on every core).
  const pipeline = await Pipeline.fromJob({ threads: 0, source: { type: FORMATS[format].source, path: file } });
  const timings = { native: [], js: [], polars: [] };
  await parseOnce(pipeline, native); // warm-up: page cache and JIT
  for (let i = 0; i < runs; i++) {
    timings.native.push(await parseOnce(pipeline, native));
    timings.polars.push(polarsOnce(format, file));
  }
  // The TypeScript parser is several times slower: one run after a warm-up on the same file.
  await parseOnce(pipeline, jsKernels);
  timings.js.push(await parseOnce(pipeline, jsKernels));

  const labels = {
    polars: { name: `nodejs-polars 0.25.2 ${FORMATS[format].polarsName}, POLARS_MAX_THREADS=1`, impl: 'polars' },
    native: { name: `${format} source, native parser`, impl: 'native' },
    js: { name: `${format} source, TypeScript parser`, impl: 'js' },
  };
  const wall = (key) => median(timings[key].map((t) => t.ms));
  const cpu = (key) => median(timings[key].map((t) => t.cpu));
  const refMs = wall('polars');
  const jsMs = wall('js');
  for (const [key, label] of Object.entries(labels)) {
    const ms = wall(key);
    resultRows.push({
      name: label.name,
      group: `${format.toUpperCase()}, ${rows.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB, one thread`,
      impl: label.impl,
      medianMs: ms,
      ratioToReference: ms / refMs,
      speedupOverPolars: refMs / ms,
      speedupOverTypeScript: jsMs / ms,
      mbPerS: bytes / 1e6 / (ms / 1e3),
      // The machine is shared and loaded: CPU time is the steadier measure of the work done.
      medianCpuMs: cpu(key),
      cpuSpeedupOverPolars: cpu('polars') / cpu(key),
      cpuSpeedupOverTypeScript: cpu('js') / cpu(key),
      mbPerCpuS: bytes / 1e6 / (cpu(key) / 1e3),
      runsMs: timings[key].map((t) => Math.round(t.ms)),
      runsCpuMs: timings[key].map((t) => Math.round(t.cpu)),
    });
  }
}
// In memory: the same batch parsers and record driver as the source, over the whole file already
// in one buffer, so that reading the file (shared by both parsers) is left out and the ratio is
// the parsers' own: bytes into typed columns, allocation of the batches' columns included.
if (formats.includes('csv')) {
  const data = csvBytes(dataFile('csv'));
  const { bytes } = data;
  const parsers = await inMemoryParsers(new URL('../dist', import.meta.url).href, data);
  const inMemoryOnce = async (key) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const count = await parsers.parse(key);
    const ms = performance.now() - started;
    if (count !== rows) throw new Error(`read ${count} rows, expected ${rows}`);
    return { ms, cpu: cpuMs(process.cpuUsage(cpu)) };
  };
  // Both parsers the same number of runs, interleaved, so that the ratio is not one run of the twin
  // against a median (the target ratio sat near 5x and one slow or fast twin run decided it).
  const timings = { native: [], js: [] };
  await inMemoryOnce('native');
  await inMemoryOnce('js');
  for (let i = 0; i < runs; i++) {
    timings.native.push(await inMemoryOnce('native'));
    timings.js.push(await inMemoryOnce('js'));
  }
  const wall = (key) => median(timings[key].map((t) => t.ms));
  const cpu = (key) => median(timings[key].map((t) => t.cpu));
  const polarsRow = resultRows.find((r) => r.impl === 'polars' && r.group.startsWith('CSV'));
  for (const [key, name] of [['native', 'CSV bytes in memory into columns, native parser'], ['js', 'CSV bytes in memory into columns, TypeScript parser']]) {
    const ms = wall(key);
    resultRows.push({
      name,
      group: `CSV in memory, ${rows.toLocaleString('en-US')} rows, ${(bytes.length / 2 ** 20).toFixed(0)} MiB, one thread`,
      impl: key,
      medianMs: ms,
      ratioToReference: polarsRow ? ms / polarsRow.medianMs : null,
      speedupOverPolars: polarsRow ? polarsRow.medianMs / ms : null,
      speedupOverTypeScript: wall('js') / ms,
      mbPerS: bytes.length / 1e6 / (ms / 1e3),
      medianCpuMs: cpu(key),
      cpuSpeedupOverPolars: polarsRow ? polarsRow.medianCpuMs / cpu(key) : null,
      cpuSpeedupOverTypeScript: cpu('js') / cpu(key),
      mbPerCpuS: bytes.length / 1e6 / (cpu(key) / 1e3),
      runsMs: timings[key].map((t) => Math.round(t.ms)),
      runsCpuMs: timings[key].map((t) => Math.round(t.cpu)),
    });
  }
}

const result = writeResult(
  'parsers',
  `Parse into typed columns on one thread, canonical ${rows.toLocaleString('en-US')}-row files (${sizes.join(', ')}); median of ${runs} runs after a warm-up (TypeScript sources: 1 run after a warm-up; in memory: both parsers ${runs} runs, interleaved); MB/s = 10^6 bytes per second; wall and process CPU time (all threads) both recorded. Ratios are to Polars reading the same format (its file read included). "In memory": the csv source's record driver and batch parsers over the whole file already in one buffer (no file reads), columns allocated per batch as in the source.`,
  'nodejs-polars 0.25.2 (same format), POLARS_MAX_THREADS=1',
  resultRows,
);
printRows(result.rows);
for (const r of result.rows) {
  process.stdout.write(`${r.name}: wall ${r.mbPerS.toFixed(0)} MB/s, ${r.speedupOverTypeScript.toFixed(2)}× TypeScript, ${r.speedupOverPolars.toFixed(2)}× Polars; `);
  process.stdout.write(`CPU ${r.mbPerCpuS.toFixed(0)} MB/s, ${r.cpuSpeedupOverTypeScript.toFixed(2)}× TypeScript, ${r.cpuSpeedupOverPolars.toFixed(2)}× Polars\n`);
}
