import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function job(filterValue: number): string {
  dir = mkdtempSync(join(tmpdir(), 'sluice-sample-'));
  writeFileSync(
    join(dir, 'job.yaml'),
    `source: { type: synthetic, rows: 200000, batch_size: 1000 }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: ${filterValue} }\n  - { type: limit, n: 5 }\nsink: { type: json_file, path: out.json }\n`,
  );
  return join(dir, 'job.yaml');
}

const sampled = (stdout: string, place: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith(`${place} (`) && l.includes(' #'))
    .map((l) => JSON.parse(l.slice(l.indexOf(': ') + 2)) as Record<string, number | string>);

describe('sluice run --sample N', () => {
  it('prints the first N rows leaving each stage on stdout', () => {
    const result = sluice(['run', job(95), '--sample', '3', '--log-level', 'warn']);
    expect(result.status).toBe(0);
    const source = sampled(result.stdout, 'source');
    expect(source.map((r) => r.id)).toEqual([0, 1, 2]);
    expect(Object.keys(source[0]!)).toEqual(['id', 'ts', 'user_id', 'category', 'value']);
    const kept = sampled(result.stdout, 'transforms[0]');
    expect(kept).toHaveLength(3);
    expect(kept.every((r) => (r.value as number) > 95)).toBe(true);
    expect(sampled(result.stdout, 'transforms[1]')).toEqual(kept);
    expect(result.stdout).toMatch(/^source \(synthetic\) #1: /);
    expect(result.stderr).toBe('');
  });

  it('says which stage let no row through, so a filter that drops everything shows itself', () => {
    const result = sluice(['run', job(1000), '--sample', '2', '--quiet']);
    expect(result.status).toBe(0);
    expect(sampled(result.stdout, 'source')).toHaveLength(2);
    expect(result.stdout).toContain('transforms[0] (threshold_filter): no rows\n');
    expect(result.stdout).toContain('transforms[1] (limit): no rows\n');
  });

  it('rejects a count that is not a non-negative integer with exit 2', () => {
    const result = sluice(['run', job(1), '--sample', 'lots']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--sample must be a non-negative integer (got "lots")');
  });
});
