import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-projection-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plugin = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;

/** 40,000 rows of the canonical columns; every 9th note is quoted over two lines, so some split guesses land inside one. */
const ROWS = 40_000;
const row = (i: number) => ({ id: i, ts: 1_700_000_000_000 + i, user_id: (i * 7919) % 100_000, category: `cat_${String((i * 31) % 50).padStart(2, '0')}`, note: i % 9 === 0 ? `first ${i}\nsecond, line` : `plain ${i}`, value: ((i * 104_729) % 100_000) / 1000 });
const data = Array.from({ length: ROWS }, (_, i) => row(i));
writeFileSync(join(dir, 'events.csv'), `id,ts,user_id,category,note,value\n${data.map((r) => `${r.id},${r.ts},${r.user_id},${r.category},"${r.note}",${r.value}`).join('\n')}\n`);
writeFileSync(join(dir, 'events.ndjson'), `${data.map((r) => JSON.stringify(r)).join('\n')}\n`);

const SOURCES = {
  csv: '{ type: csv, path: events.csv }',
  ndjson: '{ type: ndjson, path: events.ndjson, schema: { id: int64, ts: timestamp, user_id: int32, category: utf8, note: utf8, value: float64 } }',
};

/** value > 90 by category; `whole`: a pass-through plugin that declares no columns goes first, so every column is read. */
function job(format: keyof typeof SOURCES, whole: boolean): string {
  const name = `${format}-${whole ? 'whole' : 'projected'}`;
  writeFileSync(
    join(dir, `${name}.yaml`),
    [
      `plugins: [${plugin}]`,
      `source: ${SOURCES[format]}`,
      'transforms:',
      ...(whole ? [`  - { type: test_thread_probe, dir: ${dir} }`] : []),
      '  - { type: threshold_filter, column: value, op: gt, value: 90 }',
      '  - type: aggregate',
      '    group_by: [category]',
      '    aggregates: [{ fn: count, as: n }, { fn: sum, column: value, as: total }, { fn: mean, column: value, as: mean }, { fn: max, column: user_id, as: top }]',
      `sink: { type: json_file, path: ${name}.json }`,
      '',
    ].join('\n'),
  );
  return join(dir, `${name}.yaml`);
}

function run(file: string, threads: number, kernels: string): { output: string; sourceColumns: string[] } {
  const result = sluice(['run', file, '--set', `threads=${threads}`, '--json', '--log-level', 'info'], { env: { SLUICE_KERNELS: kernels, SLUICE_SPLIT_BYTES: String(256 * 1024), SLUICE_HEAD_START: '0' } });
  expect(result.stderr).not.toContain('"level":50');
  expect(result.status).toBe(0);
  const summary = JSON.parse(result.stdout) as { stages: { rowsOut: number; implementation: string; workerThreads: boolean }[] };
  expect(summary.stages[0]!.rowsOut).toBe(ROWS);
  expect(summary.stages[0]!.implementation).toBe(kernels);
  if (threads > 0) expect(summary.stages[0]!.workerThreads).toBe(true);
  const started = result.stderr.split('\n').find((line) => line.includes('"run started"'));
  const output = readFileSync(file.replace(/\.yaml$/, '.json'), 'utf8');
  return { output, sourceColumns: (JSON.parse(started!) as { sourceColumns: string[] }).sourceColumns };
}

describe('a projected source across threads', () => {
  for (const format of ['csv', 'ndjson'] as const) {
    for (const kernels of ['js', 'native']) {
      it(`${format}, ${kernels} parser: byte-identical output for threads 0, 1 and 2, equal to reading every column`, () => {
        const whole = run(job(format, true), 0, kernels);
        expect(whole.sourceColumns).toEqual(['id', 'ts', 'user_id', 'category', 'note', 'value']);
        const expected = data.filter((r) => r.value > 90);
        const rows = JSON.parse(whole.output) as { n: number }[];
        expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(expected.length);
        for (const threads of [0, 1, 2]) {
          const projected = run(job(format, false), threads, kernels);
          expect(projected.sourceColumns).toEqual(['user_id', 'category', 'value']);
          expect(projected.output).toBe(whole.output);
        }
      });
    }
  }

  it('sluice validate says which columns the source reads', () => {
    const projected = sluice(['validate', job('csv', false)]);
    expect(projected.status).toBe(0);
    expect(projected.stdout).toContain('source reads 3 of 6 columns: user_id, category, value\n');
    expect(sluice(['validate', job('csv', true)]).stdout).toContain('source reads every column: id, ts, user_id, category, note, value\n');
  });
});
