import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

describe('the native build on a machine without Rust', () => {
  it('skips with one line on stderr and succeeds, so npm install succeeds', () => {
    // A PATH holding only node: no cargo anywhere.
    const result = spawnSync(process.execPath, ['scripts/build-native.mjs'], { cwd: repoRoot, env: { PATH: dirname(process.execPath) }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual(['sluice: no Rust toolchain found; skipping the native addon, sluice will run on its TypeScript kernels']);
  });
});
