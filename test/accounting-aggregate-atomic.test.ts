import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNdjson, runJob, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

// plain_source has no splits: the aggregation runs on the main thread through its accumulator.
const source = { type: 'plain_source', rows: 10_000, batch_size: 1000 };

describe('an aggregation under on_error', () => {
  it('dead_letter leaves no half-update of a failing batch: consumed + dead-lettered = rows in, sums exact', async () => {
    dir = tempDir();
    const poison = [5, 1234, 9999];
    const summary = await runJob(dir, {
      source,
      transforms: [{ type: 'poison_sum', column: 'id', poison, on_error: 'dead_letter' }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
      dead_letter: { type: 'json_file', path: 'rejected.ndjson', format: 'ndjson' },
    });
    const expectedTotal = (10_000 * 9_999) / 2 - poison.reduce((a, b) => a + b, 0);
    // The accumulator counts a row before it throws on it: without a fresh accumulator per batch, n would include poison rows.
    expect(readNdjson(join(dir, 'out.ndjson'))).toEqual([{ n: 10_000 - 3, total: expectedTotal }]);
    expect(summary.stages[1]).toMatchObject({ rowsIn: 10_000, rowsConsumed: 10_000 - 3, rowsDeadLettered: 3, rowsSkipped: 0, rowsFiltered: 0 });
    expect(readNdjson(join(dir, 'rejected.ndjson')).map((r) => r.row)).toEqual(poison);
  });

  it('skip drops whole batches: consumed + skipped = rows in', async () => {
    dir = tempDir();
    const summary = await runJob(dir, {
      source,
      transforms: [{ type: 'poison_sum', column: 'id', poison: [1500], on_error: 'skip' }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
    });
    const total = (10_000 * 9_999) / 2 - (1000 * (1000 + 1999)) / 2;
    expect(readNdjson(join(dir, 'out.ndjson'))).toEqual([{ n: 9000, total }]);
    expect(summary.stages[1]).toMatchObject({ rowsIn: 10_000, rowsConsumed: 9000, rowsSkipped: 1000 });
  });
});
