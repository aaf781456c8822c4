// bench: manual
// Peer comparison (`npm run bench:peers`): the canonical data set — the synthetic source's rows
// (seed 42) written by sluice itself to CSV and NDJSON under bench/data/ (git-ignored, generated
// on demand, reused if present) — and the queries Q1–Q3 (bench/jobs/), each run as a fresh
// process `--runs` times per engine. All engines' results must agree (1e-9 relative) before any
// time is reported. Writes bench/results/peers.json.
//
// Usage: npm run bench:peers [-- --rows 1000000] [--formats csv,ndjson] [--queries q1,q2,q3]
//          [--engines sluice-native,sluice-js,sluice-threads2,polars,duckdb,plain-node] [--runs 3]
//          [--result NAME]   (writes bench/results/NAME.json instead of peers.json)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { benchEnvironment } from './lib/env.mjs';
import { compareResults, median } from './lib/peer-results.mjs';
import { cliNodeFlags, snapshotBuild } from './lib/snapshot.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dataDir = join(root, 'bench', 'data');
// A build of HEAD of our own: others' `npm test` rebuilds dist/ while this runs for minutes.
// Outside the repo, so that tsconfig.test.json (which includes bench/) never sees its sources.
const snapshot = snapshotBuild(root, join(tmpdir(), 'sluice-bench-snapshot'));
const cli = snapshot.cli;
const rssPreload = join(root, 'bench', 'lib', 'max-rss.mjs');

const ENGINES = {
  // One thread each (threads: 0, no pool), so they compare the kernels; sluice-threads2 the pool.
  'sluice-native': { impl: 'sluice', peer: false, env: { SLUICE_KERNELS: 'native' }, threads: 0 },
  'sluice-js': { impl: 'sluice', peer: false, env: { SLUICE_KERNELS: 'js' }, threads: 0 },
  'sluice-threads2': { impl: 'sluice', peer: false, env: { SLUICE_KERNELS: 'native' }, threads: 2 },
  polars: { impl: 'nodejs-polars 0.25.2', peer: true, script: 'polars.mjs' },
  duckdb: { impl: '@duckdb/node-api 1.5.6-r.1', peer: true, script: 'duckdb.mjs' },
  'plain-node': { impl: 'readline + split/JSON.parse + Map', peer: true, script: 'plain-node.mjs' },
};

const option = (flag, fallback) => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rows = Number(option('--rows', '10000000'));
const formats = option('--formats', 'csv,ndjson').split(',');
const queries = option('--queries', 'q1,q2,q3').split(',');
const engines = option('--engines', Object.keys(ENGINES).join(',')).split(',');
const runs = Number(option('--runs', '3'));
// A partial re-run (say, one format after a parser change) can be kept beside the full table.
const resultName = option('--result', 'peers');
for (const e of engines) if (!ENGINES[e]) throw new RangeError(`--engines: unknown engine "${e}" (engines: ${Object.keys(ENGINES).join(', ')})`);
if (!Number.isInteger(rows) || rows <= 0) throw new RangeError('--rows must be a positive integer');

/** Writes the data set with sluice itself (synthetic → csv_file / json_file ndjson); reused if present. */
function dataFile(format) {
  const file = join(dataDir, `events-${rows}.${format}`);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  const job = join(dataDir, `generate-${rows}-${format}.yaml`);
  const sink = format === 'csv' ? { type: 'csv_file', path: file } : { type: 'json_file', path: file, format: 'ndjson' };
  writeFileSync(job, stringify({ source: { type: 'synthetic', rows, seed: 42 }, sink }));
  process.stdout.write(`generating ${file} with sluice...\n`);
  const child = spawnSync(process.execPath, [...cliNodeFlags(cli), cli, 'run', job, '--quiet'], { stdio: 'inherit' });
  if (child.status !== 0) throw new Error(`generating ${file} failed`);
  return file;
}

/** The committed job file with its data path and sink set for this run (and `threads` if asked). */
function sluiceJob(format, query, engine, file, out) {
  const job = parse(readFileSync(join(root, 'bench', 'jobs', `${format}-${query}.yaml`), 'utf8'));
  job.source.path = file;
  job.sink.path = out;
  if (ENGINES[engine].threads !== undefined) job.threads = ENGINES[engine].threads;
  const path = join(dataDir, 'jobs', `${format}-${query}-${engine}-${rows}.yaml`);
  mkdirSync(join(dataDir, 'jobs'), { recursive: true });
  writeFileSync(path, stringify(job));
  return path;
}

/** One whole fresh process: wall time measured around it, its own peak RSS, its result rows. */
function runOnce(engine, format, query, file) {
  const spec = ENGINES[engine];
  const out = join(dataDir, 'out', `${format}-${query}-${engine}.json`);
  mkdirSync(join(dataDir, 'out'), { recursive: true });
  const argv = spec.script
    ? [join(root, 'bench', 'lib', 'peers', spec.script), format, query, file]
    : [...cliNodeFlags(cli), cli, 'run', sluiceJob(format, query, engine, file, out), '--quiet'];
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', rssPreload, ...argv], { encoding: 'utf8', env: { ...process.env, ...spec.env }, maxBuffer: 1 << 26 });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`${engine} ${format} ${query} failed (exit ${child.status ?? child.signal}):\n${child.stderr}`);
  const rss = /@@max-rss-bytes (\d+)/.exec(child.stderr);
  const result = JSON.parse(spec.script ? child.stdout : readFileSync(out, 'utf8'));
  if (!spec.script) rmSync(out);
  return { wallMs, maxRssBytes: rss ? Number(rss[1]) : null, result };
}

