import { describe, expect, it } from 'vitest';
import { DataError, schema } from '../src/index.js';
import { collectRows, testStageContext } from '../src/testing/context.js';
import { csvSource, fileWith, planProblems, readError } from './csv-helpers.js';

const AB = { a: 'int64', b: 'utf8' };

describe('csv unterminated quote', () => {
  it('a quote left open at the end of the file is a DataError at the line it opened', async () => {
    const error = await readError('a,b\n1,2\n3,"never closed\nmore\n', { schema: AB });
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('data.csv:3:2: unterminated quoted field: the quote opened here is never closed');
  });

  it('with small chunks too', async () => {
    const error = await readError('a,b\n1,2\n3,"never closed\nmore\n', { chunkSize: 3, schema: AB });
    expect(error.message).toBe('data.csv:3:2: unterminated quoted field: the quote opened here is never closed');
  });

  it('inside the inference sample, at planning time', async () => {
    expect(await planProblems('a,b\n1,2\n3,"never closed\n')).toEqual(['path: data.csv:3:2: unterminated quoted field: the quote opened here is never closed']);
  });

  it('in the header, at planning time', async () => {
    expect(await planProblems('"a,b\n1,2\n')).toEqual(['path: data.csv:1:1: unterminated quoted field: the quote opened here is never closed']);
  });

  it('without a header, after leading empty lines, the line is still right (planning and streaming)', async () => {
    const options = { header: false, schema: { a: 'utf8', b: 'int64' } };
    const expected = 'data.csv:3:1: unterminated quoted field: the quote opened here is never closed';
    expect(await planProblems('\n\n"open,1\n', options)).toEqual([`path: ${expected}`]);
    const dir = await fileWith('\n\n"open,1\n');
    const ctx = testStageContext({ schema: schema({ a: 'utf8', b: 'int64' }), baseDir: dir });
    await expect(collectRows(csvSource(options).stream(ctx))).rejects.toThrow(expected);
  });

  it('a quote closed right at the end of the file is fine', async () => {
    const { readCsv } = await import('./csv-helpers.js');
    expect((await readCsv('a\n"x"')).rows).toEqual([{ a: 'x' }]);
    expect((await readCsv('a\n"x"""', { chunkSize: 1 })).rows).toEqual([{ a: 'x"' }]);
  });
});
