import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pipeline, type JobSpec } from '../src/index.js';
import type { OpenedRun } from '../src/runtime/run.js';
import { FAULT_PLUGINS, filesIn, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

async function pipelineOf(job: Record<string, unknown>): Promise<Pipeline> {
  dir = tempDir();
  return Pipeline.fromJob({ plugins: FAULT_PLUGINS, threads: 0, ...job } as unknown as JobSpec, { baseDir: dir });
}

describe('an AbortSignal given to Pipeline.run', () => {
  it('stops the source and the in-flight batch at once, leaves no file from the sink or the dead-letter sink, and the metrics say how far it got', async () => {
    const pipeline = await pipelineOf({
      source: { type: 'plain_source', rows: 1_000_000, batch_size: 1000, delay_ms: 5 },
      transforms: [
        { type: 'poison_records', column: 'id', poison: [3], on_error: 'dead_letter' },
        // Every batch hangs here for a minute: the abort must end the in-flight one, not wait for it.
        { type: 'slow_transform', delay_ms: 60_000, always: true, timeout: 120_000 },
      ],
      sink: { type: 'json_file', path: 'out/rows.ndjson', format: 'ndjson' },
      dead_letter: { type: 'json_file', path: 'out/rejected.ndjson', format: 'ndjson' },
    });
    const controller = new AbortController();
    let live: OpenedRun | undefined;
    const run = pipeline.run({ signal: controller.signal, onStart: (r) => (live = r) });
    await new Promise((r) => setTimeout(r, 300));
    const aborted = performance.now();
    controller.abort();
    await expect(run).rejects.toThrow(/abort/i);
    expect(performance.now() - aborted).toBeLessThan(5000);
    expect(filesIn(join(dir!, 'out'))).toEqual([]);
    const [source, poison] = live!.metrics;
    expect(source!.rowsOut).toBeGreaterThan(0);
    expect(source!.rowsOut).toBeLessThan(1_000_000);
    expect(poison!.rowsDeadLettered).toBe(1);
  });

  it('already aborted: nothing is read and nothing is written', async () => {
    const pipeline = await pipelineOf({ source: { type: 'plain_source', rows: 10_000 }, sink: { type: 'json_file', path: 'out/rows.ndjson' } });
    let live: OpenedRun | undefined;
    await expect(pipeline.run({ signal: AbortSignal.abort(), onStart: (r) => (live = r) })).rejects.toThrow(/abort/i);
    expect(live!.metrics[0]!.rowsOut).toBe(0);
    expect(filesIn(join(dir!, 'out'))).toEqual([]);
  });

  it('during a minute-long retry backoff ends the wait at once', async () => {
    const pipeline = await pipelineOf({
      source: { type: 'plain_source', rows: 5000, batch_size: 1000 },
      transforms: [{ type: 'flaky_transform', failures: 5, retry: { attempts: 6, initial_delay_ms: 60_000, max_delay_ms: 60_000 } }],
      sink: { type: 'json_file', path: 'out/rows.ndjson' },
    });
    const controller = new AbortController();
    const run = pipeline.run({ signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    const aborted = performance.now();
    controller.abort();
    await expect(run).rejects.toThrow(/abort/i);
    expect(performance.now() - aborted).toBeLessThan(1000);
    expect(filesIn(join(dir!, 'out'))).toEqual([]);
  });
});
