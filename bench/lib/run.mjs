// `npm run bench [-- --suite NAME ...] [--list] [suite arguments]`: runs suites one at a time,
// each in a fresh process (so one suite's heap and JIT state cannot colour the next), then
// regenerates bench/RESULTS.md from every result file. Arguments it does not know are passed to
// each suite (e.g. `--rows 1000000`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { benchDir, discoverSuites, resultsDir, selectSuites } from './suites.mjs';
import { writeResults } from './render.mjs';

const names = [];
const passThrough = [];
let list = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--suite') names.push(...(argv[++i] ?? '').split(',').filter(Boolean));
  else if (argv[i].startsWith('--suite=')) names.push(...argv[i].slice(8).split(',').filter(Boolean));
  else if (argv[i] === '--list') list = true;
  else passThrough.push(argv[i]);
}

const all = discoverSuites();
if (list) {
  for (const s of all) process.stdout.write(`${s.name}${s.manual ? ' (manual: run with --suite)' : ''}\n`);
  process.exit(0);
}
let suites;
try {
  suites = selectSuites(all, names);
} catch (error) {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(2);
}
const failed = [];
for (const suite of suites) {
  process.stdout.write(`\n=== ${suite.name} ===\n`);
  const child = spawnSync(process.execPath, ['--expose-gc', suite.file, ...passThrough], { stdio: 'inherit' });
  if (child.status !== 0) failed.push(`${suite.name} (exit ${child.status ?? child.signal})`);
}
writeResults(resultsDir, join(benchDir, 'RESULTS.md'));
process.stdout.write(`\nwrote bench/RESULTS.md\n`);
if (failed.length > 0) {
  process.stderr.write(`bench: failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
