import { describe, expect, it } from 'vitest';
import { DataError } from '../src/index.js';
import { planProblems, readCsv, readError } from './csv-helpers.js';

describe('csv text encoding', () => {
  it('reads non-ASCII text', async () => {
    const { rows } = await readCsv('名前,emoji\n"Zoë, née",😀\nΩmega,"a\u0301"\n');
    expect(rows).toEqual([
      { 名前: 'Zoë, née', emoji: '😀' },
      { 名前: 'Ωmega', emoji: 'a\u0301' },
    ]);
  });

  it('rejects bytes that are not UTF-8 in a text column, naming line and column', async () => {
    const bytes = Buffer.concat([Buffer.from('id,name\n1,ok\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const error = await readError(bytes);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('data.csv:3:2: the value in column "name" is not valid UTF-8');
  });

  it('rejects a header that is not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('id,caf'), Buffer.from([0xe9]), Buffer.from('\n1,2\n')]);
    expect(await planProblems(bytes)).toEqual(['path: data.csv:1:2: the header is not valid UTF-8']);
  });
});
