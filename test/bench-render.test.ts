import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { renderResults } from '../bench/lib/render.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function resultsDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-render-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

const environment = { date: '2026-01-01T00:00:00Z', cpu: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v20.0.0', rustc: null, commit: 'abc1234' };

test('renderer tables every result file with rows, with extra scalar columns, and lists the others', () => {
  const dir = resultsDir({
    'kernels.json': {
      suite: 'kernels',
      environment,
      description: 'kernel twins',
      reference: 'floor',
      rows: [
        { name: 'floor', group: 'f64', impl: 'native', medianMs: 4, ratioToReference: 1, mbPerS: 20000 },
        { name: 'compare|gt', group: 'f64', impl: 'js', medianMs: 12.5, ratioToReference: 3.125, runs: [1, 2] },
      ],
    },
    'old.json': { suite: 'old', runs: [] },
  });
  const md = renderResults(dir);
  const lines = md.split('\n');
  const header = lines.indexOf('| group | name | impl | median ms | ratio to floor | mbPerS |');
  expect(header).toBeGreaterThan(0);
  expect(lines[header + 2]).toBe('| f64 | floor | native | 4 | 1.00× | 20,000 |');
  // A pipe inside a name must not split the cell; nested values stay in the JSON.
  expect(lines[header + 3]).toBe('| f64 | compare\\|gt | js | 12.50 | 3.13× |  |');
  expect(md).toContain('commit abc1234');
  expect(md).toContain('`bench/results/old.json` (suite `old`): an older shape without `rows`');
});

test('renderer says when a result was measured with uncommitted changes', () => {
  const result = (uncommitted: number) => ({ suite: 's', environment: { ...environment, uncommitted }, description: 'd', reference: 'r', rows: [{ name: 'r', medianMs: 1, ratioToReference: 1 }] });
  expect(renderResults(resultsDir({ 'a.json': result(0) }))).toContain('commit abc1234.');
  expect(renderResults(resultsDir({ 'a.json': result(1) }))).toContain('commit abc1234 plus 1 uncommitted change.');
  expect(renderResults(resultsDir({ 'a.json': result(3) }))).toContain('commit abc1234 plus 3 uncommitted changes.');
});

test('renderer reports a result file that is not JSON instead of failing', () => {
  const md = renderResults(resultsDir({ 'broken.json': '{ nope' }));
  expect(md).toMatch(/`broken.json`: not valid JSON/);
});
