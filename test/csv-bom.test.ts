import { describe, expect, it } from 'vitest';
import { readCsv } from './csv-helpers.js';

const BOM = '\uFEFF';

describe('csv byte order mark', () => {
  it('skips a UTF-8 BOM at the start', async () => {
    const { schema, rows } = await readCsv(`${BOM}id,name\n1,é\n`);
    expect(schema.names).toEqual(['id', 'name']);
    expect(rows).toEqual([{ id: 1n, name: 'é' }]);
  });

  it('skips a BOM split across chunks', async () => {
    for (const chunkSize of [1, 2, 3]) {
      const { schema } = await readCsv(`${BOM}id\n1\n`, { chunkSize });
      expect(schema.names).toEqual(['id']);
    }
  });

  it('skips it without a header as well', async () => {
    const { rows } = await readCsv(`${BOM}1,2\n`, { header: false });
    expect(rows).toEqual([{ column_1: 1n, column_2: 2n }]);
  });

  it('keeps a U+FEFF that is not at the start of the file', async () => {
    const { batches } = await readCsv(`a\n${BOM}x\n`);
    const column = batches[0]!.columns[0]!;
    // Checked on the bytes: utf8At (src/batch/column.ts) decodes without ignoreBOM, so toRows() drops a leading U+FEFF.
    expect(column.layout).toBe('dictionary');
    if (column.layout === 'dictionary') expect(Buffer.from(column.dictionary.bytes).toString('utf8')).toBe(`${BOM}x`);
  });
});
