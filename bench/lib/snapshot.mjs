// A private build of the committed sluice for long benchmark runs. Four engineers share this
// checkout: their `npm test` rebuilds dist/ mid-run (a 10M-row peers run once died on a half-built
// dist/). So long suites run a copy compiled from HEAD (git archive), with node_modules linked
// and the addon copied from native/ at snapshot time.
import { execFileSync, execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Builds `<dir>` from HEAD and returns { cli, commit }; the entry point is <dir>/dist/cli/main.js. */
export function snapshotBuild(root, dir) {
  const commit = execSync('git rev-parse --short HEAD', { cwd: root, encoding: 'utf8' }).trim();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execSync(`git archive HEAD src native scripts tsconfig.json package.json | tar -x -C '${dir}'`, { cwd: root, stdio: 'inherit' });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const f of readdirSync(join(root, 'native')).filter((n) => n.endsWith('.node'))) copyFileSync(join(root, 'native', f), join(dir, 'native', f));
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  // As `npm run build` does: the CLI, the package entry and the worker module from the bundle.
  if (existsSync(join(dir, 'scripts', 'bundle.mjs'))) execFileSync(process.execPath, [join(dir, 'scripts', 'bundle.mjs')], { cwd: dir, stdio: 'inherit' });
  const cli = join(dir, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`snapshot build wrote no ${cli}`);
  return { cli, commit };
}

/**
 * The node flags the `sluice` command runs with, from its first line (`#!/usr/bin/env -S node
 * FLAGS`): benchmarks start `node FLAGS cli …` so that they measure the command as users run it.
 */
export function cliNodeFlags(cli) {
  const first = readFileSync(cli, 'utf8').split('\n', 1)[0];
  const flags = /^#!.*\bnode\b(.*)$/.exec(first)?.[1].trim() ?? '';
  return flags === '' ? [] : flags.split(/\s+/);
}
