import { describe, expect, it } from 'vitest';
import { RecordBatch, schema, type Float64Column, type Utf8Column, utf8FromStrings } from '../src/index.js';

const s = schema({ v: 'float64', name: 'utf8' });
const rows = Array.from({ length: 100 }, (_, i) => ({ v: i % 7 === 0 ? null : i / 2, name: i % 11 === 0 ? null : `n${i}` }));

describe('slice', () => {
  it('shares the data buffers with the original (zero-copy)', () => {
    const batch = RecordBatch.fromRows(s, rows);
    const slice = batch.slice(10, 50);
    const original = batch.column('v') as Float64Column;
    const sliced = slice.column('v') as Float64Column;
    expect(sliced.values.buffer).toBe(original.values.buffer);
    expect(sliced.values.byteOffset).toBe(10 * 8);
    expect(slice.numRows).toBe(40);
  });

  it('gives the same rows as slicing the row list, at aligned and unaligned starts', () => {
    const batch = RecordBatch.fromRows(s, rows);
    for (const [start, end] of [[0, 100], [8, 16], [3, 97], [13, 14], [50, 50]] as const) {
      expect(batch.slice(start, end).toRows()).toEqual(rows.slice(start, end));
    }
  });

  it('of a slice is still correct', () => {
    const batch = RecordBatch.fromRows(s, rows);
    expect(batch.slice(5, 90).slice(7, 30).toRows()).toEqual(rows.slice(12, 35));
  });

  it('of a plain utf8 column shares its bytes', () => {
    const column = utf8FromStrings(['a', 'bb', null, 'dddd']);
    const batch = new RecordBatch(schema({ s: 'utf8' }), [column]);
    const slice = batch.slice(1, 4);
    expect((slice.column('s') as Utf8Column).bytes).toBe(column.bytes);
    expect(slice.toRows()).toEqual([{ s: 'bb' }, { s: null }, { s: 'dddd' }]);
  });
});

describe('take', () => {
  it('picks rows by index, in the order given', () => {
    const batch = RecordBatch.fromRows(s, rows);
    const picked = batch.take(new Uint32Array([99, 0, 7, 7, 22]), 4);
    expect(picked.toRows()).toEqual([rows[99], rows[0], rows[7], rows[7]]);
  });
});

describe('take of every row', () => {
  it('in another order reorders them (no shortcut for a full-length selection)', () => {
    const batch = RecordBatch.fromRows(s, rows.slice(0, 3));
    expect(batch.take(new Uint32Array([2, 1, 0])).toRows()).toEqual([rows[2], rows[1], rows[0]]);
  });
});
