import { describe, expect, it } from 'vitest';
import { DataError } from '../src/index.js';
import { SAMPLE_ROWS } from '../src/stages/sources/csv.js';
import { readCsv, readError } from './csv-helpers.js';

async function typesOf(text: string): Promise<Record<string, string>> {
  return (await readCsv(text)).schema.toJSON();
}

describe('csv schema inference', () => {
  it('integers → int64', async () => {
    expect(await typesOf('a\n1\n-20\n0\n-0\n')).toEqual({ a: 'int64' });
  });

  it('numbers with NaN, Infinity and exponents → float64', async () => {
    const { schema, rows } = await readCsv('a\n1.5\nNaN\nInfinity\n-Infinity\n1e3\n-2.5E-2\n.5\n7\n');
    expect(schema.toJSON()).toEqual({ a: 'float64' });
    expect(rows.map((r) => r.a)).toEqual([1.5, NaN, Infinity, -Infinity, 1000, -0.025, 0.5, 7]);
  });

  it('true/false → bool', async () => {
    expect(await typesOf('a\ntrue\nFALSE\n')).toEqual({ a: 'bool' });
  });

  it('anything else → utf8', async () => {
    expect(await typesOf('a,b,c\nx,1,true\n2,2.5,1\n')).toEqual({ a: 'utf8', b: 'float64', c: 'utf8' });
  });

  it('leading zeros make the column utf8 (identifiers keep their zeros)', async () => {
    const { schema, rows } = await readCsv('code,neg,frac,zero\n007,-01,00.5,0\n123,5,1.5,0.0\n');
    expect(schema.toJSON()).toEqual({ code: 'utf8', neg: 'utf8', frac: 'utf8', zero: 'float64' });
    expect(rows[0]!.code).toBe('007');
  });

  it('a leading plus makes the column utf8 (phone numbers)', async () => {
    expect(await typesOf('phone\n+4420123456\n')).toEqual({ phone: 'utf8' });
  });

  it('never infers timestamps or int32', async () => {
    expect(await typesOf('ts,small\n1767225600000,1\n')).toEqual({ ts: 'int64', small: 'int64' });
  });

  it('integers beyond int64 vote float64', async () => {
    expect(await typesOf('a\n100000000000000000000\n')).toEqual({ a: 'float64' });
  });

  it('empty fields do not vote; a column with no values is utf8', async () => {
    const { schema, rows } = await readCsv('a,b,c\n,1,\n"",2,\n3,,""\n');
    expect(schema.toJSON()).toEqual({ a: 'int64', b: 'int64', c: 'utf8' });
    expect(rows).toEqual([
      { a: null, b: 1n, c: null },
      { a: null, b: 2n, c: null },
      { a: 3n, b: null, c: '' },
    ]);
  });

  it('spaces around a number make it text', async () => {
    expect(await typesOf('a\n 1\n')).toEqual({ a: 'utf8' });
  });

  it(`samples the first ${SAMPLE_ROWS} rows; a later misfit is an error at its line and column`, async () => {
    const lines = ['id,value'];
    for (let i = 0; i < SAMPLE_ROWS; i++) lines.push(`${i},${i}.5`);
    lines.push(`${SAMPLE_ROWS},abc`);
    const text = `${lines.join('\n')}\n`;
    const error = await readError(text);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      `data.csv:${SAMPLE_ROWS + 2}:2: value "abc" in column "value" is not a float64 (the schema was inferred from the first ${SAMPLE_ROWS} rows; declare it under schema: to override)`,
    );
    expect((error as DataError).line).toBe(SAMPLE_ROWS + 2);
    expect((error as DataError).column).toBe(2);
    // The advice works: declaring the column reads the file.
    const { rows } = await readCsv(text, { schema: { value: 'utf8' } });
    expect(rows.at(-1)).toEqual({ id: BigInt(SAMPLE_ROWS), value: 'abc' });
  });

  it('a later float in an inferred int64 column is an error too', async () => {
    const lines = ['n'];
    for (let i = 0; i < SAMPLE_ROWS; i++) lines.push(String(i));
    lines.push('1.5');
    const error = await readError(lines.join('\n'));
    expect(error.message).toMatch(new RegExp(`^data.csv:${SAMPLE_ROWS + 2}:1: value "1.5" in column "n" is not an int64 \\(the schema was inferred`));
  });

  it('without a header, the first record is data and votes', async () => {
    expect((await readCsv('x,1\n1,2\n', { header: false })).schema.toJSON()).toEqual({ column_1: 'utf8', column_2: 'int64' });
  });
});
