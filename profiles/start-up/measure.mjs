// Start-up figures of two builds of sluice, measured interleaved (one run of each per round, in
// turn), so that a busy machine slows both alike. A build is a checkout (or a copy with src/,
// package.json, native/ and node_modules/) whose dist/ is built: tsc alone, or tsc + bundle.
//
//   node profiles/start-up/measure.mjs BEFORE_ROOT AFTER_ROOT [--rounds N] [--only a,b]
//
// Per measure it prints each build's median and AFTER/BEFORE. Wall time and user+sys CPU of the
// whole process come from /usr/bin/time; the import time is measured inside the process.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args.splice(at, 2)[1];
};
const rounds = Number(option('--rounds', '5'));
const only = option('--only', undefined)?.split(',');
const roots = args;
if (roots.length !== 2) throw new Error('usage: measure.mjs BEFORE_ROOT AFTER_ROOT [--rounds N] [--only names]');

const cliFlags = (root) => {
  const first = readFileSync(join(root, 'dist/cli/main.js'), 'utf8').split('\n', 1)[0];
  return (/^#!.*\bnode\b(.*)$/.exec(first)?.[1].trim() ?? '').split(/\s+/).filter(Boolean);
};
const sluice = (root, ...rest) => [...cliFlags(root), join(root, 'dist/cli/main.js'), ...rest];
const importScript = 'const t = performance.now(); await import(process.argv[1]); console.log(performance.now() - t);';

/** name → node arguments for a build; `inner` measures are the number the process prints. */
const measures = {
  'import sluice (ms, in process)': { inner: true, argv: (root) => ['--input-type=module', '-e', importScript, join(root, 'dist/index.js')] },
  'import worker module (ms, in process)': { inner: true, argv: (root) => ['--input-type=module', '-e', importScript, join(root, 'dist/runtime/worker.js')] },
  'sluice --help': { argv: (root) => sluice(root, '--help') },
  ...Object.fromEntries([0, 1, 2].map((t) => [`small 200K threads ${t}`, { argv: (root) => sluice(root, 'run', `/tmp/small-t${t}.yaml`, '--no-progress', '--log-level', 'warn') }])),
  ...Object.fromEntries([1, 2].map((t) => [`CSV Q2 10M threads ${t}`, { argv: (root) => sluice(root, 'run', `/tmp/q2-t${t}.yaml`, '--no-progress', '--log-level', 'warn') }])),
};

function once(measure, root) {
  const run = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S', process.execPath, ...measure.argv(root)], { encoding: 'utf8', cwd: root });
  if (run.status !== 0) throw new Error(`${measure.argv(root).join(' ')} failed: ${run.stderr}`);
  const [wall, user, sys] = /TIME (\S+) (\S+) (\S+)/.exec(run.stderr).slice(1).map(Number);
  return measure.inner ? { inner: Number(run.stdout.trim().split('\n').at(-1)) } : { wall: wall * 1000, cpu: (user + sys) * 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, measure] of Object.entries(measures)) {
  if (only && !only.some((o) => name.includes(o))) continue;
  const got = roots.map(() => []);
  for (let r = 0; r < rounds; r++) roots.forEach((root, i) => got[i].push(once(measure, root)));
  const keys = Object.keys(got[0][0]);
  for (const key of keys) {
    const [before, after] = got.map((runs) => median(runs.map((x) => x[key])));
    const label = key === 'inner' ? name : `${name} ${key === 'wall' ? 'wall' : 'user+sys'} (ms)`;
    console.log(`${label.padEnd(44)} ${before.toFixed(0).padStart(6)} -> ${after.toFixed(0).padStart(6)}   ${(after / before).toFixed(2)}x`);
  }
}
