import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, sluice } from './helpers/cli.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas/run-report.v1.schema.json'), 'utf8'));
// ajv has no date-time format without ajv-formats; the shape is what this test is about.
const validate = new Ajv({ allErrors: true, validateFormats: false }).compile(schema);

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function runWithReport(job: string, env?: NodeJS.ProcessEnv): { status: number | null; report: Record<string, unknown> } {
  dir = mkdtempSync(join(tmpdir(), 'sluice-report-'));
  writeFileSync(join(dir, 'job.yaml'), job);
  const result = sluice(['run', join(dir, 'job.yaml'), '--report', join(dir, 'report.json'), '--quiet'], env === undefined ? {} : { env });
  return { status: result.status, report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) };
}

const goodJob = 'source: { type: synthetic, rows: 150000, batch_size: 50000 }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: 90 }\nsink: { type: json_file, path: out.json }\n';

describe('the run report', () => {
  it('of a real run validates against schemas/run-report.v1.schema.json', () => {
    const { status, report } = runWithReport(goodJob);
    expect(status).toBe(0);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.status).toBe('succeeded');
    expect((report.stages as unknown[]).length).toBe(3);
  });

  it('of a run failing on bad data validates too and says why, with the exit code', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-report-'));
    const lines = ['id,value', ...Array.from({ length: 3000 }, (_, i) => `${i},${i === 2500 ? 'x1' : i / 10}`)];
    writeFileSync(join(dir, 'data.csv'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'job.yaml'), 'source: { type: csv, path: data.csv, schema: { id: int64, value: float64 } }\nsink: { type: json_file, path: out.json }\n');
    const result = sluice(['run', join(dir, 'job.yaml'), '--report', join(dir, 'report.json'), '--quiet']);
    expect(result.status).toBe(3);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ status: 'failed', exitCode: 3, error: { name: 'StageError' } });
    expect(report.error.message).toContain('data.csv:2502');
    expect(report.stages[0].errors).toBe(1);
  });

  it('says which stages ran on worker threads', () => {
    // SLUICE_HEAD_START=0: the main thread reads split 0 only, so later splits surely go to the pool.
    const pooled = runWithReport(`threads: 2\n${goodJob.replace('batch_size: 50000', 'batch_size: 50000, split_rows: 50000')}`, { SLUICE_HEAD_START: '0' }).report;
    expect((pooled.stages as { implementation: { workerThreads: boolean } }[]).map((s) => s.implementation.workerThreads)).toEqual([true, true, false]);
    const inline = runWithReport(`threads: 0\n${goodJob}`).report;
    expect((inline.stages as { implementation: { workerThreads: boolean } }[]).map((s) => s.implementation.workerThreads)).toEqual([false, false, false]);
    // No threads: key and only 3 splits: too small for a pool to pay for its start, so none starts.
    const small = runWithReport(goodJob.replace('batch_size: 50000', 'batch_size: 50000, split_rows: 50000'), { SLUICE_HEAD_START: '0' }).report;
    expect((small.stages as { implementation: { workerThreads: boolean } }[]).map((s) => s.implementation.workerThreads)).toEqual([false, false, false]);
  });

  it('with an unknown field is rejected', () => {
    const { report } = runWithReport(goodJob);
    expect(validate({ ...report, extra: 1 })).toBe(false);
    const stages = report.stages as Record<string, unknown>[];
    expect(validate({ ...report, stages: [{ ...stages[0], surprise: true }, ...stages.slice(1)] })).toBe(false);
  });

  it('with a missing field is rejected', () => {
    const { report } = runWithReport(goodJob);
    const { runId: _runId, ...withoutRunId } = report;
    expect(validate(withoutRunId)).toBe(false);
    const stages = report.stages as Record<string, unknown>[];
    const { waitMs: _waitMs, ...stageWithoutWait } = stages[1]!;
    expect(validate({ ...report, stages: [stages[0], stageWithoutWait, stages[2]] })).toBe(false);
  });

  it('schema gives every object required fields and additionalProperties: false', () => {
    const objects: Record<string, unknown>[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.type === 'object') objects.push(o);
      Object.values(o).forEach(walk);
    };
    walk(schema);
    expect(objects.length).toBeGreaterThanOrEqual(4);
    for (const o of objects) {
      expect(o.additionalProperties).toBe(false);
      expect(Object.keys(o.properties as object).sort()).toEqual([...(o.required as string[])].sort());
    }
  });
});
