import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNdjson, runJob, tempDir, filesIn } from './resilience-helpers.js';
import { FAULT_PLUGINS } from './resilience-helpers.js';
import { Pipeline, type JobSpec } from '../src/index.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const job = (failures: number, extra: Record<string, unknown> = {}) => ({
  source: { type: 'synthetic', rows: 20_000, batch_size: 4000, seed: 7 },
  transforms: [{ type: 'flaky_transform', failures, ...extra }, { type: 'threshold_filter', column: 'value', op: 'gt', value: 50 }],
  sink: { type: 'json_file', path: failures === 0 ? 'clean.ndjson' : 'out.ndjson', format: 'ndjson' },
});

describe('a flaky transform under retry', () => {
  it('retries each failed batch alone and gives exactly the fault-free output', async () => {
    dir = tempDir();
    const clean = await runJob(dir, job(0));
    const summary = await runJob(dir, job(2, { retry: { attempts: 3, initial_delay_ms: 1, max_delay_ms: 5 } }));
    expect(readNdjson(join(dir, 'out.ndjson'))).toEqual(readNdjson(join(dir, 'clean.ndjson')));
    const flaky = summary.stages[1]!;
    expect(flaky).toMatchObject({ rowsIn: 20_000, rowsOut: 20_000, retries: 2 * 5, rowsSkipped: 0, rowsDeadLettered: 0 });
    expect(summary.rowsOut).toBe(clean.rowsOut);
    expect(summary.degraded).toEqual([]);
  });

  it('with too few attempts fails the run, naming the stage and the attempts, and leaves no output file', async () => {
    dir = tempDir();
    const pipeline = await Pipeline.fromJob({ plugins: FAULT_PLUGINS, threads: 0, ...job(2, { retry: { attempts: 2, initial_delay_ms: 1, max_delay_ms: 2 } }) } as JobSpec, { baseDir: dir });
    await expect(pipeline.run()).rejects.toThrow(/^transforms\[0\] \(flaky_transform\): flaky: attempt 2 of a 4000-row batch failed \(after 2 attempts\)$/);
    expect(filesIn(dir)).toEqual([]);
  });
});
