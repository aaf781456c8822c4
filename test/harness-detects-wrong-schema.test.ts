import { expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { checkTransformCompliance } from '../src/testing/harness.js';
import { MislabelledTransform } from './fixtures/broken-stages/mislabelled-transform.js';

it('a transform whose batches do not match its declared output schema fails every check that sees a batch', async () => {
  const input = schema({ id: 'int64', v: 'float64' });
  const results = await checkTransformCompliance(MislabelledTransform, { options: {}, input, rows: [{ id: 1n, v: 1.5 }, { id: null, v: null }] });
  const failed = results.filter((r) => !r.ok);
  expect(failed.map((r) => r.check)).toEqual(['one row', 'many batches', 'nulls', 'error inside the stream']);
  expect(failed[0]!.message).toBe('batch 0 has schema {id: int64, v: float64} but the declared schema is {id: int64, v: float64, doubled: float64}');
});
