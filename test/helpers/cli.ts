import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The node flags on the CLI's first line (`#!/usr/bin/env -S node FLAGS`), which `sluice` runs with. */
export function cliNodeFlags(): string[] {
  const first = readFileSync(cli, 'utf8').split('\n', 1)[0]!;
  const flags = /^#!\/usr\/bin\/env -S node(.*)$/.exec(first)?.[1]?.trim();
  if (flags === undefined) throw new Error(`the CLI's first line is not "#!/usr/bin/env -S node …": ${first}`);
  return flags === '' ? [] : flags.split(/\s+/);
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `sluice` CLI as a user would (the test script builds dist/ first). */
export function sluice(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [...cliNodeFlags(), cli, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
