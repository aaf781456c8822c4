// A/B of two builds on CSV Q2 (10M rows) run inside one Node process started without flags, as a
// program embedding sluice would: threads 1 and 2 on a lent warm pool, and on a pool per run.
// Each build runs in its own child process (ROUNDS runs of each arm, after one warm-up run), the
// builds alternating; repeated `--repeat` times. Writes bench/results/SUITE.json (default
// worker-heap), its description naming what each build is.
// Usage: node profiles/worker-heap/ab.mjs before=ROOT1 after=ROOT2 [--rounds 4] [--repeat 3]
//          [--suite NAME] [--describe 'before = <commit>, after = <commit>']
//   (a ROOT holds dist/ and native/, as a checkout after `npm run build`)
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from '../../bench/lib/peer-results.mjs';
import { writeResult } from '../../bench/lib/tiny.mjs';

/** The value after `--name` on the command line, or `fallback`. */
const named = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const here = fileURLToPath(import.meta.url);
const ARMS = [
  { name: 'threads: 1, lent warm pool', threads: 1, lent: true },
  { name: 'threads: 2, lent warm pool', threads: 2, lent: true },
  { name: 'threads: 1, a pool per run', threads: 1, lent: false },
  { name: 'threads: 2, a pool per run', threads: 2, lent: false },
];

if (process.argv[2] === '--child') {
  // One build: its arms interleaved, run by run; prints the times as JSON.
  const root = process.argv[3];
  const rounds = Number(process.argv[4]);
  const { Pipeline } = await import(pathToFileURL(`${root}/dist/runtime/pipeline.js`).href);
  const { WorkerPool } = await import(pathToFileURL(`${root}/dist/runtime/pool.js`).href);
  const data = fileURLToPath(new URL('../../bench/data/events-10000000.csv', import.meta.url));
  const spec = {
    source: { type: 'csv', path: data },
    transforms: [
      { type: 'threshold_filter', column: 'value', op: 'gt', value: 90 },
      { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }, { fn: 'mean', column: 'value', as: 'mean' }, { fn: 'min', column: 'value', as: 'min' }, { fn: 'max', column: 'value', as: 'max' }] },
    ],
  };
  const pools = {};
  const once = async (arm) => {
    if (arm.lent) pools[arm.threads] ??= new WorkerPool({ threads: arm.threads });
    const pipeline = await Pipeline.fromJob({ ...spec, threads: arm.threads }, { baseDir: root });
    const started = performance.now();
    await pipeline.collect(arm.lent ? { pool: pools[arm.threads] } : {});
    return performance.now() - started;
  };
  for (const arm of ARMS) await once(arm);
  const times = ARMS.map(() => []);
  for (let r = 0; r < rounds; r++) for (const [i, arm] of ARMS.entries()) times[i].push(await once(arm));
  await Promise.all(Object.values(pools).map((pool) => pool.close()));
  process.stdout.write(JSON.stringify(times));
  process.exit(0);
}

const builds = process.argv.slice(2).filter((a) => /^\w+=/.test(a)).map((a) => ({ label: a.split('=')[0], root: a.slice(a.indexOf('=') + 1), times: ARMS.map(() => []) }));
if (builds.length !== 2) throw new Error('usage: ab.mjs before=ROOT1 after=ROOT2 [--rounds N] [--repeat N]');
const rounds = Number(named('--rounds', 4));
const repeat = Number(named('--repeat', 3));
for (let k = 0; k < repeat; k++) {
  for (const build of builds) {
    const child = spawnSync(process.execPath, [here, '--child', build.root, String(rounds)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${build.label}: exit ${child.status}\n${child.stderr}`);
    JSON.parse(child.stdout).forEach((ms, i) => build.times[i].push(...ms));
    process.stderr.write(`${build.label} (${k + 1}/${repeat}): ${ARMS.map((arm, i) => `${arm.name} ${median(build.times[i]).toFixed(0)}`).join(', ')}\n`);
  }
}
const [before, after] = builds;
const rows = builds.flatMap((build) =>
  ARMS.map((arm, i) => ({
    name: `${build.label}: ${arm.name}`,
    medianMs: median(build.times[i]),
    ratioToReference: median(build.times[i]) / median(before.times[i]),
    // threads 2 over threads 1 of the same pool kind, run by run (neighbours in time), then the median.
    pairedSpeedUpOverThreads1: arm.threads === 2 ? median(build.times[i - 1].map((ms, r) => ms / build.times[i][r])) : 1,
    runs: build.times[i].length,
    runsMs: build.times[i].map(Math.round),
  })),
);
const describe = named('--describe', `${before.label} = ${before.root}, ${after.label} = ${after.root}`);
writeResult(named('--suite', 'worker-heap'), `CSV Q2 (10M rows) run in one process started without flags (profiles/worker-heap/ab.mjs); ${describe}, each a built copy of the tree`, `${before.label}, same arm`, rows);
for (const row of rows) process.stdout.write(`${row.name.padEnd(42)} ${row.medianMs.toFixed(0).padStart(5)} ms  ${row.ratioToReference.toFixed(3)}× ${before.label}  threads 2 / 1: ${row.pairedSpeedUpOverThreads1.toFixed(2)}×\n`);
