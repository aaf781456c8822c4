import { spawn } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';
import { FAULT_PLUGINS, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('sluice run killed mid-run', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`by ${signal} exits ${code}, leaves no file of either sink, and the summary on stderr says how far each stage got`, async () => {
      dir = tempDir();
      writeFileSync(
        join(dir, 'job.yaml'),
        [
          `plugins: [${FAULT_PLUGINS.map((p) => JSON.stringify(p)).join(', ')}]`,
          'source: { type: synthetic, rows: 200000000, batch_size: 10000 }',
          'transforms:',
          '  - { type: poison_records, column: id, poison: [3], on_error: dead_letter }',
          '  - { type: flaky_transform, failures: 1, retry: { attempts: 2, initial_delay_ms: 1, max_delay_ms: 1 } }',
          'sink: { type: json_file, path: out/rows.ndjson, format: ndjson }',
          'dead_letter: { type: json_file, path: out/rejected.ndjson, format: ndjson }',
          '',
        ].join('\n'),
      );
      const child = spawn(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'run', join(dir, 'job.yaml'), '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      // Wait until both sinks have their temporary files, then interrupt.
      while (!readdirSync(dir).includes('out') || readdirSync(join(dir, 'out')).length < 2) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1000));
      child.kill(signal);
      const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(status).toBe(code);
      expect(readdirSync(join(dir, 'out'))).toEqual([]);
      const summary = stderr.slice(stderr.indexOf('sluice: '));
      expect(summary).toMatch(/^sluice: \S+job\.yaml interrupted after [\d.]+ s: [\d,]+ rows in/m);
      const rowsOf = (place: string) => Number(new RegExp(`^  ${place.replace(/[[\]]/g, '\\$&')}\\s+\\S+\\s+([\\d,]+) rows`, 'm').exec(summary)?.[1]?.replace(/,/g, ''));
      expect(rowsOf('source')).toBeGreaterThan(0);
      expect(rowsOf('source')).toBeLessThan(200_000_000);
      expect(Number.isSafeInteger(rowsOf('transforms[0]'))).toBe(true);
      expect(summary).toMatch(/^ {2}transforms\[1\] +flaky_transform /m);
      expect(summary).toMatch(/^ {2}sink +json_file /m);
      expect(stderr).toContain(`interrupted by ${signal}`);
    });
  }
});
