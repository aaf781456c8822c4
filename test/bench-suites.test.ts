import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { discoverSuites, selectSuites } from '../bench/lib/suites.mjs';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function benchFolder(): string {
  dir = mkdtempSync(join(tmpdir(), 'sluice-suites-'));
  writeFileSync(join(dir, 'kernels.mjs'), '// kernel twins\n');
  writeFileSync(join(dir, 'peers.mjs'), '// bench: manual\n// long\n');
  writeFileSync(join(dir, 'notes.md'), '# not a suite\n');
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib', 'helper.mjs'), '');
  return dir;
}

test('every top-level bench/*.mjs is a suite; lib/ and other files are not', () => {
  expect(discoverSuites(benchFolder()).map((s) => [s.name, s.manual])).toEqual([
    ['kernels', false],
    ['peers', true],
  ]);
});

test('without --suite the manual suites are skipped; named, they run; an unknown name lists the suites', () => {
  const all = discoverSuites(benchFolder());
  expect(selectSuites(all, []).map((s) => s.name)).toEqual(['kernels']);
  expect(selectSuites(all, ['peers']).map((s) => s.name)).toEqual(['peers']);
  expect(() => selectSuites(all, ['kernel'])).toThrow('--suite: no suite "kernel" (suites: kernels, peers)');
});
