import { describe, expect, it } from 'vitest';
import { encodeStrings, RecordBatch, schema } from '../src/index.js';
import { Aggregate } from '../src/stages/transforms/aggregate.js';
import { collectRows, streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';

describe('aggregate on a utf8 key whose dictionary is much larger than the rows using it', () => {
  it('makes groups only for the values rows hold, across batches sharing the dictionary', async () => {
    const s = schema({ k: 'utf8', v: 'int32' });
    const dictionary = encodeStrings(Array.from({ length: 200_000 }, (_, i) => `s${String(i).padStart(6, '0')}`));
    const batch = (codes: number[], nulls = false) =>
      new RecordBatch(s, [
        { layout: 'dictionary', codes: Int32Array.from(codes), dictionary, validity: nulls ? Uint8Array.of(0b01) : null },
        { layout: 'int32', values: Int32Array.from(codes, () => 1), validity: null },
      ]);
    const stage = new Aggregate(Aggregate.options.parse({ group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }] }));
    const out = stage.outputSchema(s, testPlanContext());
    const rows = await collectRows(stage.transform(streamOf([batch([199_999, 7, 7]), batch([5, 7], true), batch([123_456])]), testStageContext({ schema: out })));
    expect(rows).toEqual([
      { k: 's000005', n: 1n },
      { k: 's000007', n: 2n },
      { k: 's123456', n: 1n },
      { k: 's199999', n: 1n },
      { k: null, n: 1n },
    ]);
  });
});
