import { describe, expect, it } from 'vitest';
import { schema, type StageClass } from '../src/index.js';
import { checkTransformCompliance } from '../src/testing/harness.js';
import { DrainingTransform } from './fixtures/broken-stages/draining-transform.js';
import { StubbornTransform } from './fixtures/broken-stages/stubborn-transform.js';
import { UnclosingTransform } from './fixtures/broken-stages/unclosing-transform.js';

const input = schema({ id: 'int64', v: 'float64', s: 'utf8' });
const rows = [{ id: 1n, v: 1.5, s: 'a' }, { id: null, v: null, s: null }, { id: 3n, v: 2, s: 'b' }];

async function earlyStop(cls: StageClass) {
  const results = await checkTransformCompliance(cls, { options: {}, input, rows });
  return results.find((r) => r.check === 'early stop')!;
}

describe('a transform that ignores early stop fails "early stop"', () => {
  it('when it drains its input after the consumer stopped', async () => {
    const result = await earlyStop(DrainingTransform);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^kept pulling its input after the consumer stopped \(\d+ more batch\(es\)\)$/);
  });

  it('when it never closes its input', async () => {
    const result = await earlyStop(UnclosingTransform);
    expect(result.ok).toBe(false);
    expect(result.message).toBe("did not close its input when the consumer stopped (the input generator's finally never ran)");
  });

  it('when it yields again instead of ending', async () => {
    const result = await earlyStop(StubbornTransform);
    expect(result.ok).toBe(false);
    expect(result.message).toBe('return() did not end the stream (it yielded again)');
  });
});
