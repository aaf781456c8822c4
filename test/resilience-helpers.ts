/** Shared by the resilience, dead-letter, accounting and cancellation tests: the fault plugins and a job runner. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { checkAccounting, Pipeline, type JobSpec, type RunSummary } from '../src/index.js';

const faults = fileURLToPath(new URL('./fixtures/faults/', import.meta.url));

/** Absolute paths of the fault-injection plugins (plain JS, importing sluice as a plugin does). */
export const FAULT_PLUGINS = ['flaky-transform', 'poison-records', 'slow-transform', 'failing-sink', 'poison-sum', 'plain-source'].map((name) => join(faults, `${name}.mjs`));

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sluice-faults-'));
}

/** Runs `job` (plugins added) in `dir`; checks the accounting equation of its summary. */
export async function runJob(dir: string, job: Record<string, unknown>): Promise<RunSummary> {
  const pipeline = await Pipeline.fromJob({ plugins: FAULT_PLUGINS, threads: 0, ...job } as unknown as JobSpec, { baseDir: dir });
  const summary = await pipeline.run();
  expect(checkAccounting(summary)).toEqual([]);
  return summary;
}

/** The rows of an NDJSON file. */
export function readNdjson(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The files in `dir`, temporary ones included: what a failed run must not leave behind. */
export function filesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
