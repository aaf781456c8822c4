import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, sluice } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('a plain-JavaScript plugin listed under plugins:', () => {
  it('runs through the CLI: its stage is registered on import and used by type', () => {
    // Info lines (run started/finished) are expected on stderr; nothing worse is.
    const result = sluice(['run', 'examples/scale-job.yaml', '--log-level', 'warn']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const rows = readFileSync(join(repoRoot, 'out/scaled.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBeGreaterThan(500);
    expect(rows.every((r) => r.value >= 0.99 && r.value < 1)).toBe(true);
    expect(result.stdout).toMatch(/transforms\[0\]\s+scale\s+100,000 rows in, 100,000 out/);
  });

  it('is checked before data flows like any stage', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-plugin-'));
    writeFileSync(join(dir, 'job.yaml'), `plugins: [${join(repoRoot, 'examples/scale-plugin.mjs')}]\nsource: { type: synthetic, rows: 10 }\ntransforms:\n  - { type: scale, column: category, factr: 2 }\nsink: { type: json_file, path: out.json }\n`);
    const result = sluice(['validate', join(dir, 'job.yaml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('transforms[0].factr: unknown option "factr" (did you mean "factor"?)');
    expect(result.stderr).toContain('transforms[0].factor: is required');
  });

  it('that cannot be loaded is a problem at its place', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-plugin-'));
    writeFileSync(join(dir, 'job.yaml'), 'plugins: [./missing.mjs]\nsource: { type: synthetic, rows: 10 }\nsink: { type: json_file, path: out.json }\n');
    const result = sluice(['validate', join(dir, 'job.yaml')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('plugins[0]: cannot load plugin "./missing.mjs": no such file');
  });

  it('whose stage class lacks its method is rejected naming the class', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-plugin-'));
    writeFileSync(
      join(repoRoot, 'examples/.broken-plugin.mjs'),
      "import { Transform, registerStage, z } from 'sluice';\nexport class Forgetful extends Transform {\n  static type = 'forgetful';\n  static description = 'has no transform method';\n  static options = z.strictObject({});\n  static { registerStage(this); }\n}\n",
    );
    try {
      writeFileSync(join(dir, 'job.yaml'), `plugins: [${join(repoRoot, 'examples/.broken-plugin.mjs')}]\nsource: { type: synthetic, rows: 10 }\nsink: { type: json_file, path: out.json }\n`);
      const result = sluice(['validate', join(dir, 'job.yaml')]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('stage class Forgetful (transform "forgetful") has no transform() method');
    } finally {
      rmSync(join(repoRoot, 'examples/.broken-plugin.mjs'));
    }
  });
});
