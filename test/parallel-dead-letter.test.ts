import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNdjson, runJob, tempDir } from './resilience-helpers.js';

// Split 0 only on the main thread, so which splits reach the pool does not depend on timing.
process.env.SLUICE_HEAD_START = '0';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const poison = [7, 12_345, 19_999, 33_333];

async function run(threads: number) {
  const summary = await runJob(dir!, {
    threads,
    source: { type: 'synthetic', rows: 40_000, batch_size: 2500, split_rows: 5000, seed: 11 },
    transforms: [
      { type: 'poison_records', column: 'id', poison, keep_below: 30_000, on_error: 'dead_letter' },
      { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }] },
    ],
    sink: { type: 'json_file', path: `out-${threads}.ndjson`, format: 'ndjson' },
    dead_letter: { type: 'json_file', path: `rejected-${threads}.ndjson`, format: 'ndjson' },
  });
  return { summary, out: readNdjson(join(dir!, `out-${threads}.ndjson`)), rejected: readNdjson(join(dir!, `rejected-${threads}.ndjson`)) };
}

describe('a per-batch stage under on_error: dead_letter in pool workers', () => {
  it('rejects the same records at the same input positions as on the main thread, and the accounting holds', async () => {
    dir = tempDir();
    const inline = await run(0);
    const pooled = await run(2);
    expect(pooled.rejected.map((r) => r.row)).toEqual(poison);
    expect(pooled.rejected).toEqual(inline.rejected);
    expect(pooled.out).toEqual(inline.out);
    expect(pooled.summary.stages[1]).toMatchObject({ rowsIn: 40_000, rowsDeadLettered: 4, rowsOut: 30_000 - 3, rowsFiltered: 10_000 - 1 });
    expect(pooled.summary.stages.map((s) => [s.rowsIn, s.rowsOut])).toEqual(inline.summary.stages.map((s) => [s.rowsIn, s.rowsOut]));
  });
});
