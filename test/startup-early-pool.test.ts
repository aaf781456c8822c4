import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

const counter = new URL('./fixtures/startup/count-workers.cjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sluice-early-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `sluice run` with a preload that counts the worker threads started. */
function run(job: string): { status: number | null; signal: string | null; stderr: string; workers: number; summary: { stages: { rowsOut: number; workerThreads: boolean }[] } } {
  const file = join(dir, `job-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, job);
  const result = spawnSync(process.execPath, ['-r', counter, join(repoRoot, 'dist/cli/main.js'), 'run', file, '--json', '--log-level', 'warn'], {
    cwd: repoRoot,
    env: { ...process.env, SLUICE_HEAD_START: '0' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const workers = Number(/workers started: (\d+)/.exec(result.stderr)?.[1]);
  return { status: result.status, signal: result.signal, stderr: result.stderr.replace(/workers started: \d+\n/, ''), workers, summary: JSON.parse(result.stdout || '{"stages":[]}') };
}

describe('sluice run with threads: starts its pool before planning', () => {
  it('and the run uses that pool: threads workers in all, not a second pool', () => {
    const out = join(dir, 'many.json');
    const r = run(`threads: 2\nsource: { type: synthetic, rows: 8000, split_rows: 1000, batch_size: 500 }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: 50 }\nsink: { type: json_file, path: ${out} }\n`);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.workers).toBe(2);
    // Split 0 on the main thread (SLUICE_HEAD_START=0), the other 7 on the workers.
    expect(r.summary.stages.map((s) => s.workerThreads)).toEqual([true, true, false]);
    expect((JSON.parse(readFileSync(out, 'utf8')) as unknown[]).length).toBe(r.summary.stages[1]!.rowsOut);
  });

  it('and a run that does not use it (one split) still ends by itself, with its output', () => {
    const out = join(dir, 'one.json');
    const r = run(`threads: 2\nsource: { type: synthetic, rows: 500, split_rows: 1000 }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: 50 }\nsink: { type: json_file, path: ${out} }\n`);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.workers).toBe(2);
    expect(r.summary.stages.map((s) => s.workerThreads)).toEqual([false, false, false]);
    expect((JSON.parse(readFileSync(out, 'utf8')) as unknown[]).length).toBe(r.summary.stages[1]!.rowsOut);
  });

  it('and an invalid job still fails at once with its problems (the pool closes in the background)', () => {
    const r = run(`threads: 2\nsource: { type: synthetic, rows: 500 }\ntransforms:\n  - { type: threshold_filter, column: valeu, op: gt, value: 50 }\nsink: { type: json_file, path: ${join(dir, 'never.json')} }\n`);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('transforms[0].column');
  });
});
