import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readNdjson } from './helpers/stages.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (text: string | Uint8Array, options: Record<string, unknown> = {}) => readNdjson(dir, text, options);
import { DataError } from '../src/runtime/errors.js';

async function failure(text: string, options: Record<string, unknown> = {}): Promise<DataError> {
  const error = await read(text, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

it('a string in an inferred int64 column names line, column and key, and says how the schema was fixed', async () => {
  // The sample is the first 1000 non-blank lines: the string comes after it.
  const sample = Array.from({ length: 1000 }, (_, i) => `{"id":${i},"n":2}\n`).join('');
  const error = await failure(`${sample}\n{"n":4, "id":"abc"}\n`);
  expect(error).toMatchObject({ file: 'in.ndjson', line: 1002, column: 14 });
  expect(error.detail).toBe(
    'key "id": expected an integer for an int64 column, found the string "abc"; the schema was inferred from the first 1000 non-blank lines; declare `schema` in the source options to choose the column types',
  );
});

it('a value of another kind inside the sample widens the inferred type instead', async () => {
  const { schema } = await read('{"id":1}\n{"id":"abc"}\n');
  expect(schema).toEqual({ id: 'utf8' });
});

it('with a declared schema, the message points at the declaration instead', async () => {
  const error = await failure('{"ok":"yes"}\n', { schema: { ok: 'bool' } });
  expect(error.message).toBe('in.ndjson:1:7: key "ok": expected true or false for a bool column, found the string "yes"; the declared schema says ok: bool');
});

it.each([
  ['int64', '1.5', 'expected an integer for an int64 column, found the number 1.5'],
  ['int64', 'true', 'expected an integer for an int64 column, found true'],
  ['timestamp', '"2026-01-01"', 'expected an integer (epoch milliseconds) for a timestamp column, found the string "2026-01-01"'],
  ['int32', '2147483648', '2147483648 is outside the int32 range'],
  ['int32', '"1"', 'expected an integer for an int32 column, found the string "1"'],
  ['float64', '{"x":1}', 'expected a number for a float64 column, found an object'],
  ['float64', '[1]', 'expected a number for a float64 column, found an array'],
  ['float64', 'false', 'expected a number for a float64 column, found false'],
  ['bool', '1', 'expected true or false for a bool column, found the number 1'],
  ['bool', '"true"', 'expected true or false for a bool column, found the string "true"'],
])('a %s column rejects %s', async (type, value, detail) => {
  const error = await failure(`{"v":${value}}\n`, { schema: { v: type } });
  expect(error).toMatchObject({ line: 1, column: 6 });
  expect(error.detail).toBe(`key "v": ${detail}; the declared schema says v: ${type}`);
});

it('a utf8 column takes any value, keeping non-strings as their JSON text', async () => {
  const { rows } = await read('{"v":1.50}\n{"v":true}\n{"v":[1, "a"]}\n{"v":"s"}\n', { schema: { v: 'utf8' } });
  expect(rows.map((r) => r.v)).toEqual(['1.50', 'true', '[1, "a"]', 's']);
});

it('clips a long wrong value in the message', async () => {
  const error = await failure(`{"v":"${'y'.repeat(500)}"}\n`, { schema: { v: 'int64' } });
  expect(error.detail.length).toBeLessThan(200);
  expect(error.detail).toContain('...');
});
