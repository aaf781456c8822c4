import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import { collectRows, testPlanContext, testStageContext } from '../src/testing/context.js';
import { readNdjson } from './helpers/stages.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (text: string | Uint8Array, options: Record<string, unknown> = {}) => readNdjson(dir, text, options);
import { DataError } from '../src/runtime/errors.js';

async function readChunked(bytes: Uint8Array, chunkSize: number) {
  await writeFile(join(dir, 'in.ndjson'), bytes);
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson' }));
  source.chunkSize = chunkSize;
  const schema = await source.schema(testPlanContext({ baseDir: dir }));
  return { schema: schema.toJSON(), rows: await collectRows(source.stream(testStageContext({ schema, baseDir: dir, batchSize: 2 }))) };
}

const text = ['{"s":"é","n":1}', '', '{"s":"€uro","n":2}\r', '{"s":"😀 emoji","n":3}', '  {"s":"中文","n":4}  ', '{"n":5,"s":"a\\u00e9\\ud83d\\ude00"}'].join('\n');
const expected = [
  { s: 'é', n: 1n },
  { s: '€uro', n: 2n },
  { s: '😀 emoji', n: 3n },
  { s: '中文', n: 4n },
  { s: 'aé😀', n: 5n },
];

it('reads multi-byte characters split across chunk boundaries, for every chunk size', async () => {
  const bytes = new TextEncoder().encode(text);
  for (let chunkSize = 1; chunkSize <= 24; chunkSize++) {
    expect(await readChunked(bytes, chunkSize)).toEqual({ schema: { s: 'utf8', n: 'int64' }, rows: expected });
  }
});

it('skips a UTF-8 byte order mark at the start of the file', async () => {
  const bytes = new TextEncoder().encode(`\uFEFF${text}`);
  expect(bytes.subarray(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  for (const chunkSize of [1, 2, 3, 4, 1 << 20]) expect((await readChunked(bytes, chunkSize)).rows).toEqual(expected);
});

it('a byte order mark later in the file is not whitespace', async () => {
  const error = await read('{"n":1}\n\uFEFF{"n":2}\n', { schema: { n: 'int64' } }).catch((e: unknown) => e);
  expect(error).toMatchObject({ line: 2, column: 1 });
});

it('invalid UTF-8 is an error naming the line and column', async () => {
  const good = new TextEncoder().encode('{"s":"ok"}\n\n{"s":"é');
  const bytes = new Uint8Array([...good, 0xff, ...new TextEncoder().encode('"}\n{"s":"z"}\n')]);
  for (const chunkSize of [3, 1 << 20]) {
    await writeFile(join(dir, 'in.ndjson'), bytes);
    const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', schema: { s: 'utf8' } }));
    source.chunkSize = chunkSize;
    const schema = await source.schema(testPlanContext({ baseDir: dir }));
    const error = await collectRows(source.stream(testStageContext({ schema, baseDir: dir }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ line: 3, column: 8, detail: 'invalid UTF-8' }); // after the 7 characters {"s":"é
  }
});
