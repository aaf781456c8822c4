import { expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { checkTransformCompliance } from '../src/testing/harness.js';
import { PerBatchLimit } from './fixtures/broken-stages/per-batch-limit.js';

it('a transform whose output depends on batch boundaries fails "many batches"', async () => {
  const input = schema({ id: 'int64', v: 'float64' });
  const rows = [{ id: 1n, v: 1.5 }, { id: null, v: null }, { id: 3n, v: 2 }];
  const results = await checkTransformCompliance(PerBatchLimit, { options: { n: 3 }, input, rows });
  expect(results.filter((r) => !r.ok).map((r) => r.check)).toEqual(['many batches']);
  expect(results.find((r) => r.check === 'many batches')!.message).toMatch(/^the output depends on how the input is batched: the same 1002 rows in \d+ batches instead of one give \d+ rows instead of 3$/);
});
