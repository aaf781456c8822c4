import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNdjson, runJob, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const source = { type: 'synthetic', rows: 20_000, batch_size: 5000, seed: 11 };
const poison = [7, 12_345, 19_999];

describe('on_error: dead_letter', () => {
  it('rejects exactly the failing records, with place, error, position and the record; the rest pass in order', async () => {
    dir = tempDir();
    await runJob(dir, {
      source,
      transforms: [{ type: 'poison_records', column: 'id', poison: [], keep_below: 15_000 }],
      sink: { type: 'json_file', path: 'clean.ndjson', format: 'ndjson' },
    });
    const summary = await runJob(dir, {
      source,
      transforms: [{ type: 'poison_records', column: 'id', poison, keep_below: 15_000, on_error: 'dead_letter' }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
      dead_letter: { type: 'json_file', path: 'rejected.ndjson', format: 'ndjson' },
    });
    const clean = readNdjson(join(dir, 'clean.ndjson'));
    expect(readNdjson(join(dir, 'out.ndjson'))).toEqual(clean.filter((row) => !poison.includes(Number(row.id))));
    expect(summary.stages[1]).toMatchObject({ rowsIn: 20_000, rowsDeadLettered: 3, rowsOut: 15_000 - 2, rowsFiltered: 5000 - 1 });
    expect(summary.deadLetter).toMatchObject({ type: 'json_file', rows: 3 });

    const rejected = readNdjson(join(dir, 'rejected.ndjson'));
    expect(rejected.map((r) => r.row)).toEqual(poison);
    for (const r of rejected) {
      expect(r).toMatchObject({ place: 'transforms[0]', type: 'poison_records', rows: 1, file: null });
      expect(r.error).toMatch(/^poison value \d+ in column id/);
      const record = JSON.parse(r.record as string) as Record<string, unknown>;
      // The record is the input row itself: int64 as a decimal string, the rest as JSON values.
      expect(record.id).toBe(String(r.row));
      expect(record).toEqual(expect.objectContaining({ category: expect.stringMatching(/^cat_\d\d$/), value: expect.any(Number) }));
    }
    expect(summary.degraded).toEqual(['transforms[0] (poison_records) sent 3 rows to the dead-letter output']);
  });

  it('with on_error: skip drops the whole batches that hold a failing record instead', async () => {
    dir = tempDir();
    const summary = await runJob(dir, {
      source,
      transforms: [{ type: 'poison_records', column: 'id', poison, on_error: 'skip' }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
    });
    // Rows 7, 12345 and 19999 sit in batches 0, 2 and 3 of 5000 rows each: only batch 1 survives.
    expect(summary.stages[1]).toMatchObject({ rowsIn: 20_000, rowsSkipped: 15_000, rowsOut: 5000, rowsDeadLettered: 0 });
    expect(readNdjson(join(dir, 'out.ndjson')).map((r) => Number(r.id))).toEqual(Array.from({ length: 5000 }, (_, i) => 5000 + i));
  });
});
