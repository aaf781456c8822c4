import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_PLUGINS, filesIn, tempDir } from './resilience-helpers.js';
import { Pipeline, type JobSpec } from '../src/index.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('a dead-letter sink that fails', () => {
  it('fails the run cleanly: the error names dead_letter, and neither output leaves a file', async () => {
    dir = tempDir();
    const pipeline = await Pipeline.fromJob(
      {
        plugins: FAULT_PLUGINS,
        threads: 0,
        source: { type: 'synthetic', rows: 20_000, batch_size: 2000 },
        transforms: [{ type: 'poison_records', column: 'id', poison: [3, 4001], on_error: 'dead_letter' }],
        sink: { type: 'json_file', path: 'out/rows.ndjson', format: 'ndjson' },
        dead_letter: { type: 'failing_sink', path: 'out/rejected.ndjson', failures: -1 },
      } as unknown as JobSpec,
      { baseDir: dir },
    );
    await expect(pipeline.run()).rejects.toThrow(/^dead_letter \(failing_sink\): failing sink: write attempt 1 failed$/);
    expect(filesIn(join(dir, 'out'))).toEqual([]);
  });

  it('does not leave stages waiting on its queue: rejects in 40 batches still end the run with its error', async () => {
    dir = tempDir();
    const pipeline = await Pipeline.fromJob(
      {
        plugins: FAULT_PLUGINS,
        threads: 0,
        source: { type: 'synthetic', rows: 20_000, batch_size: 500 },
        // One poison row per batch: far more rejected batches than the queue holds before it waits.
        transforms: [{ type: 'poison_records', column: 'id', poison: Array.from({ length: 40 }, (_, i) => i * 500 + 7), on_error: 'dead_letter' }],
        sink: { type: 'json_file', path: 'out/rows.ndjson', format: 'ndjson' },
        dead_letter: { type: 'failing_sink', path: 'out/rejected.ndjson', failures: -1 },
      } as unknown as JobSpec,
      { baseDir: dir },
    );
    await expect(pipeline.run()).rejects.toThrow(/^dead_letter \(failing_sink\)/);
    expect(filesIn(join(dir, 'out'))).toEqual([]);
  }, 20_000);
});