const measured = [];
for (const format of formats) {
  const file = dataFile(format);
  for (const query of queries) {
    // Run by run, the engines in turn: on a shared machine a neighbour's burst then lands on every
    // engine's runs alike, not on one engine's block of runs.
    const byEngine = Object.fromEntries(engines.map((engine) => [engine, []]));
    for (let i = 0; i < runs; i++) {
      for (const engine of engines) {
        byEngine[engine].push(runOnce(engine, format, query, file));
        process.stdout.write(`${format} ${query} ${engine}: run ${i + 1}/${runs} done\n`);
      }
    }
    // Every run of every engine against the first: no time is reported for a wrong answer.
    const [first] = engines;
    for (const engine of engines) {
      for (const run of byEngine[engine]) {
        const problem = compareResults(byEngine[first][0].result, run.result);
        if (problem) {
          process.stderr.write(`peers: ${format} ${query}: ${engine} disagrees with ${first}: ${problem}\n`);
          process.exit(1);
        }
      }
    }
    measured.push({ format, query, fileBytes: statSync(file).size, byEngine });
  }
}

const resultRows = [];
for (const { format, query, fileBytes, byEngine } of measured) {
  const medians = Object.fromEntries(Object.entries(byEngine).map(([e, rs]) => [e, median(rs.map((r) => r.wallMs))]));
  const peers = Object.keys(medians).filter((e) => ENGINES[e].peer);
  const fastest = peers.length > 0 ? peers.reduce((a, b) => (medians[a] <= medians[b] ? a : b)) : Object.keys(medians)[0];
  for (const [engine, rs] of Object.entries(byEngine)) {
    const rssValues = rs.map((r) => r.maxRssBytes).filter((v) => v !== null);
    resultRows.push({
      name: engine,
      group: `${format} ${query.toUpperCase()}`,
      impl: ENGINES[engine].impl,
      medianMs: medians[engine],
      ratioToReference: medians[engine] / medians[fastest],
      referenceRow: fastest,
      peakRssMiB: rssValues.length > 0 ? median(rssValues) / 2 ** 20 : null,
      rowsPerSecond: Math.round((rows / medians[engine]) * 1000),
      ...(ENGINES[engine].note ? { note: ENGINES[engine].note } : {}),
      runsMs: rs.map((r) => Math.round(r.wallMs)),
      inputBytes: fileBytes,
    });
  }
}

const M = (n) => `${(n / 1e6).toFixed(1)} M`;
for (const format of formats) {
  process.stdout.write(`\n${format.toUpperCase()} (${rows.toLocaleString('en-US')} rows, median of ${runs} whole-process runs; ratio to the fastest peer)\n`);
  process.stdout.write(`${'query'.padEnd(6)}${'engine'.padEnd(18)}${'wall ms'.padStart(10)}${'peak RSS MiB'.padStart(14)}${'rows/s'.padStart(10)}${'ratio'.padStart(9)}\n`);
  for (const r of resultRows.filter((x) => x.group.startsWith(`${format} `))) {
    process.stdout.write(`${r.group.split(' ')[1].padEnd(6)}${r.name.padEnd(18)}${r.medianMs.toFixed(0).padStart(10)}${(r.peakRssMiB?.toFixed(0) ?? '?').padStart(14)}${M(r.rowsPerSecond).padStart(10)}${`${r.ratioToReference.toFixed(2)}×`.padStart(9)}${r.note ? `  (${r.note})` : ''}\n`);
  }
}
const result = {
  suite: resultName,
  // The commit measured is the snapshot's, not HEAD when the run ends.
  environment: { ...benchEnvironment(), commit: snapshot.commit },
  description: `Peer comparison on ${rows.toLocaleString('en-US')} synthetic rows (seed 42) written by sluice to CSV and NDJSON; whole fresh process per run, median of ${runs}, the engines taking turns run by run; peak RSS is the child's own getrusage maxRSS (median of runs). All engines' results checked equal (1e-9 relative) first. sluice is compiled from commit ${snapshot.commit} (git archive) with the addon built at that time. Ratios are to the fastest peer (polars, duckdb, plain-node) of the same format and query (referenceRow). sluice-native and sluice-js run with threads: 0 (main thread only); sluice-threads2 with a pool of 2 workers.`,
  // Each format × query has its own fastest peer; referenceRow names it.
  reference: 'fastest peer',
  rows: resultRows,
};
writeFileSync(join(root, 'bench', 'results', `${resultName}.json`), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`\nwrote bench/results/${resultName}.json\n`);
