import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool, WorkerStartError } from '../src/runtime/pool.js';
import { repoRoot } from './helpers/cli.js';

const plugin = new URL('./fixtures/startup/never-imports.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a plugin whose top level never settles in a worker', () => {
  it("fails the pool's start after the limit, naming the plugin file, and close does not wait for it", async () => {
    const pool = new WorkerPool({ threads: 2, startLimitMs: 1000 });
    const error = await pool.hello([plugin], dir).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toContain(`plugins[0] ${plugin}`);
    expect((error as Error).message).toContain('within 1000 ms');
    // close() otherwise waits up to 5 s for imports to end; this one never will.
    const began = Date.now();
    await pool.close();
    expect(Date.now() - began).toBeLessThan(4000);
  });

  it('does not hang `sluice run`: the run goes on without the pool, with a warning naming the plugin', () => {
    const out = join(dir, 'out.json');
    writeFileSync(
      join(dir, 'job.yaml'),
      `plugins: [${plugin}]\nthreads: 2\nsource: { type: synthetic, rows: 4000, split_rows: 1000, batch_size: 500 }\n` +
        `transforms:\n  - { type: never_imports_pass }\n  - { type: threshold_filter, column: value, op: gt, value: 50 }\nsink: { type: json_file, path: ${out} }\n`,
    );
    // Split 0 only on the main thread: the rest waits for the pool, which without a limit never starts.
    const result = spawnSync(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'run', join(dir, 'job.yaml'), '--json', '--log-level', 'warn'], {
      cwd: repoRoot,
      env: { ...process.env, SLUICE_WORKER_START_MS: '1000', SLUICE_HEAD_START: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('the worker pool did not start');
    expect(result.stderr).toContain(`plugins[0] ${plugin}`);
    const summary = JSON.parse(result.stdout) as { stages: { rowsIn: number; rowsOut: number; workerThreads: boolean }[] };
    expect(summary.stages.map((s) => s.workerThreads)).toEqual([false, false, false, false]);
    expect(summary.stages[0]!.rowsOut).toBe(4000);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as { value: number }[];
    expect(rows.length).toBe(summary.stages[2]!.rowsOut);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.value > 50)).toBe(true);
  });
});
