import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNdjson, runJob, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const source = { type: 'synthetic', rows: 6000, batch_size: 2000, seed: 3 };

describe('a slow transform under timeout', () => {
  it('has each hanging attempt cut at timeout ms and retried, giving the fault-free output', async () => {
    dir = tempDir();
    await runJob(dir, { source, sink: { type: 'json_file', path: 'clean.ndjson', format: 'ndjson' } });
    const started = performance.now();
    const summary = await runJob(dir, {
      source,
      transforms: [{ type: 'slow_transform', delay_ms: 60_000, timeout: 50, retry: { attempts: 2, initial_delay_ms: 1, max_delay_ms: 1 } }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
    });
    // Three batches, each first attempt hung for a minute unless the timeout ended it.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(summary.stages[1]).toMatchObject({ rowsIn: 6000, rowsOut: 6000, retries: 3 });
    expect(readNdjson(join(dir, 'out.ndjson'))).toEqual(readNdjson(join(dir, 'clean.ndjson')));
  });

  it('with every attempt too slow and on_error: skip, skips every batch and says so', async () => {
    dir = tempDir();
    const summary = await runJob(dir, {
      source,
      transforms: [{ type: 'slow_transform', delay_ms: 60_000, always: true, timeout: 20, on_error: 'skip' }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
    });
    expect(summary.stages[1]).toMatchObject({ rowsIn: 6000, rowsOut: 0, rowsSkipped: 6000, rowsFiltered: 0 });
    expect(readNdjson(join(dir, 'out.ndjson'))).toEqual([]);
    expect(summary.degraded).toEqual(['transforms[0] (slow_transform) skipped 6000 rows (on_error: skip)']);
  });
});
