import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/runtime/errors.js';
import { repoRoot, sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function inDir(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'sluice-exit-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const okJob = 'source: { type: synthetic, rows: 1000 }\nsink: { type: json_file, path: out.json }\n';

describe('exit codes', () => {
  it(`${ExitCode.ok}: success`, () => {
    expect(sluice(['run', join(inDir({ 'job.yaml': okJob }), 'job.yaml'), '--quiet']).status).toBe(0);
  });

  it(`${ExitCode.failure}: a stage fails at run time`, () => {
    const plugin = [
      `import { BatchTransform, registerStage, z } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/index.js')).href)};`,
      'export class Explode extends BatchTransform {',
      "  static type = 'explode'; static description = 'Fails on its first batch'; static options = z.strictObject({});",
      '  static { registerStage(this); }',
      "  processBatch() { throw new Error('kaboom'); }",
      '}',
      '',
    ].join('\n');
    const d = inDir({ 'explode.mjs': plugin, 'job.yaml': `plugins: [./explode.mjs]\nsource: { type: synthetic, rows: 1000 }\ntransforms: [{ type: explode }]\nsink: { type: json_file, path: out.json }\n` });
    const result = sluice(['run', join(d, 'job.yaml'), '--report', join(d, 'report.json')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sluice: transforms[0] (explode): kaboom');
    expect(JSON.parse(readFileSync(join(d, 'report.json'), 'utf8'))).toMatchObject({ status: 'failed', exitCode: 1 });
  });

  it(`${ExitCode.invalidJob}: an invalid job, and a usage error`, () => {
    const d = inDir({ 'job.yaml': 'source: { type: synthetc }\nsink: { type: json_file, path: out.json }\n' });
    const invalid = sluice(['run', join(d, 'job.yaml'), '--report', join(d, 'report.json')]);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('unknown stage type "synthetc" (did you mean "synthetic"?)');
    // Nothing ran, so there is nothing to report.
    expect(existsSync(join(d, 'report.json'))).toBe(false);
    const usage = sluice(['run', join(d, 'job.yaml'), '--no-such-flag']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("unknown option '--no-such-flag'");
  });

  it(`${ExitCode.badInput}: bad input data`, () => {
    const d = inDir({ 'data.ndjson': '{"a":1}\n{"a":\n', 'job.yaml': 'source: { type: ndjson, path: data.ndjson, schema: { a: int64 } }\nsink: { type: json_file, path: out.json }\n' });
    const result = sluice(['run', join(d, 'job.yaml')]);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('data.ndjson:2');
  });

  it(`${ExitCode.interrupted}: interrupted by SIGINT, and the report says so`, async () => {
    const d = inDir({ 'job.yaml': 'source: { type: synthetic, rows: 500000000 }\ntransforms: [{ type: threshold_filter, column: value, op: gt, value: 200 }]\nsink: { type: json_file, path: out.json }\n' });
    const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'run', join(d, 'job.yaml'), '--report', join(d, 'report.json'), '--progress-interval', '50'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Wait for the first progress line: the run is under way.
    while (!stderr.includes('"progress"')) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(status).toBe(130);
    const report = JSON.parse(readFileSync(join(d, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ status: 'interrupted', exitCode: 130, error: { name: 'InterruptedError' } });
    expect(report.rowsIn).toBeGreaterThan(0);
  });

  it('every code, degraded success included, is in the README table with its number', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const table = new Map([...readme.matchAll(/^\| ([\d /]+) \| (.+) \|$/gm)].flatMap(([, codes, meaning]) => codes!.split('/').map((c) => [Number(c.trim()), meaning!] as const)));
    for (const [name, code] of Object.entries(ExitCode)) expect(table.has(code), `exit code ${name} = ${code} missing from the README table`).toBe(true);
    expect(table.get(ExitCode.degraded)).toMatch(/degraded/);
  });
});
