import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function writeJob(text: string): string {
  dir = mkdtempSync(join(tmpdir(), 'sluice-vars-'));
  writeFileSync(join(dir, 'job.yaml'), text);
  return join(dir, 'job.yaml');
}

const job = [
  'version: 1',
  'source: { type: synthetic, rows: "${ROWS:-2000}" }',
  'transforms:',
  '  - type: threshold_filter',
  '    column: value',
  '    op: gt',
  '    value: ${THRESHOLD}',
  'sink: { type: json_file, path: "out/${NAME:-kept}.json" }',
  '',
].join('\n');

const rowsIn = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { value: number }[];

describe('${NAME} in a job file', () => {
  it('takes the environment variable, as a number where the whole value is one, and defaults with :-', () => {
    const file = writeJob(job);
    const result = sluice(['run', file, '--quiet'], { env: { THRESHOLD: '97.5', ROWS: undefined, NAME: undefined } });
    expect(result.status).toBe(0);
    const rows = rowsIn(join(dir!, 'out/kept.json'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(2000 * 0.05);
    expect(rows.every((r) => r.value > 97.5)).toBe(true);
  });

  it('inside a longer string is replaced in place', () => {
    const file = writeJob(job);
    expect(sluice(['run', file, '--quiet'], { env: { THRESHOLD: '0', NAME: 'night' } }).status).toBe(0);
    expect(rowsIn(join(dir!, 'out/night.json')).length).toBeGreaterThan(1900);
  });

  it('unset and without a default is an invalid job naming the variable and its place', () => {
    const result = sluice(['validate', writeJob(job)], { env: { THRESHOLD: undefined } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/job\.yaml:7:12: transforms\[0\]\.value: environment variable THRESHOLD is not set \(write \$\{THRESHOLD:-default\} to give a default\)/);
  });
});

describe('--set key.path=value', () => {
  it('overrides an option, the value read as a YAML scalar', () => {
    const file = writeJob(job);
    const result = sluice(['run', file, '--quiet', '--set', 'transforms[0].value=99', '--set', 'transforms[0].op=gte', '--set', 'source.rows=3000'], { env: { THRESHOLD: '1' } });
    expect(result.status).toBe(0);
    const rows = rowsIn(join(dir!, 'out/kept.json'));
    expect(rows.every((r) => r.value >= 99)).toBe(true);
    expect(rows.length).toBeLessThan(3000 * 0.02);
  });

  it('to a place that does not exist, or without =, is an invalid job saying so', () => {
    const result = sluice(['validate', writeJob(job), '--set', 'transforms[4].value=1', '--set', 'source.rows'], { env: { THRESHOLD: '1' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--set transforms[4].value=1: no transforms[4] in the job (transforms has 1 item)');
    expect(result.stderr).toContain('--set source.rows: must be key.path=value, e.g. transforms[0].value=95');
  });

  it('goes through the same option checks as the file', () => {
    const result = sluice(['validate', writeJob(job), '--set', 'transforms[0].op=gtt'], { env: { THRESHOLD: '1' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('transforms[0].op: must be one of gt, gte, lt, lte, eq, ne (got "gtt")');
  });
});

describe('version: in a job file', () => {
  it('1 is accepted; another version is an invalid job naming the key', () => {
    expect(sluice(['validate', writeJob(job)], { env: { THRESHOLD: '1' } }).status).toBe(0);
    const result = sluice(['validate', writeJob(job.replace('version: 1', 'version: 2'))], { env: { THRESHOLD: '1' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('job.yaml:1:1: version: must be 1 (got 2)');
  });
});
