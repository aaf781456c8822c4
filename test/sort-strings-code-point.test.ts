import { describe, expect, it } from 'vitest';
import { RecordBatch, schema, type Schema } from '../src/index.js';
import { Sort } from '../src/stages/transforms/sort.js';
import { collectRows, streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';

/** Runs sort over `rows` (cut into batches of `batchRows`) and returns the output rows. */
async function sort(s: Schema, rows: Record<string, unknown>[], by: unknown, batchRows = 3, batchSize = 65_536) {
  const stage = new Sort(Sort.options.parse({ by }));
  const plan = testPlanContext();
  expect(stage.outputSchema(s, plan)).toBe(s);
  expect(plan.problems).toEqual([]);
  const all = RecordBatch.fromRows(s, rows as never);
  const batches = [];
  for (let start = 0; start < all.numRows; start += batchRows) batches.push(all.slice(start, start + batchRows));
  return collectRows(stage.transform(streamOf(batches), testStageContext({ schema: s, batchSize })));
}

import { utf8FromStrings } from '../src/index.js';

const byUtf8Bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const strings = ['\u{1F600}', '\uFFFD', 'z', 'Z', '', 'a', 'é', 'e\u0301', '\uE000', '\u{10000}', 'ab', 'a\u{1F600}', 'a\uFFFD', '\u00A0', '日本', 'a'];

describe('sort: strings by Unicode code point (UTF-8 byte order), not UTF-16 units', () => {
  it('ascending and descending, dictionary-encoded', async () => {
    const s = schema({ k: 'utf8' });
    const rows = strings.map((k) => ({ k }));
    expect((await sort(s, rows, [{ column: 'k' }])).map((r) => r.k)).toEqual([...strings].sort(byUtf8Bytes));
    expect((await sort(s, rows, [{ column: 'k', desc: true }])).map((r) => r.k)).toEqual([...strings].sort((a, b) => byUtf8Bytes(b, a)));
  });

  it('for a plain (offsets + bytes) utf8 column with nulls', async () => {
    const s = schema({ k: 'utf8' });
    const values = [...strings, null, ...strings.slice(0, 3)];
    const batch = new RecordBatch(s, [utf8FromStrings(values)]);
    expect(batch.columns[0]!.layout).toBe('utf8');
    const stage = new Sort(Sort.options.parse({ by: [{ column: 'k' }] }));
    const out = await collectRows(stage.transform(streamOf([batch]), testStageContext({ schema: s })));
    const expected = [...(values.filter((v) => v !== null) as string[])].sort(byUtf8Bytes);
    expect(out.map((r) => r.k)).toEqual([...expected, null]);
  });
});
