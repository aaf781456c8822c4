import { join } from 'node:path';
import { expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { checkSinkCompliance } from '../src/testing/harness.js';
import { PartialFileSink } from './fixtures/broken-stages/partial-file-sink.js';

it('a sink that leaves a partial file at its path fails "error inside the stream" and "cleanup on abort"', async () => {
  const input = schema({ id: 'int64', v: 'float64', s: 'utf8' });
  const rows = [{ id: 1n, v: 1.5, s: 'a' }, { id: null, v: null, s: null }];
  const results = await checkSinkCompliance(PartialFileSink, (dir) => ({ options: { path: join(dir, 'out.ndjson') }, input, rows }));
  expect(results.filter((r) => !r.ok)).toEqual([
    { check: 'error inside the stream', ok: false, message: 'left out.ndjson in the output folder' },
    { check: 'cleanup on abort', ok: false, message: 'left out.ndjson in the output folder' },
  ]);
});
