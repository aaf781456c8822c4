// `npm run profile -- JOB [--name NAME] [--no-build]`: a 0x flamegraph of `sluice run JOB` with
// the native addon built in its `profiling` cargo profile (release code with symbols), written to
// profiles/<name>/ with a README.md (command, machine, top frames, conclusion).
//
// 0x samples one isolate: the main thread. Every stage runs there today (`threads:` is accepted
// but the worker pool is not built), so the profile is the `threads: 0` picture of the job; once
// the pool lands, profile with `threads: 0` to keep all work in the sampled isolate.
//
// Exits non-zero when no Rust frame (a symbol of sluice_core / sluice_node) was sampled: then the
// symbols were stripped, or the job never reached a native kernel, and the flamegraph cannot say
// where native time goes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnvironment } from '../bench/lib/env.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const take = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const name = take('--name');
const noBuild = args.includes('--no-build') ? args.splice(args.indexOf('--no-build'), 1) && true : false;
const [job] = args;
if (!job || args.length !== 1) {
  process.stderr.write('usage: npm run profile -- JOB [--name NAME] [--no-build]\n');
  process.exit(2);
}
const profileName = name ?? basename(job, extname(job));
const outDir = join(root, 'profiles', profileName);

function run(command, argv, options = {}) {
  const child = spawnSync(command, argv, { cwd: root, stdio: 'inherit', ...options });
  if (child.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed (exit ${child.status ?? child.signal})`);
  return child;
}

/** Self and inclusive sample counts per frame name, from 0x's --tree-debug stacks file. */
export function frameTotals(tree) {
  const self = new Map();
  const inclusive = new Map();
  const walk = (node, onPath) => {
    self.set(node.name, (self.get(node.name) ?? 0) + (node.top ?? 0));
    // A recursive frame counts once per stack for inclusive time.
    if (!onPath.has(node.name)) inclusive.set(node.name, (inclusive.get(node.name) ?? 0) + node.value);
    const path = new Set(onPath).add(node.name);
    for (const child of node.children ?? []) walk(child, path);
  };
  for (const child of tree.children ?? []) walk(child, new Set());
  return { total: tree.value, self, inclusive };
}

const isRust = (frame) => /sluice_(core|node)|sluice\.[\w-]+\.node/.test(frame);
const pct = (n, total) => `${((n / total) * 100).toFixed(1)}%`;
const top = (map, n, filter = () => true) => [...map].filter(([f]) => filter(f)).sort((a, b) => b[1] - a[1]).slice(0, n);

let failure = null;
try {
  if (!noBuild) run(process.execPath, ['scripts/build-native.mjs', '--profile', 'profiling']);
  const work = mkdtempSync(join(tmpdir(), 'sluice-profile-'));
  const command = ['0x', '--tree-debug', '-D', work, '--', 'node', 'dist/cli/main.js', 'run', job];
  run(join(root, 'node_modules/.bin/0x'), command.slice(1));
  const stacksFile = readdirSync(work).find((f) => /^stacks\.\d+\.json$/.test(f));
  if (!stacksFile) throw new Error(`0x wrote no stacks file in ${work}`);
  const { total, self, inclusive } = frameTotals(JSON.parse(readFileSync(join(work, stacksFile), 'utf8')).merged);
  mkdirSync(outDir, { recursive: true });
  copyFileSync(join(work, 'flamegraph.html'), join(outDir, 'flamegraph.html'));

  // V8's sampler cannot attribute native time: the addon is dlopen'ed after V8 logged the
  // process's shared libraries, so its ticks land on the JS frame that called it. perf (when
  // installed and allowed) samples every thread's machine stack and resolves the addon's symbols.
  const perfData = join(work, 'perf.data');
  const perfRun = spawnSync('perf', ['record', '-F', '499', '-g', '-o', perfData, '--', process.execPath, '--perf-basic-prof', 'dist/cli/main.js', 'run', job, '--quiet'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const perfLines = [];
  if (perfRun.status === 0) {
    const report = spawnSync('perf', ['report', '-i', perfData, '--stdio', '--no-children', '--sort', 'dso,sym', '-g', 'none'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
    for (const line of report.stdout.split('\n')) {
      const m = /^\s+([\d.]+)%\s+(\S+)\s+\[.\]\s+(.*)$/.exec(line);
      if (m) perfLines.push({ share: Number(m[1]), dso: m[2], symbol: m[3].length > 140 ? `${m[3].slice(0, 140)}…` : m[3] });
    }
  }
  rmSync(work, { recursive: true, force: true });
  const rust = perfLines.filter((l) => isRust(l.dso) || isRust(l.symbol));
  const perfTable = (lines) => ['| share | library | symbol |', '|---:|---|---|', ...lines.map((l) => `| ${l.share.toFixed(2)}% | ${l.dso} | \`${l.symbol.replaceAll('|', '\\|').replaceAll('`', "'")}\` |`)].join('\n');
  const readme = join(outDir, 'README.md');
  const previousConclusion = existsSync(readme) ? readFileSync(readme, 'utf8').split('\n## Conclusion\n')[1] : undefined;
  const env = benchEnvironment();
  const table = (rows) => ['| samples | share | frame |', '|---:|---:|---|', ...rows.map(([f, n]) => `| ${n} | ${pct(n, total)} | \`${f.replaceAll('|', '\\|').replaceAll('`', "'")}\` |`)].join('\n');
  const text = `# Profile: ${profileName}

Flamegraph: [flamegraph.html](flamegraph.html) (open in a browser).

## Command

\`\`\`sh
npm run profile -- ${job}${name ? ` --name ${name}` : ''}
# = node scripts/build-native.mjs --profile profiling, then
#   npx ${command.slice(0, 3).join(' ')} <tmp> -- ${command.slice(4).join(' ')}
#   then node scripts/build-native.mjs (release again)
\`\`\`

Threads: 0x samples the main isolate only. Every stage runs on the main thread today (\`threads:\`
is accepted but the worker pool is not built), so this is the \`threads: 0\` picture.

## Machine

${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB; Node ${env.node}; ${env.rustc}; commit ${env.commit}; ${env.date}.
Shared machine: other builds and tests ran at the same time, so absolute sample counts are noisy.

## Top frames by self time (${total} samples)

${table(top(self, 15))}

## Top frames by inclusive time

${table(top(inclusive, 15, (f) => !/^\(anonymous\) node:internal|\[INIT\]$/.test(f)))}

Native code called from JS (the addon's kernels and parsers) shows in the flamegraph as self time of
the JS frame that calls it: V8's sampler cannot resolve addresses in a library loaded after
start-up. The next section resolves them.

## Native frames by self time (perf, all threads)

\`perf record -F 499 -g -- node --perf-basic-prof dist/cli/main.js run ${job} --quiet\`, a second
run of the same job; this view includes V8's GC helper threads and the kernel.

${perfLines.length > 0 ? perfTable(perfLines.slice(0, 20)) : `perf was not available or not permitted (${(perfRun.error?.message ?? perfRun.stderr ?? '').split('\n')[0]}).`}

## Rust frames (sluice symbols)

${rust.length > 0 ? perfTable(rust.slice(0, 10)) : '**None sampled**: the addon was stripped, perf was not available, or no native code ran long enough to be sampled.'}

## Conclusion
${previousConclusion ?? '\n(To fill: where the time goes and what to optimise first.)\n'}`;
  writeFileSync(readme, text);
  process.stdout.write(`profile: wrote ${relative(root, outDir)}/flamegraph.html and README.md (${total} samples, ${rust.length} Rust frames)\n`);
  if (rust.length === 0) failure = 'no Rust (sluice) frames were sampled';
} catch (error) {
  failure = error.message;
} finally {
  if (!noBuild) {
    const release = spawnSync(process.execPath, ['scripts/build-native.mjs'], { cwd: root, stdio: 'inherit' });
    if (release.status !== 0) failure ??= 'rebuilding the release addon failed';
  }
}
if (failure) {
  process.stderr.write(`profile: ${failure}\n`);
  process.exit(1);
}
