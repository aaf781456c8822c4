import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputFile } from '../src/flow/files.js';
import { fileMapper, type MapFileRange } from '../src/kernels/mapped-file.js';
import { countingMapper as counting, mapFileRange } from './helpers/mapped.js';
import { CsvSource } from '../src/stages/sources/csv.js';
import { CsvInput } from '../src/stages/sources/csv/input.js';
import { testStageContext } from '../src/testing/context.js';
import { fileWith } from './csv-helpers.js';
import { plan, readBySplits } from './csv-split-helpers.js';
import { nativeKernels } from './parse-helpers.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

/**
 * Reads a file through `CsvInput` as a parser does: each time it takes all but `keep(available, at)`
 * of the window's bytes (an unfinished record; `at`: the file offset of the first byte not taken)
 * and asks for more. Returns the bytes taken, in order.
 */
async function drain(path: string, options: { chunkSize: number; from?: number; map?: MapFileRange; until?: number; keep: (available: number, at: number) => number }): Promise<Buffer> {
  await using file = await InputFile.open(path);
  const input = new CsvInput(file, options.chunkSize, undefined, () => undefined, options.from ?? 0, true);
  if (options.map !== undefined) input.mapThrough(options.map, options.until ?? Infinity);
  const taken: Buffer[] = [];
  for (;;) {
    const available = input.end - input.pos;
    const keep = input.eof ? 0 : Math.max(0, Math.min(available, options.keep(available, input.offsetOf(input.pos))));
    const upTo = input.end - keep;
    // The window's offsets agree with the file: what sits at `pos` is the byte after those taken.
    expect(input.offsetOf(input.pos)).toBe((options.from ?? 0) + taken.reduce((n, b) => n + b.length, 0));
    taken.push(Buffer.from(input.buf.subarray(input.pos, upTo)));
    input.pos = upTo;
    if (input.eof) return Buffer.concat(taken);
    await input.more();
  }
}

