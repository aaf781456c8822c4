import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkSourceCompliance } from '../src/testing/harness.js';
import { LeakySource } from './fixtures/broken-stages/leaky-source.js';

const numbers = (count: number, bad = -1) => Array.from({ length: count }, (_, i) => (i === bad ? 'x\n' : `${i}\n`)).join('');

it.runIf(process.platform === 'linux')('a source that leaks its file handle when stopped early fails "early stop"', async () => {
  const results = await checkSourceCompliance(LeakySource, async (dir) => {
    await writeFile(join(dir, 'empty.txt'), '');
    await writeFile(join(dir, 'one.txt'), '1\n');
    await writeFile(join(dir, 'many.txt'), numbers(1500));
    await writeFile(join(dir, 'nulls.txt'), '1\n\n3\n');
    await writeFile(join(dir, 'bad.txt'), numbers(1500, 700));
    return { empty: { path: 'empty.txt' }, oneRow: { path: 'one.txt' }, manyBatches: { path: 'many.txt' }, nulls: { path: 'nulls.txt' }, failing: { path: 'bad.txt' } };
  });
  const failed = results.filter((r) => !r.ok);
  // Read to the end it closes its file, so only the runs that stop before the end leak.
  expect(failed.map((r) => r.check)).toEqual(['early stop', 'error inside the stream', 'cleanup on abort', 'file handles']);
  expect(failed[0]!.message).toBe('1 file descriptor left open after the consumer stopped after the first batch');
});
