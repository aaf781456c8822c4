import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeProgress, progressBar, progressState } from '../src/observe/progress.js';
import { sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function longJob(): string {
  dir = mkdtempSync(join(tmpdir(), 'sluice-progress-'));
  writeFileSync(
    join(dir, 'job.yaml'),
    'source: { type: synthetic, rows: 3000000 }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: 50 }\n  - { type: aggregate, group_by: [category], aggregates: [{ fn: count, as: n }] }\nsink: { type: json_file, path: out.json }\n',
  );
  return join(dir, 'job.yaml');
}

const progressLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.progress !== undefined);

describe('progress when stderr is not a terminal', () => {
  it('is a plain log line every interval, with rows rising, rate, share done and ETA', () => {
    const result = sluice(['run', longJob(), '--progress-interval', '100']);
    expect(result.status).toBe(0);
    const lines = progressLines(result.stderr);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const rows = lines.map((l) => l.progress.rows as number);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(rows[rows.length - 1]).toBeGreaterThan(rows[0]!);
    expect(lines.every((l) => typeof l.runId === 'string' && l.level === 'info')).toBe(true);
    expect(lines[lines.length - 1].msg).toMatch(/^progress: [\d,]+ rows, [\d.,]+ (M )?rows\/s, \d+%, ETA \d+s$/);
    // Progress never reaches stdout: that is for the summary.
    expect(result.stdout).not.toContain('progress:');
  });

  it('is silenced by --quiet and by --no-progress', () => {
    const job = longJob();
    for (const flag of ['--quiet', '--no-progress']) {
      const result = sluice(['run', job, '--progress-interval', '100', flag]);
      expect(result.status).toBe(0);
      expect(progressLines(result.stderr)).toEqual([]);
    }
  });
});

describe('progress state', () => {
  it('for a file source uses bytes read of the file size for the share done and the ETA', () => {
    const state = progressState({ rowsOut: 1_000_000, bytesRead: 25 * 2 ** 20, bytesTotal: 100 * 2 ** 20 }, 2000);
    expect(state.fraction).toBe(0.25);
    expect(state.etaMs).toBe(6000);
    expect(state.rowsPerSecond).toBe(500_000);
    expect(describeProgress(state)).toBe('1,000,000 rows, 500,000 rows/s, 25.0 MiB of 100 MiB, 25%, ETA 6s');
  });

  it('falls back to the expected row count, and to elapsed time when nothing is known', () => {
    expect(progressState({ rowsOut: 3_000_000, bytesRead: 0, bytesTotal: undefined }, 1000, 12_000_000).fraction).toBe(0.25);
    const unknown = progressState({ rowsOut: 10, bytesRead: 0, bytesTotal: undefined }, 90_000);
    expect(unknown.fraction).toBeUndefined();
    expect(describeProgress(unknown)).toBe('10 rows, 0 rows/s, elapsed 1m30s');
  });

  it('draws a bar of the given width', () => {
    expect(progressBar(0.5, 10)).toBe('[#####-----] ');
    expect(progressBar(undefined, 10)).toBe('');
  });
});
