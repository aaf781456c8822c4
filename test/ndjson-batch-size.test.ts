import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import { collectRows, testPlanContext, testStageContext } from '../src/testing/context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

import type { RecordBatch } from '../src/batch/record-batch.js';

async function batchSizes(text: string, batchSize: number, chunkSize?: number): Promise<{ sizes: number[]; ids: unknown[] }> {
  await writeFile(join(dir, 'in.ndjson'), text);
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', schema: { id: 'int64', s: 'utf8' } }));
  if (chunkSize !== undefined) source.chunkSize = chunkSize;
  const schema = await source.schema(testPlanContext({ baseDir: dir }));
  const batches: RecordBatch[] = [];
  for await (const batch of source.stream(testStageContext({ schema, baseDir: dir, batchSize }))) batches.push(batch);
  return { sizes: batches.map((b) => b.numRows), ids: batches.flatMap((b) => b.toRows().map((r) => r.id)) };
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `{"id":${i},"s":"row ${i}"}\n${i % 7 === 0 ? '\n' : ''}`).join('');

it('yields batches of ctx.batchSize rows, the last one shorter', async () => {
  const { sizes, ids } = await batchSizes(lines(10), 3);
  expect(sizes).toEqual([3, 3, 3, 1]);
  expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
});

it('yields no empty batch when the rows divide evenly, or for an empty file', async () => {
  expect((await batchSizes(lines(9), 3)).sizes).toEqual([3, 3, 3]);
  expect((await batchSizes('', 3)).sizes).toEqual([]);
});

it('cuts batches by rows, not by chunks, whatever the chunk size', async () => {
  for (const chunkSize of [5, 64, 1 << 20]) {
    const { sizes, ids } = await batchSizes(lines(1000), 128, chunkSize);
    expect(sizes).toEqual([...Array<number>(7).fill(128), 104]);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => BigInt(i)));
  }
});

it('fills a batch larger than 65,536 rows', async () => {
  const { sizes } = await batchSizes(lines(70_000), 100_000);
  expect(sizes).toEqual([70_000]);
});

it('reports the bytes it read', async () => {
  const text = lines(100);
  await writeFile(join(dir, 'in.ndjson'), text);
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson' }));
  const schema = await source.schema(testPlanContext({ baseDir: dir }));
  const ctx = testStageContext({ schema, baseDir: dir, batchSize: 10 });
  await collectRows(source.stream(ctx));
  expect(ctx.bytesRead).toBe(Buffer.byteLength(text));
});
