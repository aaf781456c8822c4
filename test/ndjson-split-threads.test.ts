import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-ndjson-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an NDJSON job cut into byte-range splits', () => {
  it('writes byte-identical output for threads 0, 1 and 2, and the groups of one split', () => {
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const note = i % 5 === 0 ? 'two\nlines' : `n${i}`;
      lines.push(JSON.stringify({ id: i, category: `cat_${String((i * 31) % 50).padStart(2, '0')}`, note, value: ((i * 7919) % 100_000) / 1000 }));
      if (i % 97 === 0) lines.push('');
    }
    writeFileSync(join(dir, 'data.ndjson'), `${lines.join('\r\n')}\n`);
    writeFileSync(
      join(dir, 'job.yaml'),
      'source: { type: ndjson, path: data.ndjson }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: 20 }\n  - type: aggregate\n    group_by: [category]\n    aggregates: [{ fn: count, as: n }, { fn: sum, column: value, as: total }, { fn: mean, column: value, as: mean }, { fn: max, column: id, as: last }]\nsink: { type: json_file, path: out.json }\n',
    );
    const run = (threads: number, splitBytes: number | undefined) => {
      const env = splitBytes === undefined ? {} : { SLUICE_SPLIT_BYTES: String(splitBytes) };
      const result = sluice(['run', join(dir, 'job.yaml'), '--set', `threads=${threads}`, '--json'], { env });
      expect(result.status, result.stderr).toBe(0);
      return createHash('sha256').update(readFileSync(join(dir, 'out.json'))).digest('hex');
    };
    const read = () => JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { category: string; n: number; total: number; last: number }[];
    run(0, undefined);
    const whole = read();
    const hashes = [0, 1, 2].map((threads) => run(threads, 50_000));
    expect(hashes[1]).toBe(hashes[0]);
    expect(hashes[2]).toBe(hashes[0]);
    // Against one split: the same groups and counts; float sums add in another order (per split, then merged).
    const rows = read();
    expect(rows.map((r) => [r.category, r.n, r.last])).toEqual(whole.map((r) => [r.category, r.n, r.last]));
    rows.forEach((r, i) => expect(r.total).toBeCloseTo(whole[i]!.total, 6));
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(Array.from({ length: 40_000 }, (_, i) => ((i * 7919) % 100_000) / 1000).filter((v) => v > 20).length);
  });
});
