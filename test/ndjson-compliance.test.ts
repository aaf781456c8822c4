import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'vitest';
import { assertCompliant, checkSourceCompliance } from '../src/testing/harness.js';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';

it.runIf(process.platform === 'linux')('passes the source compliance harness', async () => {
  const results = await checkSourceCompliance(NdjsonSource, async (dir) => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `{"id":${i},"s":"row ${i}","v":${i / 4},"ok":${i % 2 === 0}}\n`).join('');
    await writeFile(join(dir, 'empty.ndjson'), '');
    await writeFile(join(dir, 'one.ndjson'), rows(1));
    await writeFile(join(dir, 'many.ndjson'), rows(5000));
    await writeFile(join(dir, 'nulls.ndjson'), `${rows(3)}{"id":null}\n{}\n`);
    await writeFile(join(dir, 'failing.ndjson'), `${rows(3000)}{"id":1,"s":}\n${rows(10)}`);
    const schema = { id: 'int64', s: 'utf8', v: 'float64', ok: 'bool' };
    return {
      empty: { path: 'empty.ndjson', schema },
      oneRow: { path: 'one.ndjson' },
      manyBatches: { path: 'many.ndjson' },
      nulls: { path: 'nulls.ndjson' },
      failing: { path: 'failing.ndjson' },
    };
  });
  assertCompliant(results, 'ndjson');
});
