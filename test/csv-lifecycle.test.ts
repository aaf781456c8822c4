import { describe, expect, it, vi } from 'vitest';
import { InputFile, RecordBatch } from '../src/index.js';
import { testPlanContext, testStageContext } from '../src/testing/context.js';
import { csvSource, fileWith } from './csv-helpers.js';

function bigTable(rows: number): string {
  const lines = ['i,s'];
  for (let i = 0; i < rows; i++) lines.push(`${i},row ${i}`);
  return `${lines.join('\n')}\n`;
}

/** Opens go through InputFile.open: capture the files so the test can see whether they were closed. */
function watchOpens(): InputFile[] {
  const opened: InputFile[] = [];
  const open = InputFile.open.bind(InputFile);
  vi.spyOn(InputFile, 'open').mockImplementation(async (path: string) => {
    const file = await open(path);
    opened.push(file);
    return file;
  });
  return opened;
}

describe('csv source lifecycle', () => {
  it('reads nothing before the first pull', async () => {
    const dir = await fileWith(bigTable(10));
    const source = csvSource();
    const schema = await source.schema(testPlanContext({ baseDir: dir }));
    const opened = watchOpens();
    const ctx = testStageContext({ schema, baseDir: dir });
    const stream = source.stream(ctx)[Symbol.asyncIterator]();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(opened).toHaveLength(0);
    expect(ctx.bytesRead).toBe(0);
    const first = await stream.next();
    expect(RecordBatch.isRecordBatch(first.value)).toBe(true);
    expect(ctx.bytesRead).toBeGreaterThan(0);
    await stream.return?.(undefined);
    vi.restoreAllMocks();
  });

  it('a missing file fails on the first pull, not before', async () => {
    const dir = await fileWith(bigTable(1));
    const source = csvSource({}, 'gone.csv');
    const ctx = testStageContext({ schema: (await csvSource().schema(testPlanContext({ baseDir: dir }))), baseDir: dir });
    const stream = source.stream(ctx)[Symbol.asyncIterator]();
    await expect(stream.next()).rejects.toThrow(/ENOENT/);
  });

  it('closes the file when the consumer stops early', async () => {
    const dir = await fileWith(bigTable(50_000));
    const source = csvSource({ chunkSize: 4096 });
    const schema = await source.schema(testPlanContext({ baseDir: dir }));
    const opened = watchOpens();
    const ctx = testStageContext({ schema, baseDir: dir, batchSize: 100 });
    for await (const batch of source.stream(ctx)) {
      expect(batch.numRows).toBe(100);
      break;
    }
    expect(opened).toHaveLength(1);
    expect(opened[0]!.handle.fd).toBe(-1);
    vi.restoreAllMocks();
  });

  it('closes the file when the data is bad', async () => {
    const dir = await fileWith(`${bigTable(2000)}oops\n`);
    const source = csvSource({ chunkSize: 4096 });
    const schema = await source.schema(testPlanContext({ baseDir: dir }));
    const opened = watchOpens();
    const ctx = testStageContext({ schema, baseDir: dir, batchSize: 100 });
    await expect(async () => {
      for await (const _ of source.stream(ctx));
    }).rejects.toThrow('data.csv:2002: expected 2 fields, found 1');
    expect(opened[0]!.handle.fd).toBe(-1);
    vi.restoreAllMocks();
  });

  it('stops and closes the file when the run is aborted', async () => {
    const dir = await fileWith(bigTable(50_000));
    const source = csvSource({ chunkSize: 1024 });
    const schema = await source.schema(testPlanContext({ baseDir: dir }));
    const opened = watchOpens();
    const controller = new AbortController();
    const ctx = testStageContext({ schema, baseDir: dir, batchSize: 10, signal: controller.signal });
    let batches = 0;
    await expect(async () => {
      for await (const _ of source.stream(ctx)) {
        if (++batches === 3) controller.abort(new Error('stop now'));
      }
    }).rejects.toThrow('stop now');
    // Batches already parsed from the current chunk may still arrive, but not the whole file.
    expect(batches).toBeLessThan(200);
    expect(opened[0]!.handle.fd).toBe(-1);
    vi.restoreAllMocks();
  });
});
