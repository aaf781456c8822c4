import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputFile } from '../src/flow/files.js';
import { countingMapper as counting, mapFileRange } from './helpers/mapped.js';
import { byteRange, mappedRange } from '../src/stages/sources/ndjson/splits.js';
import { nativeKernels, outcome } from './helpers/ndjson-twins.js';

const never = new AbortController().signal;

afterEach(() => {
  vi.unstubAllEnvs();
});

async function fileOf(content: Uint8Array | string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-mapped-'));
  await writeFile(join(dir, 'in.ndjson'), content);
  return dir;
}

async function chunksOf(path: string, read: (file: InputFile) => AsyncGenerator<Uint8Array>): Promise<Buffer[]> {
  await using file = await InputFile.open(path);
  const chunks: Buffer[] = [];
  for await (const chunk of read(file)) chunks.push(Buffer.from(chunk));
  return chunks;
}

describe('ndjson source: reading through mappings of the file', () => {
  it('gives the bytes and the chunk boundaries of copies, for any range and chunk size', async () => {
    const content = Buffer.from(Array.from({ length: 400 }, (_, i) => `{"id":${i},"s":"${'x'.repeat(i % 23)}"}\n`).join(''));
    const path = join(await fileOf(content), 'in.ndjson');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: content.length }), fc.option(fc.integer({ min: 0, max: content.length })), fc.integer({ min: 1, max: 3000 }), async (start, endOrNull, chunkSize) => {
        const end = endOrNull === null ? Infinity : Math.max(start, endOrNull);
        const { map, calls } = counting();
        const mapped = await chunksOf(path, (file) => mappedRange(file, start, end, chunkSize, map, never));
        const copied = await chunksOf(path, (file) => byteRange(file, start, end, chunkSize, never));
        // Where windows end decides which of two errors a run reports: the same as copies.
        expect(mapped.map((c) => c.length)).toEqual(copied.map((c) => c.length));
        expect(Buffer.concat(mapped).equals(Buffer.concat(copied))).toBe(true);
        expect(calls()).toBe(mapped.length);
      }),
      { numRuns: 100 },
    );
  });

  it('reads by copying from the first window the file cannot be mapped on', async () => {
    const content = Buffer.from('{"a":1}\n'.repeat(200));
    const path = join(await fileOf(content), 'in.ndjson');
    for (const failFrom of [1, 2, 7]) {
      const { map, calls } = counting(failFrom);
      const chunks = await chunksOf(path, (file) => mappedRange(file, 0, Infinity, 100, map, never));
      expect(Buffer.concat(chunks).equals(content)).toBe(true);
      expect(chunks.map((c) => c.length)).toEqual([...Array(16).fill(100)]);
      expect(calls()).toBe(failFrom);
    }
  });

  it('reads what was appended after the file was opened, by copying, when reading to its end', async () => {
    const dir = await fileOf('{"a":1}\n');
    const path = join(dir, 'in.ndjson');
    await using file = await InputFile.open(path);
    await appendFile(path, '{"a":2}\n');
    const chunks: Buffer[] = [];
    for await (const chunk of mappedRange(file, 0, Infinity, 5, mapFileRange!, never)) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe('{"a":1}\n{"a":2}\n');
  });

  it('reads the same batches and the same error as copies (SLUICE_MAPPED_READS=0)', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `{"id":${i},"category":"cat_${i % 7}","value":${i / 4}}`);
    lines[2500] = '{"id":2500,"category":"cat_1","value":"oops"}';
    const dir = await fileOf(`${lines.join('\n')}\n`);
    for (const chunkSize of [64, 4096, 1 << 20]) {
      const options = { chunkSize, batchSize: 500, schema: { id: 'int64', category: 'utf8', value: 'float64' } };
      const mapped = await outcome(dir, options, nativeKernels);
      vi.stubEnv('SLUICE_MAPPED_READS', '0');
      const copied = await outcome(dir, options, nativeKernels);
      vi.unstubAllEnvs();
      expect(Array.isArray(mapped) && mapped.at(-1)).toMatchObject({ error: 'DataError', message: expect.stringContaining('in.ndjson:2501') });
      expect(mapped).toEqual(copied);
    }
  });
});
