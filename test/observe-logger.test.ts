import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function badCsvJob(): string {
  dir = mkdtempSync(join(tmpdir(), 'sluice-log-'));
  const lines = ['id,value', ...Array.from({ length: 3000 }, (_, i) => `${i},${i === 2000 ? 'oops' : i}`)];
  writeFileSync(join(dir, 'data.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'job.yaml'), 'source: { type: csv, path: data.csv, schema: { id: int64, value: float64 } }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: 1 }\nsink: { type: json_file, path: out.json }\n');
  return join(dir, 'job.yaml');
}

const jsonLines = (text: string) => text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('structured logs', () => {
  it('are JSON lines on stderr when it is not a terminal, each carrying the run id', () => {
    const result = sluice(['run', badCsvJob()]);
    expect(result.status).toBe(3);
    const lines = jsonLines(result.stderr);
    expect(lines.map((l) => l.msg)).toEqual(['run started', 'run failed']);
    const runIds = new Set(lines.map((l) => l.runId));
    expect(runIds.size).toBe(1);
    expect([...runIds][0]).toMatch(/^[0-9a-f-]{36}$/);
    // The paragraph for the person reading stderr is still there, after the log lines.
    expect(result.stderr).toContain('sluice: source (csv): ');
  });

  it('name the stage (index, place, type) a line is about', () => {
    const failed = jsonLines(sluice(['run', badCsvJob()]).stderr).find((l) => l.msg === 'run failed')!;
    expect(failed).toMatchObject({ level: 'error', stage: { index: 0, place: 'source', type: 'csv' }, exitCode: 3, error: { name: 'StageError' } });
    expect((failed.error as { message: string }).message).toContain('data.csv:2002');
  });

  it('--log-level debug adds a line per stage with its metrics', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-log-'));
    writeFileSync(join(dir, 'job.yaml'), 'source: { type: synthetic, rows: 1000 }\nsink: { type: json_file, path: out.json }\n');
    const lines = jsonLines(sluice(['run', join(dir, 'job.yaml'), '--log-level', 'debug', '--quiet']).stderr);
    const finished = lines.filter((l) => l.msg === 'stage finished');
    expect(finished.map((l) => l.stage)).toEqual([{ index: 0, place: 'source', type: 'synthetic' }, { index: 1, place: 'sink', type: 'json_file' }]);
    expect(finished[0]!.metrics).toMatchObject({ rowsOut: 1000 });
  });

  it('--log-level error keeps only errors', () => {
    const lines = jsonLines(sluice(['run', badCsvJob(), '--log-level', 'error']).stderr);
    expect(lines.map((l) => l.level)).toEqual(['error']);
  });

  it('--log-file moves the lines into a file and leaves stderr to the error paragraph', () => {
    const job = badCsvJob();
    const logFile = join(dir!, 'logs', 'run.log');
    const result = sluice(['run', job, '--log-file', logFile]);
    expect(result.status).toBe(3);
    expect(jsonLines(result.stderr)).toEqual([]);
    expect(result.stderr).toMatch(/^sluice: source \(csv\): /);
    expect(jsonLines(readFileSync(logFile, 'utf8')).map((l) => l.msg)).toEqual(['run started', 'run failed']);
  });

  it('an unknown --log-level is a usage error (exit 2) listing the levels', () => {
    const result = sluice(['run', 'jobs/main.yaml', '--log-level', 'loud']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Allowed choices are trace, debug, info, warn, error, fatal, silent');
  });
});
