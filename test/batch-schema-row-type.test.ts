import { describe, expect, expectTypeOf, it } from 'vitest';
import { RecordBatch, schema, type RowOf } from '../src/index.js';

const Events = schema({
  id: { type: 'int64', nullable: false },
  name: 'utf8',
  score: 'float64',
  ok: 'bool',
  at: 'timestamp',
  n: 'int32',
});

describe('a schema declared once', () => {
  it('gives the row type of toRows() without a second declaration', () => {
    const batch = RecordBatch.fromRows(Events, [{ id: 1n, name: 'a', score: 1.5, ok: true, at: 1000, n: 3 }]);
    const rows = batch.toRows();
    expectTypeOf(rows[0]!).toEqualTypeOf<RowOf<typeof Events>>();
    expectTypeOf(rows[0]!.id).toEqualTypeOf<bigint>();
    expectTypeOf(rows[0]!.name).toEqualTypeOf<string | null>();
    expect(rows).toEqual([{ id: 1n, name: 'a', score: 1.5, ok: true, at: 1000, n: 3 }]);
  });

  it('gives the columnar layout: one typed array per field', () => {
    const batch = RecordBatch.fromRows(Events, [{ id: 7n, name: 'x', score: 2, ok: false, at: 5, n: 1 }]);
    expect(batch.columns.map((c) => c.layout)).toEqual(['int64', 'dictionary', 'float64', 'bool', 'timestamp', 'int32']);
    expect(batch.column('id')).toMatchObject({ values: new BigInt64Array([7n]) });
  });

  it('rejects an unknown type naming the field', () => {
    expect(() => schema({ x: 'float' as never })).toThrow('schema.x must be one of int32, int64, float64, bool, utf8, timestamp (got "float")');
  });
});
