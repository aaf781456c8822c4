import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import { testPlanContext, testStageContext } from '../src/testing/context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
  // 20,000 rows, about 0.6 MB: many batches of 1,000 rows, several chunks of 64 KiB.
  await writeFile(join(dir, 'in.ndjson'), Array.from({ length: 20_000 }, (_, i) => `{"id":${i},"s":"row ${i}"}\n`).join(''));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

async function planned(): Promise<{ source: NdjsonSource; schema: Awaited<ReturnType<NdjsonSource['schema']>> }> {
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson' }));
  source.chunkSize = 64 * 1024;
  return { source, schema: await source.schema(testPlanContext({ baseDir: dir })) };
}

it('opens nothing until the first batch is pulled', async () => {
  const { source, schema } = await planned();
  const before = openDescriptors();
  const ctx = testStageContext({ schema, baseDir: dir, batchSize: 1000 });
  const iterator = source.stream(ctx)[Symbol.asyncIterator]();
  expect(openDescriptors()).toBe(before);
  expect(ctx.bytesRead).toBe(0);
  await iterator.return?.(undefined);
});

it('closes the file when the consumer stops after the first batch', async () => {
  const { source, schema } = await planned();
  const before = openDescriptors();
  const ctx = testStageContext({ schema, baseDir: dir, batchSize: 1000 });
  let batches = 0;
  for await (const batch of source.stream(ctx)) {
    expect(batch.numRows).toBe(1000);
    expect(openDescriptors()).toBe(before + 1);
    if (++batches === 1) break;
  }
  expect(openDescriptors()).toBe(before);
  expect(ctx.bytesRead).toBeLessThan(200_000);
});

it('closes the file when a later line is bad', async () => {
  await writeFile(join(dir, 'in.ndjson'), Array.from({ length: 20_000 }, (_, i) => (i === 15_000 ? '{oops}\n' : `{"id":${i}}\n`)).join(''));
  const { source, schema } = await planned();
  const before = openDescriptors();
  const error = await (async () => {
    for await (const _batch of source.stream(testStageContext({ schema, baseDir: dir, batchSize: 1000 }))) {
      // drain
    }
  })().catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'DataError', line: 15_001 });
  expect(openDescriptors()).toBe(before);
});

it('stops and closes the file when aborted', async () => {
  const { source, schema } = await planned();
  const before = openDescriptors();
  const controller = new AbortController();
  const ctx = testStageContext({ schema, baseDir: dir, batchSize: 1000, signal: controller.signal });
  let batches = 0;
  const error = await (async () => {
    for await (const _batch of source.stream(ctx)) {
      if (++batches === 2) controller.abort(new Error('stopped by the test'));
    }
  })().catch((e: unknown) => e);
  expect(String(error)).toContain('stopped by the test');
  expect(batches).toBeLessThan(20);
  expect(openDescriptors()).toBe(before);
});

it('closes the file when a pipeline stops pulling early (limit-like consumer)', async () => {
  const before = openDescriptors();
  const pipeline = await Pipeline.fromJob({ batch_size: 500, source: { type: 'ndjson', path: 'in.ndjson' } }, { baseDir: dir });
  for await (const batch of pipeline.batches()) {
    expect(batch.numRows).toBe(500);
    break;
  }
  expect(openDescriptors()).toBe(before);
});
