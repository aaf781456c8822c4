import { describe, expect, it } from 'vitest';
import { RecordBatch, schema } from '../src/index.js';
import { Aggregate } from '../src/stages/transforms/aggregate.js';
import { collectRows, streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';
import { runAggregate } from './helpers/stages.js';

const aggregate = runAggregate;

import { utf8FromStrings } from '../src/index.js';
import { compareCodePoints } from '../src/stages/transforms/aggregate/order.js';

const byUtf8Bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('aggregate: string keys ordered by Unicode code point (UTF-8 byte order)', () => {
  // U+FFFD and U+E000 sort below U+1F600 by code point, though their UTF-16 units sort above it.
  const strings = ['\u{1F600}', '\uFFFD', 'z', 'Z', '', 'a', 'é', 'e\u0301', '\uE000', '\u{10000}', 'ab', 'a\u{1F600}', 'a\uFFFD', '\u00A0', '日本'];

  it('differs from JavaScript < exactly where UTF-16 and code point order disagree', () => {
    expect('\u{1F600}' < '\uFFFD').toBe(true);
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBe(1);
    for (const a of strings) for (const b of strings) expect(Math.sign(compareCodePoints(a, b)), `${a} vs ${b}`).toBe(byUtf8Bytes(a, b));
  });

  it('sorts groups by UTF-8 bytes, for dictionary-encoded and plain utf8 columns', async () => {
    const s = schema({ k: 'utf8' });
    const out = await aggregate(s, strings.map((k) => ({ k })), { group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }] });
    expect(out.map((r) => r.k)).toEqual([...strings].sort(byUtf8Bytes));

    const plain = new RecordBatch(s, [utf8FromStrings([...strings, ...strings])]);
    expect(plain.columns[0]!.layout).toBe('utf8');
    const stage = new Aggregate(Aggregate.options.parse({ group_by: ['k'], aggregates: [{ fn: 'count', as: 'n' }] }));
    const outSchema = stage.outputSchema(s, testPlanContext());
    const rows = await collectRows(stage.transform(streamOf([plain]), testStageContext({ schema: outSchema })));
    expect(rows).toEqual([...strings].sort(byUtf8Bytes).map((k) => ({ k, n: 2n })));
  });
});
