import { describe, expect, it } from 'vitest';
import { readCsv } from './csv-helpers.js';

function table(n: number): string {
  const lines = ['i,s'];
  for (let i = 0; i < n; i++) lines.push(`${i},s${i % 3}`);
  return `${lines.join('\n')}\n`;
}

describe('csv batches', () => {
  it('yields batches of ctx.batchSize rows, the last smaller', async () => {
    const { batches, rows } = await readCsv(table(25), { batchSize: 10 });
    expect(batches.map((b) => b.numRows)).toEqual([10, 10, 5]);
    expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 25 }, (_, i) => BigInt(i)));
  });

  it('an exact multiple gives full batches only', async () => {
    const { batches } = await readCsv(table(20), { batchSize: 10, chunkSize: 7 });
    expect(batches.map((b) => b.numRows)).toEqual([10, 10]);
  });

  it('batch size 1 works', async () => {
    const { batches } = await readCsv(table(3), { batchSize: 1 });
    expect(batches.map((b) => b.numRows)).toEqual([1, 1, 1]);
  });

  it('strings are dictionary-encoded per batch: a repeated string is stored once', async () => {
    const { batches } = await readCsv(table(30), { batchSize: 30 });
    const column = batches[0]!.columns[1]!;
    expect(column.layout).toBe('dictionary');
    if (column.layout !== 'dictionary') return;
    expect(column.dictionary.offsets.length - 1).toBe(3);
    expect(Array.from(column.codes.subarray(0, 4))).toEqual([0, 1, 2, 0]);
  });

  it('columns are exactly as long as the batch and carry no validity without nulls', async () => {
    const { batches } = await readCsv(table(5), { batchSize: 100 });
    const ints = batches[0]!.columns[0]!;
    expect(ints.layout).toBe('int64');
    if (ints.layout === 'int64') {
      expect(ints.values.length).toBe(5);
      expect(ints.validity).toBeNull();
    }
  });

  it('reports the bytes read', async () => {
    const text = table(100);
    const { bytesRead } = await readCsv(text, { chunkSize: 64 });
    expect(bytesRead).toBe(Buffer.byteLength(text));
  });
});
