import { describe, expect, it } from 'vitest';
import { DataError } from '../src/index.js';
import { readCsv, readError } from './csv-helpers.js';

describe('csv quoting (RFC 4180)', () => {
  it('keeps delimiters inside quoted fields', async () => {
    const { rows } = await readCsv('a,b\n"x, y",2\n"1,2,3",3\n');
    expect(rows).toEqual([
      { a: 'x, y', b: 2n },
      { a: '1,2,3', b: 3n },
    ]);
  });

  it('reads doubled quotes as one quote', async () => {
    const { rows } = await readCsv('a\n"he said ""hi"""\n""""\n"a""""b"\n');
    expect(rows.map((r) => r.a)).toEqual(['he said "hi"', '"', 'a""b']);
  });

  it('keeps line breaks inside quoted fields as they are', async () => {
    const { rows } = await readCsv('a,b\n"line 1\nline 2",1\r\n"crlf\r\ninside",2\n"lone\rcr",3\n');
    expect(rows).toEqual([
      { a: 'line 1\nline 2', b: 1n },
      { a: 'crlf\r\ninside', b: 2n },
      { a: 'lone\rcr', b: 3n },
    ]);
  });

  it('quotes header names too', async () => {
    const { schema } = await readCsv('"first, name","say ""x"""\n1,2\n');
    expect(schema.names).toEqual(['first, name', 'say "x"']);
  });

  it('reads a quote inside an unquoted field as a plain character', async () => {
    const { rows } = await readCsv('a,b\n5",x"y\n');
    expect(rows).toEqual([{ a: '5"', b: 'x"y' }]);
  });

  it('treats quoted numbers as numbers', async () => {
    const { schema, rows } = await readCsv('n,f\n"42","1.5"\n7,2\n');
    expect(schema.toJSON()).toEqual({ n: 'int64', f: 'float64' });
    expect(rows).toEqual([
      { n: 42n, f: 1.5 },
      { n: 7n, f: 2 },
    ]);
  });

  it('rejects text after a closing quote, naming line and field', async () => {
    const error = await readError('a,b\n1,2\n3,"x"y\n', { schema: { a: 'int64', b: 'utf8' } });
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('data.csv:3:2: unexpected "y" after the closing quote of a quoted field (a quote inside a quoted field is written "")');
  });

  it('uses another delimiter when asked', async () => {
    const { rows } = await readCsv('a;b\n"x;y";1,5\n', { delimiter: ';' });
    expect(rows).toEqual([{ a: 'x;y', b: '1,5' }]);
    const tabs = await readCsv('a\tb\n1\t"t\tab"\n', { delimiter: '\t' });
    expect(tabs.rows).toEqual([{ a: 1n, b: 't\tab' }]);
  });
});
