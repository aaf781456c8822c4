import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_PLUGINS, filesIn, readNdjson, runJob, tempDir } from './resilience-helpers.js';
import { Pipeline, type JobSpec } from '../src/index.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const source = { type: 'synthetic', rows: 9000, batch_size: 3000, seed: 5 };

describe('a sink built on BatchSink that fails N writes', () => {
  it('retries each failed batch write and writes every row exactly once', async () => {
    dir = tempDir();
    await runJob(dir, { source, sink: { type: 'json_file', path: 'clean.ndjson', format: 'ndjson' } });
    const summary = await runJob(dir, { source, sink: { type: 'failing_sink', path: 'out.ndjson', failures: 3, retry: { attempts: 4, initial_delay_ms: 1, max_delay_ms: 2 } } });
    expect(summary.stages[1]).toMatchObject({ kind: 'sink', rowsIn: 9000, rowsOut: 9000, retries: 3, rowsSkipped: 0 });
    // The test sink writes int64 as decimal strings, json_file as digits: compare ids as strings.
    const ids = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, id: String(r.id) }));
    expect(ids(readNdjson(join(dir, 'out.ndjson')))).toEqual(ids(readNdjson(join(dir, 'clean.ndjson'))));
  });

  it('that keeps failing sends every row of each failed write to the dead-letter output (on_error: dead_letter)', async () => {
    dir = tempDir();
    const summary = await runJob(dir, {
      source,
      sink: { type: 'failing_sink', path: 'out.ndjson', failures: -1, on_error: 'dead_letter' },
      dead_letter: { type: 'json_file', path: 'rejected.ndjson', format: 'ndjson' },
    });
    expect(summary.stages[1]).toMatchObject({ rowsIn: 9000, rowsOut: 0, rowsDeadLettered: 9000 });
    const rejected = readNdjson(join(dir, 'rejected.ndjson'));
    expect(rejected.map((r) => r.row)).toEqual(Array.from({ length: 9000 }, (_, i) => i));
    expect(rejected[0]).toMatchObject({ place: 'sink', type: 'failing_sink', error: expect.stringMatching(/^failing sink: write attempt \d+ failed$/) });
  });

  it('with the default policy fails the run and leaves no file, partial or temporary', async () => {
    dir = tempDir();
    const pipeline = await Pipeline.fromJob({ plugins: FAULT_PLUGINS, threads: 0, source, sink: { type: 'failing_sink', path: 'out/rows.ndjson', failures: 2 } } as unknown as JobSpec, { baseDir: dir });
    await expect(pipeline.run()).rejects.toThrow(/^sink \(failing_sink\): failing sink: write attempt 1 failed$/);
    expect(filesIn(join(dir, 'out'))).toEqual([]);
  });
});

describe('a slow sink under timeout', () => {
  it('has each hanging write cut at the timeout and retried, writing every row exactly once', async () => {
    dir = tempDir();
    const summary = await runJob(dir, {
      source: { type: 'synthetic', rows: 3000, batch_size: 1000, seed: 5 },
      sink: { type: 'failing_sink', path: 'out.ndjson', delay_ms: 60_000, slow_attempts: 2, timeout: 50, retry: { attempts: 3, initial_delay_ms: 1, max_delay_ms: 1 } },
    });
    expect(summary.stages[1]).toMatchObject({ rowsIn: 3000, rowsOut: 3000, retries: 2 });
    expect(readNdjson(join(dir, 'out.ndjson')).map((r) => Number(r.id))).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
