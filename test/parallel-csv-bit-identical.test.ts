import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-parallel-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 60,000 rows; every 7th note is a quoted field spanning two lines, so some split guesses land inside one. */
function writeData(): void {
  const lines = ['id,category,note,value'];
  for (let i = 0; i < 60_000; i++) {
    const note = i % 7 === 0 ? `"first line ${i}\nsecond, line"` : `plain ${i}`;
    lines.push(`${i},cat_${String((i * 31) % 50).padStart(2, '0')},${note},${((i * 7919) % 100_000) / 1000}`);
  }
  writeFileSync(join(dir, 'data.csv'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'job.yaml'),
    `source: { type: csv, path: data.csv }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: 20 }\n  - type: aggregate\n    group_by: [category]\n    aggregates: [{ fn: count, as: n }, { fn: sum, column: value, as: total }, { fn: mean, column: value, as: mean }, { fn: max, column: id, as: last }]\nsink: { type: json_file, path: out.json }\n`,
  );
}

describe('a CSV job cut into byte-range splits', () => {
  it('writes byte-identical output for threads 0, 1 and 2, quoted line breaks across split starts included', () => {
    writeData();
    const hashes = [0, 1, 2].map((threads) => {
      const result = sluice(['run', join(dir, 'job.yaml'), '--set', `threads=${threads}`, '--json', '--log-level', 'debug'], { env: { SLUICE_SPLIT_BYTES: String(64 * 1024), SLUICE_HEAD_START: '0' } });
      expect(result.status).toBe(0);
      // Pooled, some speculative starts fall inside a quoted note and are read again as exact splits.
      if (threads > 0) expect(result.stderr).toContain('re-reading a speculative split as an exact one');
      const summary = JSON.parse(result.stdout) as { stages: { rowsOut: number }[] };
      expect(summary.stages[0]!.rowsOut).toBe(60_000);
      return createHash('sha256').update(readFileSync(join(dir, 'out.json'))).digest('hex');
    });
    expect(hashes[1]).toBe(hashes[0]);
    expect(hashes[2]).toBe(hashes[0]);
    const rows = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { n: number }[];
    expect(rows).toHaveLength(50);
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(Array.from({ length: 60_000 }, (_, i) => ((i * 7919) % 100_000) / 1000).filter((v) => v > 20).length);
  });
});
