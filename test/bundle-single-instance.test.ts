import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/runtime/errors.js';
import { sluice } from './helpers/cli.js';

// The plugin imports `sluice` (the package's own entry, as a user's plugin would) and throws its
// DataError; the CLI on the main thread and the worker module in each pool thread must see the
// very class they import themselves, or bad input is reported as a plain failure (exit code 1).
const plugin = new URL('./fixtures/bundle/bad-input.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(threads: number, inWorker: boolean) {
  const job = join(dir, `job-${threads}.yaml`);
  writeFileSync(
    job,
    `plugins: [${plugin}]\nthreads: ${threads}\nsource: { type: synthetic, rows: 1000000, split_rows: 2000, batch_size: 1000 }\n` +
      `transforms:\n  - { type: test_reject_row, in_worker: ${inWorker} }\nsink: { type: json_file, path: ${join(dir, `out-${threads}.json`)} }\n`,
  );
  return sluice(['run', job, '--log-level', 'silent']);
}

describe("the built CLI and a plugin importing 'sluice' share one module instance per thread", () => {
  it('on the main thread (threads: 0): the plugin\'s DataError is bad input, with its line', () => {
    const result = run(0, false);
    expect(result.stderr).toMatch(/^sluice: transforms\[0\] \(test_reject_row\): events:1: row 0 rejected on thread 0$/m);
    expect(result.status).toBe(ExitCode.badInput);
  });

  it('in a pool worker (threads: 2): the worker recognises the DataError the plugin threw there', () => {
    const result = run(2, true);
    expect(result.stderr).toMatch(/^sluice: transforms\[0\] \(test_reject_row\): events:\d+: row \d+ rejected on thread [1-9]\d*$/m);
    expect(result.status).toBe(ExitCode.badInput);
  });
});
