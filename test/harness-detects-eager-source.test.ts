import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { checkSourceCompliance } from '../src/testing/harness.js';
import { EagerSource } from './fixtures/broken-stages/eager-source.js';

it.runIf(process.platform === 'linux')('a source that opens its file before the first pull fails "lazy start"', async () => {
  const results = await checkSourceCompliance(EagerSource, async (dir) => {
    await writeFile(join(dir, 'empty.txt'), '');
    await writeFile(join(dir, 'one.txt'), 'a\n');
    await writeFile(join(dir, 'many.txt'), Array.from({ length: 1500 }, (_, i) => `line ${i}\n`).join(''));
    return { empty: { path: 'empty.txt' }, oneRow: { path: 'one.txt' }, manyBatches: { path: 'many.txt' } };
  });
  const failed = results.filter((r) => !r.ok);
  expect(failed.map((r) => r.check)).toEqual(['lazy start', 'file handles']);
  expect(failed[0]!.message).toBe('stream() opened 1 file descriptor(s) before the first batch was pulled');
});
