import { describe, expect, it } from 'vitest';
import { expectTwins } from './parse-helpers.js';

// The native path checks a batch's bitmap for nulls with one memcmp of its whole bytes plus a
// look at the tail byte: a null in any byte, or in the tail's bits alone, must keep the bitmap.
describe('csv validity bitmaps of the native path', () => {
  it('a batch with one null anywhere keeps its bitmap (native = twin)', async () => {
    for (const batchSize of [8, 13, 64, 100]) {
      for (const nullAt of [0, 6, 7, 8, 12, 63, 64, 99]) {
        const rows = Array.from({ length: 100 }, (_, r) => (r === nullAt ? ',1' : `${r},1`));
        const out = await expectTwins(`a,b\n${rows.join('\n')}\n`, { schema: { a: 'int64', b: 'int32' }, batchSize });
        if (out === 'plan failed') throw new Error('planning failed');
        const validity = out.map((batch) => ('columns' in batch ? (batch.columns[0] as { validity: string | null }).validity : 'error'));
        expect(validity.filter((v) => v !== null)).toHaveLength(1);
      }
    }
  });

  it('a batch without nulls has no bitmap', async () => {
    const out = await expectTwins('a\n1\n2\n3\n', { schema: { a: 'int64' }, batchSize: 2 });
    if (out === 'plan failed') throw new Error('planning failed');
    expect(out.map((batch) => ('columns' in batch ? (batch.columns[0] as { validity: string | null }).validity : 'error'))).toEqual([null, null]);
  });
});
