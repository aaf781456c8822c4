import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { repoRoot, sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function smallJob(extra = '', transforms = ''): string {
  dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const job = join(dir, 'job.yaml');
  writeFileSync(
    job,
    `${extra}source: { type: synthetic, rows: 20000, seed: 7, split_rows: 5000 }\ntransforms:\n${transforms}  - { type: threshold_filter, column: value, op: gt, value: 50 }\n  - { type: aggregate, group_by: [category], aggregates: [{ fn: count, as: n }, { fn: sum, column: value, as: total }] }\nsink: { type: json_file, path: out.json }\n`,
  );
  return job;
}

test('sluice bench prints one row per implementation with wall, rows/s, peak RSS and ratio, threads 0 for the kernels and a pool for native+threads', () => {
  const result = sluice(['bench', smallJob(), '--runs', '1']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines[1]).toMatch(/^\s+implementation\s+wall\s+rows\/s\s+peak RSS\s+ratio$/);
  const row = /^\s+(typescript|native|native\+threads)\s+(\d+\.\d\d) s\s+(\d+\.\d\d) M\s+(\d+) MiB\s+(\d+\.\d\d)×$/;
  const rows = lines.slice(2, 5).map((l) => row.exec(l));
  expect(rows.map((m) => m?.[1])).toEqual(['typescript', 'native', 'native+threads']);
  // The fastest row is the reference: exactly its ratio is 1.00, none is below it.
  expect(Math.min(...rows.map((m) => Number(m![5])))).toBe(1);
  expect(lines[5]).toMatch(/output: identical from every implementation/);
});

test('sluice bench --json reports each implementation, the kernels that ran and the same output hash', () => {
  const result = sluice(['bench', smallJob(), '--runs', '2', '--json']);
  expect(result.status).toBe(0);
  const parsed = JSON.parse(result.stdout);
  expect(parsed.sameOutput).toBe(true);
  expect(parsed.runs).toBe(2);
  const ok = parsed.rows.filter((r: { state: string }) => r.state === 'ok');
  expect(ok.map((r: { implementation: string; kernels: string }) => [r.implementation, r.kernels])).toEqual([
    ['typescript', 'js'],
    ['native', 'native'],
    ['native+threads', 'native'],
  ]);
  for (const r of ok) {
    expect(r.runsMs).toHaveLength(2);
    expect(r.rowsIn).toBe(20000);
    expect(r.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
  }
  expect(ok[0].outputSha256).toBe(ok[1].outputSha256);
  expect(ok[2].outputSha256).toBe(ok[1].outputSha256);
});

test('sluice bench fails when implementations write different output', () => {
  const job = smallJob('plugins: [./skew.mjs]\n', '  - { type: skew_under_js }\n');
  const sluiceUrl = pathToFileURL(join(repoRoot, 'dist/index.js')).href;
  // A plugin whose result depends on the kernels chosen: the kind of bug the check exists for.
  writeFileSync(
    join(dir!, 'skew.mjs'),
    `import { BatchTransform, RecordBatch, registerStage, z } from '${sluiceUrl}';
export class SkewUnderJs extends BatchTransform {
  static type = 'skew_under_js';
  static description = 'adds 1 to value under the TypeScript kernels only';
  static options = z.strictObject({});
  static { registerStage(this); }
  processBatch(batch, ctx) {
    if (ctx.kernels.implementation !== 'js') return batch;
    const i = batch.schema.indexOf('value');
    const column = batch.columns[i];
    const values = column.values.map((v) => v + 1);
    return new RecordBatch(batch.schema, batch.columns.map((c, j) => (j === i ? { ...column, values } : c)), batch.numRows);
  }
}
`,
  );
  const result = sluice(['bench', job, '--runs', '1']);
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(/output: DIFFERS: typescript sha256 [0-9a-f]{12}, native sha256 [0-9a-f]{12}/);
  expect(result.stderr).toContain('the implementations wrote different output');
});
