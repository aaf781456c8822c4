import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';
import type { OpenedRun } from '../src/runtime/run.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function csvJob(rows: number): { dir: string; csv: string } {
  dir = mkdtempSync(join(tmpdir(), 'sluice-metrics-'));
  const lines = ['id,value', ...Array.from({ length: rows }, (_, i) => `${i},${(i % 100) + 0.5}`)];
  writeFileSync(join(dir, 'data.csv'), `${lines.join('\n')}\n`);
  return { dir, csv: join(dir, 'data.csv') };
}

describe('per-stage metrics', () => {
  it('count batches and rows in and out, bytes of a file source, and chain stage to stage', async () => {
    const { dir: d, csv } = csvJob(50_000);
    const pipeline = await Pipeline.fromJob(
      {
        batch_size: 4096,
        source: { type: 'csv', path: csv },
        transforms: [{ type: 'threshold_filter', column: 'value', op: 'lt', value: 10 }, { type: 'limit', n: 10_000 }],
        sink: { type: 'json_file', path: join(d, 'out.json') },
      },
      { baseDir: d },
    );
    let live: OpenedRun | undefined;
    const summary = await pipeline.run({ onStart: (run) => (live = run), runId: 'run-under-test' });
    expect(summary.runId).toBe('run-under-test');
    expect(live?.runId).toBe('run-under-test');
    const [source, filter, limit, sink] = summary.stages;
    const size = statSync(csv).size;
    expect(source).toMatchObject({ kind: 'source', rowsIn: 0, batchesIn: 0, rowsOut: 50_000, bytesRead: size, bytesTotal: size, errors: 0 });
    expect(source!.batchesOut).toBeGreaterThanOrEqual(Math.ceil(50_000 / 4096));
    expect(filter).toMatchObject({ rowsIn: 50_000, batchesIn: source!.batchesOut, rowsOut: 5_000, implementation: expect.stringMatching(/native|js/) });
    expect(limit).toMatchObject({ rowsIn: 5_000, rowsOut: 5_000, implementation: 'none' });
    expect(sink).toMatchObject({ kind: 'sink', rowsIn: 5_000, rowsOut: 5_000, batchesIn: limit!.batchesOut, batchesOut: 0, waitMs: 0 });
    expect(JSON.parse(readFileSync(join(d, 'out.json'), 'utf8'))).toHaveLength(5_000);
    for (const s of summary.stages) {
      expect(s.busyMs).toBeGreaterThanOrEqual(0);
      expect(s.waitMs).toBeGreaterThanOrEqual(0);
    }
    // The source's output waits while the filter, the limit and the sink work on each batch.
    expect(source!.waitMs).toBeGreaterThan(0);
  });

  it('count an error against the stage that raised it, not the ones it passed through', async () => {
    const { dir: d } = csvJob(0);
    writeFileSync(join(d, 'data.csv'), `id,value\n${Array.from({ length: 9000 }, (_, i) => `${i},${i === 8000 ? 'NaNa' : i}`).join('\n')}\n`);
    const pipeline = await Pipeline.fromJob(
      { batch_size: 1000, source: { type: 'csv', path: 'data.csv', schema: { id: 'int64', value: 'float64' } }, transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 1 }], sink: { type: 'json_file', path: 'out.json' } },
      { baseDir: d },
    );
    let live: OpenedRun | undefined;
    await expect(pipeline.run({ onStart: (run) => (live = run) })).rejects.toThrow(/data\.csv:8002/);
    expect(live!.metrics.map((m) => m.errors)).toEqual([1, 0, 0]);
    expect(live!.metrics[0]!.rowsOut).toBeGreaterThan(0);
    expect(readdirSync(d)).not.toContain('out.json');
  });
});
