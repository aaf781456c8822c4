import { describe, expect, it } from 'vitest';
import { RecordBatch, schema } from '../src/index.js';
import { Limit } from '../src/stages/transforms/limit.js';
import { collectRows, testStageContext } from '../src/testing/context.js';

describe('limit with n: 0', () => {
  it('yields nothing and never pulls its input', async () => {
    const s = schema({ i: 'int32' });
    let started = false;
    async function* input(): AsyncGenerator<RecordBatch> {
      started = true;
      yield RecordBatch.fromRows(s, [{ i: 1 }]);
    }
    const rows = await collectRows(new Limit(Limit.options.parse({ n: 0 })).transform(input(), testStageContext({ schema: s })));
    expect(rows).toEqual([]);
    expect(started).toBe(false);
  });

  it('rejects a negative or fractional n', () => {
    expect(Limit.options.safeParse({ n: -1 }).success).toBe(false);
    expect(Limit.options.safeParse({ n: 1.5 }).success).toBe(false);
    expect(Limit.options.safeParse({}).success).toBe(false);
  });
});
