import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSummary, formatSummaryTable } from '../src/cli/summary.js';
import { runJob, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('the run summary', () => {
  it('shows retries, skipped and dead-lettered rows only for the stages that had them, and why the run is degraded', async () => {
    dir = tempDir();
    const summary = await runJob(dir, {
      source: { type: 'synthetic', rows: 4000, batch_size: 1000 },
      transforms: [
        { type: 'flaky_transform', failures: 1, retry: { attempts: 2, initial_delay_ms: 1, max_delay_ms: 1 } },
        { type: 'poison_records', column: 'id', poison: [1500], on_error: 'skip' },
        { type: 'threshold_filter', column: 'value', op: 'gt', value: 50 },
      ],
      sink: { type: 'json_file', path: 'out.json' },
    });
    const table = formatSummaryTable(summary).split('\n');
    expect(table[1]).toMatch(/ faults$/);
    expect(table.find((l) => l.includes('flaky_transform'))).toMatch(/ 4 retries$/);
    expect(table.find((l) => l.includes('poison_records'))).toMatch(/ 1,000 skipped$/);
    expect(table.find((l) => l.includes('threshold_filter'))).toMatch(/ -$/);
    expect(table.at(-1)).toBe('  degraded: transforms[1] (poison_records) skipped 1000 rows (on_error: skip)');
    expect(formatSummary(summary)).toMatch(/^sluice: job done \(degraded\) in /);

    const clean = await runJob(dir, { source: { type: 'synthetic', rows: 1000 }, sink: { type: 'json_file', path: 'clean.json' } });
    expect(formatSummaryTable(clean).split('\n')[1]).not.toMatch(/faults/);
    expect(formatSummary(clean)).not.toMatch(/degraded|retries|skipped/);
  });
});
