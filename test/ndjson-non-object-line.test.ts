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
import { DataError } from '../src/runtime/errors.js';

it.each([
  ['an array', '[{"id":1}]'],
  ['a number', '42'],
  ['a string', '"{\\"id\\":1}"'],
  ['a boolean', 'true'],
  ['null', 'null'],
])('a line holding %s is an error naming its line', async (what, line) => {
  const error = await read(`{"id":1}\n\n  ${line}\n{"id":2}\n`, { schema: { id: 'int64' } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  expect(error).toMatchObject({ file: 'in.ndjson', line: 3, column: 3, detail: `expected a JSON object on each line, found ${what}` });
});

it('is reported at plan time when it is in the sample', async () => {
  await writeFile(join(dir, 'in.ndjson'), '[1,2]\n');
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson' }));
  const plan = testPlanContext({ baseDir: dir });
  await source.schema(plan);
  expect(plan.problems).toEqual(['path: in.ndjson:1:1: expected a JSON object on each line, found an array']);
});

it('a line that is neither an object nor valid JSON is reported as invalid JSON', async () => {
  const error = await read('{"id":1}\n[1,\n', { schema: { id: 'int64' } }).catch((e: unknown) => e);
  expect(error).toMatchObject({ line: 2, column: 4, detail: "expected a value, found the end of the line" });
});
