import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('sluice run interrupted', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`by ${signal} exits ${code} and leaves no file, partial or temporary, in the output folder`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'sluice-int-'));
      writeFileSync(join(dir, 'job.yaml'), 'source: { type: synthetic, rows: 200000000 }\nsink: { type: json_file, path: out/rows.ndjson, format: ndjson }\n');
      const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'run', join(dir, 'job.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      // Wait until the sink has started writing, then interrupt.
      while (!readdirSync(dir).includes('out') || readdirSync(join(dir, 'out')).length === 0) await new Promise((r) => setTimeout(r, 50));
      child.kill(signal);
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(status).toBe(code);
      expect(stderr).toContain(`interrupted by ${signal}`);
      expect(readdirSync(join(dir, 'out'))).toEqual([]);
    });
  }
});
