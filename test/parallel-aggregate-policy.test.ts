import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNdjson, runJob, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

// synthetic has splits, so the aggregation runs inside the units (inline for threads: 0, in workers
// for threads: 2): its policy must apply there exactly as on the main thread.
const source = { type: 'synthetic', rows: 10_000, batch_size: 1000, split_rows: 2500 };
const sumOf = (n: number) => (n * (n - 1)) / 2;

describe.each([0, 2])('an aggregation inside parallel units, threads: %i', (threads) => {
  it('dead_letter rejects exactly the poison rows, with their source rows; no half-update', async () => {
    dir = tempDir();
    const poison = [5, 2600, 9999];
    const summary = await runJob(dir, {
      threads,
      source,
      transforms: [{ type: 'poison_sum', column: 'id', poison, on_error: 'dead_letter' }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
      dead_letter: { type: 'json_file', path: 'rejected.ndjson', format: 'ndjson' },
    });
    expect(readNdjson(join(dir, 'out.ndjson'))).toEqual([{ n: 10_000 - 3, total: sumOf(10_000) - poison.reduce((a, b) => a + b, 0) }]);
    expect(summary.stages[1]).toMatchObject({ rowsIn: 10_000, rowsConsumed: 10_000 - 3, rowsDeadLettered: 3, rowsSkipped: 0 });
    expect(readNdjson(join(dir, 'rejected.ndjson')).map((r) => r.row)).toEqual(poison);
  });

  it('skip drops the failing batch only', async () => {
    dir = tempDir();
    const summary = await runJob(dir, {
      threads,
      source,
      transforms: [{ type: 'poison_sum', column: 'id', poison: [3100], on_error: 'skip' }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
    });
    // Split 1 (rows 2500..4999) is cut into batches of 1000 from its own start: 2500..3499 holds row 3100.
    const dropped = sumOf(3500) - sumOf(2500);
    expect(readNdjson(join(dir, 'out.ndjson'))).toEqual([{ n: 9000, total: sumOf(10_000) - dropped }]);
    expect(summary.stages[1]).toMatchObject({ rowsIn: 10_000, rowsConsumed: 9000, rowsSkipped: 1000 });
  });
});
