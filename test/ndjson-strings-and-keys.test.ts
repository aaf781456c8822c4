import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import { testPlanContext } from '../src/testing/context.js';
import { readNdjson } from './helpers/stages.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (text: string | Uint8Array, options: Record<string, unknown> = {}) => readNdjson(dir, text, options);

it('decodes escapes in strings', async () => {
  const { rows } = await read(String.raw`{"s":"q\" b\\ s\/ \b\f\n\r\t u\u0041\u00e9\ud83d\ude00"}` + '\n');
  expect(rows).toEqual([{ s: 'q" b\\ s/ \b\f\n\r\t uAé😀' }]);
});

it('matches escaped keys to their columns', async () => {
  const { rows } = await read(String.raw`{"a\u0062":1,"sp ace":2}` + '\n' + String.raw`{"ab":3,"sp\u0020ace":4}` + '\n', { schema: { ab: 'int64', 'sp ace': 'int64' } });
  expect(rows).toEqual([
    { ab: 1n, 'sp ace': 2n },
    { ab: 3n, 'sp ace': 4n },
  ]);
});

it('reads column names that need escaping in JSON', async () => {
  const { schema, rows } = await read(String.raw`{"a\"b":1,"c\\d":2,"":3,"é":4}` + '\n');
  expect(schema).toEqual({ 'a"b': 'int64', 'c\\d': 'int64', '': 'int64', é: 'int64' });
  expect(rows).toEqual([{ 'a"b': 1n, 'c\\d': 2n, '': 3n, é: 4n }]);
});

it('does not confuse a key with a longer one sharing its start', async () => {
  const { rows } = await read('{"a":1,"ab":2}\n{"ab":3,"a":4}\n{"abc":5}\n', { schema: { a: 'int64', ab: 'int64' } });
  expect(rows).toEqual([
    { a: 1n, ab: 2n },
    { a: 4n, ab: 3n },
    { a: null, ab: null },
  ]);
});

it('a key given twice on a line is an error', async () => {
  const error = await read('{"a":1}\n{"a":1,"a":2}\n', { schema: { a: 'int64' } }).catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'DataError', line: 2, column: 8, detail: 'duplicate key "a"' });
  // In the sample, it is a problem before data flows.
  await writeFile(join(dir, 'in.ndjson'), '{"a":1}\n{"a":1,"a":2}\n');
  const plan = testPlanContext({ baseDir: dir });
  await new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson' })).schema(plan);
  expect(plan.problems).toEqual(['path: in.ndjson:2:8: duplicate key "a"']);
});
