import { describe, expect, it } from 'vitest';
import { DataError } from '../src/index.js';
import { planProblems, readCsv, readError } from './csv-helpers.js';

describe('csv declared schema', () => {
  it('declared types win; undeclared columns are inferred; file order is kept', async () => {
    const { schema, rows } = await readCsv('id,zip,score\n1,02134,1.5\n2,90210,2\n', { schema: { zip: 'utf8', id: 'int32' } });
    expect(schema.toJSON()).toEqual({ id: 'int32', zip: 'utf8', score: 'float64' });
    expect(rows[0]).toEqual({ id: 1, zip: '02134', score: 1.5 });
  });

  it('reports a declared column missing from the header at schema.<name>, with did-you-mean', async () => {
    expect(await planProblems('id,value\n1,2\n', { schema: { valeu: 'float64', id: 'int64' } })).toEqual([
      'schema.valeu: no column "valeu" in the header of data.csv (did you mean "value"?) (columns: id, value)',
    ]);
  });

  it('declared numeric columns accept leading zeros and a plus sign', async () => {
    const { rows } = await readCsv('a,b,c\n007,+5,-01.50\n', { schema: { a: 'int64', b: 'int32', c: 'float64' } });
    expect(rows).toEqual([{ a: 7n, b: 5, c: -1.5 }]);
  });

  it('reads int64 extremes exactly', async () => {
    const { rows } = await readCsv('v\n9223372036854775807\n-9223372036854775808\n9007199254740993\n-0\n', { schema: { v: 'int64' } });
    expect(rows.map((r) => r.v)).toEqual([9223372036854775807n, -9223372036854775808n, 9007199254740993n, 0n]);
  });

  it('rejects int64 values out of range', async () => {
    const error = await readError('v\n9223372036854775808\n', { schema: { v: 'int64' } });
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('data.csv:2:1: value "9223372036854775808" in column "v" is out of range for int64');
  });

  it('range-checks int32', async () => {
    const { rows } = await readCsv('v\n2147483647\n-2147483648\n', { schema: { v: 'int32' } });
    expect(rows.map((r) => r.v)).toEqual([2147483647, -2147483648]);
    const error = await readError('v\n1\n2147483648\n', { schema: { v: 'int32' } });
    expect(error.message).toBe('data.csv:3:1: value "2147483648" in column "v" is out of range for int32');
  });

  it('reads declared timestamps as integer epoch milliseconds', async () => {
    const { schema, rows } = await readCsv('ts\n1767225600000\n-1\n', { schema: { ts: 'timestamp' } });
    expect(schema.toJSON()).toEqual({ ts: 'timestamp' });
    expect(rows.map((r) => r.ts)).toEqual([1767225600000, -1]);
    const error = await readError('ts\n2026-01-01\n', { schema: { ts: 'timestamp' } });
    expect(error.message).toBe('data.csv:2:1: value "2026-01-01" in column "ts" is not a timestamp');
  });

  it('reads bools in any letter case', async () => {
    const { rows } = await readCsv('b\ntrue\nFalse\nTRUE\n', { schema: { b: 'bool' } });
    expect(rows.map((r) => r.b)).toEqual([true, false, true]);
    expect((await readError('b\nyes\n', { schema: { b: 'bool' } })).message).toBe('data.csv:2:1: value "yes" in column "b" is not a bool');
  });

  it('never trims spaces from numbers', async () => {
    const error = await readError('n\n 5\n', { schema: { n: 'int64' } });
    expect(error.message).toBe('data.csv:2:1: value " 5" in column "n" is not an int64');
  });

  it('a declared value error has no inference hint', async () => {
    const error = await readError('a,value\nx,1\ny,abc\n', { schema: { value: 'float64' } });
    expect(error.message).toBe('data.csv:3:2: value "abc" in column "value" is not a float64');
  });

  it('rejects unknown types and bad delimiters through the options schema', async () => {
    const { CsvSource } = await import('../src/stages/sources/csv.js');
    expect(CsvSource.options.safeParse({ path: 'x', schema: { a: 'int8' } }).success).toBe(false);
    expect(CsvSource.options.safeParse({ path: 'x', delimiter: ';;' }).success).toBe(false);
    expect(CsvSource.options.safeParse({ path: 'x', delimiter: '"' }).success).toBe(false);
    expect(CsvSource.options.safeParse({ path: 'x', delimiter: '§' }).success).toBe(false);
    expect(CsvSource.options.safeParse(CsvSource.example).success).toBe(true);
  });
});