describe('csv source: reading through mappings of the file', () => {
  it('is there: the addon maps files', () => {
    expect(mapFileRange).not.toBeNull();
  });

  it('hands the parser the same bytes as copies, wherever records end and windows stop', async () => {
    const content = Buffer.from(Array.from({ length: 3000 }, (_, i) => `${i},"cat ${i % 7}",${i / 3}\n`).join(''));
    const dir = await fileWith(content);
    const path = join(dir, 'data.csv');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: content.length }), fc.option(fc.integer({ min: 0, max: 20_000 })), fc.integer({ min: 0, max: 400 }), async (chunkSize, from, untilPast, keepAtMost) => {
        const { map, windows } = counting();
        const keep = (available: number) => Math.min(available, keepAtMost);
        const mapped = await drain(path, { chunkSize, from, map, until: untilPast === null ? Infinity : from + untilPast, keep });
        expect(mapped.equals(content.subarray(from))).toBe(true);
        if (from < content.length) expect(windows.length).toBeGreaterThan(0);
        for (const w of windows) expect(w.offset + w.length).toBeLessThanOrEqual(content.length);
      }),
      { numRuns: 150 },
    );
  });

  it('maps one window for a split up to `until`, then windows of at most 64 chunks', async () => {
    const content = Buffer.from('x'.repeat(100_000));
    const path = join(await fileWith(content), 'data.csv');
    const { map, windows } = counting();
    await drain(path, { chunkSize: 1000, from: 500, map, until: 20_500, keep: () => 0 });
    expect(windows[0]).toEqual({ offset: 500, length: 20_000 });
    expect(windows[1]).toEqual({ offset: 20_500, length: 1000 }); // past `until`: one chunk
    const whole = counting();
    await drain(path, { chunkSize: 1000, map: whole.map, keep: () => 0 });
    expect(whole.windows.map((w) => w.length)).toEqual([64_000, 36_000]);
  });

  it('keeps a record longer than a window whole: the next window starts at the record and is at least twice its bytes', async () => {
    const record = `"${'a'.repeat(5000)}"\n`;
    const content = Buffer.from(`1\n${record}2\n`);
    const path = join(await fileWith(content), 'data.csv');
    const { map, windows } = counting();
    // Take the first line, then nothing until the whole long record is in the window.
    const keep = (available: number, at: number) => (at === 0 ? available - 2 : available >= record.length + 2 ? 0 : available);
    const taken = await drain(path, { chunkSize: 10, map, keep });
    expect(taken.equals(content)).toBe(true);
    expect(content.length).toBe(5007);
    expect(windows).toEqual([
      { offset: 0, length: 640 }, // 64 chunks
      { offset: 2, length: 1276 }, // twice the 638 bytes kept
      { offset: 2, length: 2552 },
      { offset: 2, length: 5005 }, // to the end of the file
    ]);
  });

  it('reads by copying from the first window the file cannot be mapped on', async () => {
    const content = Buffer.from(Array.from({ length: 500 }, (_, i) => `${i},${i * 2}\n`).join(''));
    const path = join(await fileWith(content), 'data.csv');
    for (const failFrom of [1, 2, 5]) {
      const { map, windows } = counting(failFrom);
      const taken = await drain(path, { chunkSize: 16, map, keep: (available) => available % 17 });
      expect(taken.equals(content)).toBe(true);
      expect(windows).toHaveLength(failFrom - 1);
    }
  });

  it('never writes into the file: a write through a window stays in this process', async () => {
    const content = Buffer.from('a,b\n1,2\n');
    const path = join(await fileWith(content), 'data.csv');
    const handle = await open(path, 'r');
    try {
      const window = mapFileRange!(handle.fd, 1, 5);
      expect(window.toString()).toBe(',b\n1,');
      window.fill(0x7a);
      expect(window.toString()).toBe('zzzzz');
    } finally {
      await handle.close();
    }
    expect((await readFile(path)).equals(content)).toBe(true);
  });

  it('names the argument it refuses', async () => {
    const path = join(await fileWith('a\n'), 'data.csv');
    const handle = await open(path, 'r');
    try {
      const map = mapFileRange as unknown as (...args: unknown[]) => Buffer;
      expect(() => map('3', 0, 1)).toThrow(expect.objectContaining({ name: 'TypeError', message: 'fd must be a number (got string)' }));
      expect(() => map(handle.fd, -1, 1)).toThrow(expect.objectContaining({ name: 'RangeError', message: 'offset must be an integer in 0..2^53 (got -1)' }));
      expect(() => map(handle.fd, 0, 0)).toThrow(expect.objectContaining({ name: 'RangeError', message: 'length must be at least 1 (got 0)' }));
      expect(() => map(handle.fd, 0.5, 1)).toThrow(expect.objectContaining({ name: 'RangeError', message: 'offset must be an integer in 0..2^53 (got 0.5)' }));
    } finally {
      await handle.close();
    }
    expect(() => mapFileRange!(2 ** 30, 0, 1)).toThrow(expect.objectContaining({ code: 'ERR_MAP_FAILED', message: expect.stringContaining('cannot map bytes 0..1 of the file: Bad file descriptor') }));
  });

  it('reads the same batches by splits with mappings as with copies (SLUICE_MAPPED_READS=0)', async () => {
    const lines = ['id,name,note'];
    for (let i = 0; i < 4000; i++) lines.push(`${i},"n ${i % 13}",${i % 9 === 0 ? '"two\nlines, ""quoted"""' : `plain ${i}`}`);
    const dir = await fileWith(`${lines.join('\n')}\n`);
    const read = async () => {
      const make = () => Object.assign(new CsvSource(CsvSource.options.parse({ path: 'data.csv' })), { splitBytes: 4096, chunkSize: 512 });
      const schema = await plan(make(), dir);
      const ctx = testStageContext({ schema, baseDir: dir, batchSize: 1000, kernels: nativeKernels });
      const result = await readBySplits(make(), ctx);
      return { rows: result.batches.flatMap((b) => b.toRows()), splits: result.splits, extents: result.extents };
    };
    const mapped = await read();
    vi.stubEnv('SLUICE_MAPPED_READS', '0');
    expect(fileMapper('native')).toBeNull();
    const copied = await read();
    expect(mapped.splits).toBeGreaterThan(20);
    expect(mapped.rows).toHaveLength(4000);
    expect(mapped).toEqual(copied);
  });
});
