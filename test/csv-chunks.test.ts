import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv, readDir, tempDir } from './csv-helpers.js';

const TRICKY = [
  '\uFEFFid,"na,me",value,flag',
  '1,"a ""quoted"" one",1.5,true',
  '2,"spans\r\ntwo lines",-2e-3,false',
  '3,,NaN,',
  '4,"",Infinity,TRUE',
  '5,plain ünïcödé 😀,7,false',
  '6,"end",-0,true',
].join('\r\n');

describe('csv across chunk boundaries', () => {
  it('reads the same rows for every chunk size', async () => {
    const whole = await readCsv(TRICKY);
    expect(whole.rows).toHaveLength(6);
    for (let chunkSize = 1; chunkSize <= 40; chunkSize++) {
      const chunked = await readCsv(TRICKY, { chunkSize });
      expect(chunked.schema.toJSON(), `chunkSize ${chunkSize}`).toEqual(whole.schema.toJSON());
      expect(chunked.rows, `chunkSize ${chunkSize}`).toEqual(whole.rows);
    }
  });

  it('reads a quoted field much longer than a chunk', async () => {
    const long = `${'x,"\n'.repeat(50_000)}end`;
    const text = `a,b\n"${long.replaceAll('"', '""')}",1\n2,3\n`;
    const { rows } = await readCsv(text, { chunkSize: 1024 });
    expect(rows).toEqual([
      { a: long, b: 1n },
      { a: '2', b: 3n },
    ]);
  });

  it('reads a file over 1 MiB with the default chunk size', async () => {
    const dir = await tempDir();
    const lines = ['id,name,value'];
    const n = 60_000;
    for (let i = 0; i < n; i++) lines.push(`${i},"name ${i % 100}, with comma",${i / 8}`);
    const text = `${lines.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(1 << 21);
    await writeFile(join(dir, 'data.csv'), text);
    const { rows, bytesRead, batches } = await readDir(dir, { batchSize: 16_384 });
    expect(bytesRead).toBe(text.length);
    expect(batches.map((b) => b.numRows)).toEqual([16_384, 16_384, 16_384, 60_000 - 3 * 16_384]);
    expect(rows).toHaveLength(n);
    for (const i of [0, 1, 17_000, 59_999]) expect(rows[i]).toEqual({ id: BigInt(i), name: `name ${i % 100}, with comma`, value: i / 8 });
  });
});
