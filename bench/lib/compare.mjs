// `npm run bench:compare -- --suite NAME [suite arguments]`: the committed ratios of a suite
// (bench/results/NAME.json at HEAD) against today's (the suite run now), row by row:
// committed ratio, today's ratio, and today / committed (< 1: the row got faster relative to
// its reference). The run rewrites bench/results/NAME.json, ready to commit with an
// optimisation (bench/README.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, discoverSuites, resultsDir, selectSuites } from './suites.mjs';
import { writeResults } from './render.mjs';

const argv = process.argv.slice(2);
const at = argv.indexOf('--suite');
if (at < 0 || !argv[at + 1]) {
  process.stderr.write('usage: npm run bench:compare -- --suite NAME [suite arguments]\n');
  process.exit(2);
}
const name = argv[at + 1];
const passThrough = argv.filter((_, i) => i !== at && i !== at + 1);
let suite;
try {
  [suite] = selectSuites(discoverSuites(), [name]);
} catch (error) {
  process.stderr.write(`bench:compare: ${error.message}\n`);
  process.exit(2);
}

const key = (row) => `${row.group ?? ''}\u0000${row.name}`;
let committed = null;
try {
  committed = JSON.parse(execFileSync('git', ['show', `HEAD:bench/results/${name}.json`], { cwd: join(benchDir, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
} catch {
  process.stdout.write(`bench:compare: no committed bench/results/${name}.json at HEAD; today's run only\n`);
}
if (committed && !Array.isArray(committed.rows)) {
  process.stderr.write(`bench:compare: the committed ${name}.json has no rows (an older shape); nothing to compare\n`);
  process.exit(2);
}

const child = spawnSync(process.execPath, ['--expose-gc', suite.file, ...passThrough], { stdio: 'inherit' });
if (child.status !== 0) {
  process.stderr.write(`bench:compare: suite ${name} failed (exit ${child.status ?? child.signal})\n`);
  process.exit(1);
}
const today = JSON.parse(readFileSync(join(resultsDir, `${name}.json`), 'utf8'));
writeResults(resultsDir, join(benchDir, 'RESULTS.md'));

const before = new Map((committed?.rows ?? []).map((r) => [key(r), r]));
const fmt = (x) => (typeof x === 'number' ? `${x.toFixed(3)}×` : '-');
process.stdout.write(`\n${name}: ratio to ${today.reference}; committed at ${committed?.environment?.commit ?? '-'}, today at ${today.environment?.commit ?? '-'} (+ working tree)\n`);
process.stdout.write(`${'row'.padEnd(80)}${'committed'.padStart(11)}${'today'.padStart(11)}${'today/committed'.padStart(17)}\n`);
for (const row of today.rows) {
  const old = before.get(key(row));
  before.delete(key(row));
  const quotient = old && old.ratioToReference > 0 ? row.ratioToReference / old.ratioToReference : null;
  const label = `${row.group ? `${row.group} / ` : ''}${row.name}`;
  process.stdout.write(`${label.slice(0, 79).padEnd(80)}${fmt(old?.ratioToReference).padStart(11)}${fmt(row.ratioToReference).padStart(11)}${(quotient === null ? 'new row' : quotient.toFixed(3)).padStart(17)}\n`);
}
for (const old of before.values()) process.stdout.write(`${`${old.group ? `${old.group} / ` : ''}${old.name}`.slice(0, 79).padEnd(80)}${fmt(old.ratioToReference).padStart(11)}${'gone'.padStart(11)}\n`);
