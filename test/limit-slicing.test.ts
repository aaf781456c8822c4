import { describe, expect, it } from 'vitest';
import { RecordBatch, schema } from '../src/index.js';
import { Limit } from '../src/stages/transforms/limit.js';
import { collectRows, streamOf, testStageContext } from '../src/testing/context.js';

const s = schema({ i: 'int32', name: 'utf8' });
const batch = (from: number, count: number) => RecordBatch.fromRows(s, Array.from({ length: count }, (_, r) => ({ i: from + r, name: `r${from + r}` })));

async function limit(n: number, batches: RecordBatch[]) {
  const out: RecordBatch[] = [];
  for await (const b of new Limit(Limit.options.parse({ n })).transform(streamOf(batches), testStageContext({ schema: s }))) out.push(b);
  return out;
}

describe('limit keeps the first n rows in order', () => {
  it('slices the batch that crosses n', async () => {
    const out = await limit(7, [batch(0, 3), batch(3, 3), batch(6, 3)]);
    expect(out.map((b) => b.numRows)).toEqual([3, 3, 1]);
    expect(out.flatMap((b) => b.toRows())).toEqual(Array.from({ length: 7 }, (_, i) => ({ i, name: `r${i}` })));
  });

  it('passes everything through when the input has fewer than n rows, skipping empty batches', async () => {
    const out = await limit(100, [batch(0, 2), batch(2, 0), batch(2, 5)]);
    expect(out.map((b) => b.numRows)).toEqual([2, 5]);
  });

  it('works when n falls inside the first batch', async () => {
    expect(await collectRows(new Limit(Limit.options.parse({ n: 2 })).transform(streamOf([batch(0, 10)]), testStageContext({ schema: s })))).toEqual([
      { i: 0, name: 'r0' },
      { i: 1, name: 'r1' },
    ]);
  });
});
