import { describe, expect, it } from 'vitest';
import { readCsv } from './csv-helpers.js';

describe('csv nulls and empty strings', () => {
  it('an empty field is null, a quoted empty field is the empty string', async () => {
    const { rows } = await readCsv('a,b\n,""\n"",\nx,y\n');
    expect(rows).toEqual([
      { a: null, b: '' },
      { a: '', b: null },
      { a: 'x', b: 'y' },
    ]);
  });

  it('"" in a non-utf8 column is null', async () => {
    const { rows } = await readCsv('i,f,b,t\n"","","",""\n', { schema: { i: 'int32', f: 'float64', b: 'bool', t: 'timestamp' } });
    expect(rows).toEqual([{ i: null, f: null, b: null, t: null }]);
  });

  it('a trailing delimiter gives a null last field', async () => {
    const { rows } = await readCsv('a,b\n1,\n2,');
    expect(rows).toEqual([
      { a: 1n, b: null },
      { a: 2n, b: null },
    ]);
  });

  it('in a one-column file an empty line is a null (but the final line break is not a row)', async () => {
    const { rows } = await readCsv('v\n1\n\n""\n\n3\n', { schema: { v: 'utf8' } });
    expect(rows).toEqual([{ v: '1' }, { v: null }, { v: '' }, { v: null }, { v: '3' }]);
    const one = await readCsv('v\n\n');
    expect(one.rows).toEqual([{ v: null }]);
  });

  it('in a multi-column file empty lines are skipped', async () => {
    const { rows } = await readCsv('a,b\n\n1,2\n\r\n\n3,4\n\n');
    expect(rows).toEqual([
      { a: 1n, b: 2n },
      { a: 3n, b: 4n },
    ]);
  });

  it('nulls spread over many rows keep their places', async () => {
    const lines = ['a,b'];
    const expected: Record<string, unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      const a = i % 3 === 0 ? null : BigInt(i);
      const b = i % 7 === 0 ? null : `s${i % 5}`;
      lines.push(`${a ?? ''},${b ?? ''}`);
      expected.push({ a, b });
    }
    const { rows } = await readCsv(lines.join('\n'), { batchSize: 30 });
    expect(rows).toEqual(expected);
  });
});
