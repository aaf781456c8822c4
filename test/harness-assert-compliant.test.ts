import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lookupStage, type StageClass } from '../src/index.js';
import { assertCompliant, checkSourceCompliance, ComplianceError, type ComplianceResult } from '../src/testing/harness.js';

describe('assertCompliant', () => {
  it('throws a ComplianceError listing every failed check, one per line', () => {
    const results: ComplianceResult[] = [
      { check: 'definition', ok: true },
      { check: 'early stop', ok: false, message: '1 file descriptor left open' },
      { check: 'nulls', ok: true, skipped: true, message: 'no nulls case given' },
      { check: 'file handles', ok: false, message: 'early stop: 1 left open' },
    ];
    let thrown: unknown;
    try {
      assertCompliant(results, 'my_source');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ComplianceError);
    expect((thrown as ComplianceError).message).toBe('my_source is not compliant: 2 checks failed\n  early stop: 1 file descriptor left open\n  file handles: early stop: 1 left open');
    expect((thrown as ComplianceError).failures.map((f) => f.check)).toEqual(['early stop', 'file handles']);
  });

  it('passes when checks are only passed or skipped', () => {
    expect(() => assertCompliant([{ check: 'definition', ok: true }, { check: 'nulls', ok: true, skipped: true, message: 'no nulls case given' }])).not.toThrow();
  });
});

it('reports a case the author did not give as skipped, saying which', async () => {
  const synthetic = (lookupStage('synthetic') as { found: StageClass }).found;
  const results = await checkSourceCompliance(synthetic, { empty: { rows: 0 }, oneRow: { rows: 1 }, manyBatches: { rows: 1000 } });
  expect(results.filter((r) => r.skipped)).toEqual([
    { check: 'nulls', ok: true, skipped: true, message: 'no nulls case given' },
    { check: 'error inside the stream', ok: true, skipped: true, message: 'no failing case given' },
  ]);
});

it('fails "many batches" when the author gives too few rows to span batches, saying how many to give', async () => {
  const synthetic = (lookupStage('synthetic') as { found: StageClass }).found;
  const results = await checkSourceCompliance(synthetic, { empty: { rows: 0 }, oneRow: { rows: 1 }, manyBatches: { rows: 100 } });
  expect(results.find((r) => r.check === 'many batches')).toEqual({ check: 'many batches', ok: false, message: 'the manyBatches case holds 100 rows; give at least 129 (1,000+ is best) so they span many batches' });
});

it('the harness imports no test framework (plugins run it from any)', () => {
  const files = ['src/testing/harness.ts', ...readdirSync('src/testing/harness').map((f) => `src/testing/harness/${f}`)];
  for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"](vitest|jest|mocha|node:test)/);
});
