import { describe, expect, it } from 'vitest';
import { isValid, RecordBatch, schema } from '../src/index.js';

describe('nulls', () => {
  it('live in a validity bitmap, one bit per row', () => {
    const s = schema({ v: 'float64', s: 'utf8' });
    const rows = Array.from({ length: 20 }, (_, i) => ({ v: i % 3 === 0 ? null : i, s: i % 5 === 0 ? null : `s${i}` }));
    const batch = RecordBatch.fromRows(s, rows);
    const v = batch.column('v');
    expect(v.validity).toBeInstanceOf(Uint8Array);
    expect(v.validity!.length).toBe(3);
    expect(Array.from({ length: 20 }, (_, i) => isValid(v.validity, i))).toEqual(rows.map((r) => r.v !== null));
    expect(batch.toRows()).toEqual(rows);
  });

  it('columns without nulls carry no bitmap', () => {
    const batch = RecordBatch.fromRows(schema({ v: 'int32' }), [{ v: 1 }, { v: 2 }]);
    expect(batch.column('v').validity).toBeNull();
  });

  it('an undefined or missing key is null', () => {
    const batch = RecordBatch.fromRows(schema({ a: 'int32', b: 'utf8' }), [{ a: 1 }, { b: 'x', a: undefined }]);
    expect(batch.toRows()).toEqual([{ a: 1, b: null }, { a: null, b: 'x' }]);
  });

  it('a value of the wrong type is rejected naming row and field', () => {
    expect(() => RecordBatch.fromRows(schema({ a: 'int32' }), [{ a: 1 }, { a: 1.5 }])).toThrow('row 1, field "a" must be int32');
    expect(() => RecordBatch.fromRows(schema({ a: 'int64' }), [{ a: 2n ** 63n }])).toThrow('field "a" must be int64');
  });
});

describe('an all-null utf8 column', () => {
  it('keeps every dictionary code in range', () => {
    const column = RecordBatch.fromRows(schema({ s: 'utf8' }), [{ s: null }, { s: null }]).column('s');
    expect(column.layout).toBe('dictionary');
    if (column.layout !== 'dictionary') return;
    const entries = column.dictionary.offsets.length - 1;
    expect(Array.from(column.codes).every((code) => code < entries)).toBe(true);
  });
});
