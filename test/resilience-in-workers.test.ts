import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNdjson, runJob, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('per-batch policies on pool workers (threads: 2)', () => {
  it('retry, timeout and dead_letter give the same output, dead letters and counts as on the main thread', async () => {
    dir = tempDir();
    const job = (threads: number) => ({
      threads,
      source: { type: 'synthetic', rows: 40_000, batch_size: 5000, seed: 21, split_rows: 10_000 },
      transforms: [
        { type: 'flaky_transform', failures: 1, retry: { attempts: 2, initial_delay_ms: 1, max_delay_ms: 1 } },
        { type: 'slow_transform', delay_ms: 60_000, timeout: 50, retry: { attempts: 2, initial_delay_ms: 1, max_delay_ms: 1 } },
        { type: 'poison_records', column: 'id', poison: [17, 25_001], keep_below: 30_000, on_error: 'dead_letter' },
      ],
      sink: { type: 'json_file', path: `out-${threads}.ndjson`, format: 'ndjson' },
      dead_letter: { type: 'json_file', path: `rejected-${threads}.ndjson`, format: 'ndjson' },
    });
    const inline = await runJob(dir, job(0));
    const pooled = await runJob(dir, job(2));
    expect(readNdjson(join(dir, 'out-2.ndjson'))).toEqual(readNdjson(join(dir, 'out-0.ndjson')));
    expect(readNdjson(join(dir, 'rejected-2.ndjson'))).toEqual(readNdjson(join(dir, 'rejected-0.ndjson')));
    const counts = (s: typeof inline) => s.stages.map(({ place, rowsIn, rowsOut, rowsFiltered, rowsSkipped, rowsDeadLettered, retries }) => ({ place, rowsIn, rowsOut, rowsFiltered, rowsSkipped, rowsDeadLettered, retries }));
    expect(counts(pooled)).toEqual(counts(inline));
    expect(inline.stages[1]!.retries).toBe(8);
    expect(inline.stages[2]!.retries).toBe(8);
  });
});
