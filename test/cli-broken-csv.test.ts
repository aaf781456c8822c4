import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function csvWithBadLine(badLine: number, bad: string): string {
  const lines = ['id,category,value'];
  for (let i = 2; i <= 200_000; i++) lines.push(i === badLine ? bad : `${i},cat_${i % 7},${(i % 1000) / 10}`);
  return `${lines.join('\n')}\n`;
}

describe('sluice run on a malformed CSV', () => {
  it('fails with exit code 3 naming the file, the line and the column, and leaves no output file', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-badcsv-'));
    writeFileSync(join(dir, 'events.csv'), csvWithBadLine(150_001, '150001,cat_1,12..5'));
    writeFileSync(join(dir, 'job.yaml'), 'source: { type: csv, path: events.csv }\ntransforms:\n  - { type: threshold_filter, column: value, op: gt, value: 50 }\nsink: { type: json_file, path: out/kept.json }\n');
    const result = sluice(['run', join(dir, 'job.yaml')]);
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("sluice: source (csv): events.csv:150001:3: value \"12..5\" in column \"value\" is not a float64");
    expect(result.stderr).toContain('"12..5"');
    expect(readdirSync(dir).sort()).toEqual(['events.csv', 'job.yaml', 'out']);
    expect(readdirSync(join(dir, 'out'))).toEqual([]);
  });

  it('with a row of the wrong number of fields names its line', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-badcsv-'));
    writeFileSync(join(dir, 'events.csv'), csvWithBadLine(123_456, '123456,cat_1'));
    writeFileSync(join(dir, 'job.yaml'), 'source: { type: csv, path: events.csv }\nsink: { type: csv_file, path: copy.csv }\n');
    const result = sluice(['run', join(dir, 'job.yaml')]);
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/events\.csv:123456: expected 3 fields, found 2/);
    expect(readdirSync(dir).sort()).toEqual(['events.csv', 'job.yaml']);
  });
});
