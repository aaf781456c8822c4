// A/B of reading through mappings (default) against copies (SLUICE_MAPPED_READS=0): whole
// `sluice run` processes of Q2 on the canonical 10M-row CSV (or NDJSON) file with threads 0, 1 and
// 2, the six arms interleaved round by round. Per arm: the process's wall time, its CPU (GNU time,
// all threads), and the run's own wall time (`wallMs` of the --json summary: from "run started",
// so without Node's start and the imports). Writes bench/results/{csv,ndjson}-mapped.json.
// Usage: node profiles/csv-mapped/ab.mjs [--rounds N] [--format csv|ndjson]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../../bench/lib/peer-results.mjs';
import { timedRun } from '../../bench/lib/timed-run.mjs';
import { writeResult } from '../../bench/lib/tiny.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const i = process.argv.indexOf('--rounds');
const rounds = i > 0 ? Number(process.argv[i + 1]) : 7;
const f = process.argv.indexOf('--format');
const format = f > 0 ? process.argv[f + 1] : 'csv';
if (format !== 'csv' && format !== 'ndjson') throw new Error(`--format must be csv or ndjson (got ${format})`);
const cli = join(root, 'dist/cli/main.js');
const work = join(root, 'out/profiles/csv-mapped');
mkdirSync(work, { recursive: true });
const job = join(work, `${format}-q2.yaml`);
writeFileSync(
  job,
  `source: { type: ${format}, path: ${join(root, `bench/data/events-10000000.${format}`)} }
transforms:
  - { type: threshold_filter, column: value, op: gt, value: 90 }
  - type: aggregate
    group_by: [category]
    aggregates: [{ fn: count, as: n }, { fn: sum, column: value, as: total }, { fn: mean, column: value, as: mean }, { fn: min, column: value, as: min }, { fn: max, column: value, as: max }]
sink: { type: json_file, path: ${format}-q2.json }
`,
);

const arms = [];
for (const mapped of [true, false]) for (const threads of [0, 1, 2]) arms.push({ mapped, threads, wall: [], cpu: [], run: [] });
for (let r = 0; r < rounds; r++) {
  for (const arm of arms) {
    const { wallMs: wall, cpuMs, runMs } = timedRun({ cli, job, threads: arm.threads, cwd: root, env: { SLUICE_MAPPED_READS: arm.mapped ? '1' : '0' } });
    arm.wall.push(wall);
    arm.cpu.push(cpuMs);
    arm.run.push(runMs);
  }
  process.stderr.write(`round ${r + 1}: ${arms.map((a) => `${a.mapped ? 'mapped' : 'copied'} t${a.threads} ${a.wall.at(-1).toFixed(0)}/${a.run.at(-1).toFixed(0)}`).join(', ')}\n`);
}
const copiedOf = (arm) => arms.find((a) => !a.mapped && a.threads === arm.threads);
const oneOf = (arm) => arms.find((a) => a.mapped === arm.mapped && a.threads === 1);
const rows = arms.map((arm) => ({
  name: `${arm.mapped ? 'mapped' : 'copied'}, threads: ${arm.threads}`,
  medianMs: median(arm.wall),
  ratioToReference: median(arm.wall) / median(copiedOf(arm).wall),
  medianCpuMs: median(arm.cpu),
  medianRunMs: median(arm.run),
  // Round by round, then the median: neighbours in time share the machine's state.
  pairedWallOverCopied: median(arm.wall.map((ms, r) => ms / copiedOf(arm).wall[r])),
  pairedRunSpeedUpOverThreads1: median(oneOf(arm).run.map((ms, r) => ms / arm.run[r])),
  pairedWallSpeedUpOverThreads1: median(oneOf(arm).wall.map((ms, r) => ms / arm.wall[r])),
  rounds,
  wallMs: arm.wall.map(Math.round),
  runMs: arm.run.map(Math.round),
}));
writeResult(`${format}-mapped`, `${format.toUpperCase()} Q2 (10M rows) as whole sluice run processes, read through mappings of the file against copies (SLUICE_MAPPED_READS=0); ratioToReference: wall time over the copied arm with the same threads`, 'copied, same threads', rows);
for (const row of rows) {
  process.stdout.write(
    `${row.name.padEnd(22)} wall ${row.medianMs.toFixed(0).padStart(5)} ms (${row.pairedWallOverCopied.toFixed(3)}× copied)  cpu ${row.medianCpuMs.toFixed(0).padStart(5)} ms  run ${row.medianRunMs.toFixed(0).padStart(4)} ms  speed-up over threads 1: run ${row.pairedRunSpeedUpOverThreads1.toFixed(2)}×, wall ${row.pairedWallSpeedUpOverThreads1.toFixed(2)}×\n`,
  );
}
