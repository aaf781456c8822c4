// A/B of two builds as whole `sluice run` processes: CSV Q2 on the canonical 10M-row file with
// threads 1 and 2, the four arms (two builds × two thread counts) interleaved round by round.
// Per arm: the process's wall time, its CPU (GNU time, all threads) and the run's own wall time
// (`wallMs` of the --json summary, from "run started"). Writes bench/results/SUITE.json.
// Usage: node profiles/jit-churn/ab.mjs before=ROOT1 after=ROOT2 [--rounds 8] [--suite jit-churn]
//          [--describe 'before = <commit>, after = <commit>']
//   (a ROOT holds dist/ and native/, as a checkout after `npm run build`)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../../bench/lib/peer-results.mjs';
import { timedRun } from '../../bench/lib/timed-run.mjs';
import { writeResult } from '../../bench/lib/tiny.mjs';

const named = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const root = fileURLToPath(new URL('../..', import.meta.url));
const builds = process.argv.slice(2).filter((a) => /^\w+=/.test(a)).map((a) => ({ label: a.split('=')[0], root: a.slice(a.indexOf('=') + 1) }));
if (builds.length !== 2) throw new Error('usage: ab.mjs before=ROOT1 after=ROOT2 [--rounds N] [--suite NAME]');
const rounds = Number(named('--rounds', 8));
// The committed peer job (its data and output paths are relative to it).
const job = join(root, 'bench/jobs/csv-q2.yaml');
const work = join(root, 'out/profiles/jit-churn');
mkdirSync(work, { recursive: true });
const arms = builds.flatMap((build) => [1, 2].map((threads) => ({ build, threads, wall: [], cpu: [], run: [] })));
for (let r = 0; r < rounds; r++) {
  for (const arm of arms) {
    const t = timedRun({ cli: join(arm.build.root, 'dist/cli/main.js'), job, threads: arm.threads, cwd: work });
    arm.wall.push(t.wallMs);
    arm.cpu.push(t.cpuMs);
    arm.run.push(t.runMs);
  }
  process.stderr.write(`round ${r + 1}/${rounds}: ${arms.map((a) => `${a.build.label} t${a.threads} ${Math.round(a.wall.at(-1))}/${Math.round(a.run.at(-1))}`).join(', ')}\n`);
}
const reference = (arm) => arms.find((a) => a.threads === arm.threads && a.build === builds[0]);
const threads1 = (arm) => arms.find((a) => a.threads === 1 && a.build === arm.build);
const paired = (num, den) => median(num.map((ms, i) => ms / den[i]));
const rows = arms.map((arm) => ({
  name: `${arm.build.label}: threads ${arm.threads}, whole process`,
  medianMs: median(arm.wall),
  ratioToReference: median(arm.wall) / median(reference(arm).wall),
  pairedRatioToReference: paired(arm.wall, reference(arm).wall),
  medianCpuMs: median(arm.cpu),
  medianRunMs: median(arm.run),
  runPairedRatioToReference: paired(arm.run, reference(arm).run),
  // threads 1 over threads 2 of the same build, round by round, then the median.
  pairedSpeedUpOverThreads1: paired(threads1(arm).wall, arm.wall),
  runPairedSpeedUpOverThreads1: paired(threads1(arm).run, arm.run),
  rounds,
}));
const describe = named('--describe', `${builds[0].label} = ${builds[0].root}, ${builds[1].label} = ${builds[1].root}`);
writeResult(
  named('--suite', 'jit-churn'),
  `CSV Q2 (10M rows) as whole \`sluice run\` processes, threads 1 and 2, ${rounds} rounds with the four arms interleaved (profiles/jit-churn/ab.mjs); ${describe}. ratioToReference: median wall over ${builds[0].label}'s for the same thread count (pairedRatioToReference: the median of the round-by-round ratios; runPairedRatioToReference the same for the run alone, wallMs of the --json summary); medianCpuMs: the process's CPU, all threads; pairedSpeedUpOverThreads1: threads 1 over threads 2 of the same build, round by round`,
  `${builds[0].label}, same thread count`,
  rows,
);
for (const row of rows) {
  process.stdout.write(
    `${row.name.padEnd(36)} wall ${row.medianMs.toFixed(0).padStart(5)} ms (${row.pairedRatioToReference.toFixed(3)}×)  run ${row.medianRunMs.toFixed(0).padStart(4)} ms (${row.runPairedRatioToReference.toFixed(3)}×)  cpu ${row.medianCpuMs.toFixed(0)} ms  t1/t2 ${row.pairedSpeedUpOverThreads1.toFixed(2)}× (run ${row.runPairedSpeedUpOverThreads1.toFixed(2)}×)\n`,
  );
}
