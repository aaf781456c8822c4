import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';
import { FAULT_PLUGINS, filesIn, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('an optional sink that fails', () => {
  it('leaves the run successful but degraded: exit 4, report status degraded, one warning, input drained so the books balance', () => {
    dir = tempDir();
    writeFileSync(
      join(dir, 'job.yaml'),
      [
        `plugins: [${FAULT_PLUGINS.map((p) => JSON.stringify(p)).join(', ')}]`,
        'threads: 0',
        'source: { type: synthetic, rows: 30000, batch_size: 5000 }',
        'transforms:',
        '  - { type: threshold_filter, column: value, op: gt, value: 10 }',
        'sink: { type: failing_sink, path: out/rows.ndjson, failures: -1, optional: true }',
        '',
      ].join('\n'),
    );
    const result = sluice(['run', join(dir, 'job.yaml'), '--report', join(dir, 'report.json'), '--no-progress']);
    expect(result.status).toBe(4);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'degraded', exitCode: 4, error: null });
    expect(report.degraded).toEqual([expect.stringMatching(/^sink \(failing_sink\) failed and is optional: its output is missing \(failing sink: write attempt 1 failed\)$/)]);
    const [source, filter, sink] = report.stages;
    // The whole input was read although the sink gave up on its first batch.
    expect(source.rowsOut).toBe(30_000);
    expect(sink).toMatchObject({ rowsIn: filter.rowsOut, rowsOut: 0, rowsSkipped: filter.rowsOut, errors: 1, failed: 'failing sink: write attempt 1 failed' });
    const warnings = result.stderr.split('\n').filter((line) => line.includes('"level":"warn"'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('optional sink sink (failing_sink) failed');
    expect(result.stdout).toContain('degraded: sink (failing_sink) failed and is optional');
    expect(filesIn(join(dir, 'out'))).toEqual([]);
  });
});
