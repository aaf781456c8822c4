import { describe, expect, it } from 'vitest';
import { readCsv, readError } from './csv-helpers.js';

describe('csv line endings', () => {
  it('reads CRLF files', async () => {
    const { schema, rows } = await readCsv('id,name\r\n1,a\r\n2,b\r\n');
    expect(schema.names).toEqual(['id', 'name']);
    expect(rows).toEqual([
      { id: 1n, name: 'a' },
      { id: 2n, name: 'b' },
    ]);
  });

  it('reads LF, CRLF and lone CR mixed, and a last line without a line break', async () => {
    const { rows } = await readCsv('id,name\n1,a\r\n2,b\r3,c');
    expect(rows.map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('does not split a CRLF that straddles a chunk boundary', async () => {
    // With one-byte chunks every CR is seen before its LF arrives; in a one-column file a
    // split CRLF would show up as an extra null row.
    const text = 'v\r\n1\r\n\r\n2\r\n';
    for (const chunkSize of [1, 2, 3, 4, 5]) {
      const { rows } = await readCsv(text, { chunkSize });
      expect(rows, `chunkSize ${chunkSize}`).toEqual([{ v: 1n }, { v: null }, { v: 2n }]);
    }
  });

  it('counts CRLF as one line in error positions', async () => {
    const error = await readError('a,b\r\n1,2\r\n3\r\n', { schema: { a: 'int64', b: 'int64' } });
    expect(error.message).toBe('data.csv:3: expected 2 fields, found 1');
  });

  it('counts lone CRs as lines too', async () => {
    const error = await readError('a,b\r1,2\r3\r', { schema: { a: 'int64', b: 'int64' } });
    expect(error.message).toBe('data.csv:3: expected 2 fields, found 1');
  });
});
