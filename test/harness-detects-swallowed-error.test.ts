import { expect, it } from 'vitest';
import { schema } from '../src/index.js';
import { checkTransformCompliance } from '../src/testing/harness.js';
import { SwallowingTransform } from './fixtures/broken-stages/swallowing-transform.js';

it('a transform that swallows its input\'s error fails "error inside the stream" and nothing else', async () => {
  const input = schema({ id: 'int64', v: 'float64', s: 'utf8' });
  const rows = [{ id: 1n, v: 1.5, s: 'a' }, { id: null, v: null, s: null }];
  const results = await checkTransformCompliance(SwallowingTransform, { options: {}, input, rows });
  expect(results.filter((r) => !r.ok)).toEqual([{ check: 'error inside the stream', ok: false, message: 'ended normally after its input threw: the error was swallowed' }]);
});
