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

it('keeps nested objects and arrays as their exact JSON text in utf8', async () => {
  const line = '{"id":1,"tags":["a", "b"],"meta":{"n": 9007199254740993, "x": [1.50, {"y": null}]}}';
  const { schema, rows } = await read(`${line}\n{"id":2,"tags":[],"meta":{}}\n`);
  expect(schema).toEqual({ id: 'int64', tags: 'utf8', meta: 'utf8' });
  expect(rows).toEqual([
    { id: 1n, tags: '["a", "b"]', meta: '{"n": 9007199254740993, "x": [1.50, {"y": null}]}' },
    { id: 2n, tags: '[]', meta: '{}' },
  ]);
});

it('checks nested values are valid JSON', async () => {
  const error = await read('{"meta":{"a":1 "b":2}}\n', { schema: { meta: 'utf8' } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  expect(error).toMatchObject({ line: 1, column: 16, detail: `expected ',' or '}', found '"'` });
});

it('reads deeply nested values without overflowing the stack', async () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const { rows } = await read(`{"d":${deep},"n":1}\n`, { schema: { n: 'int64' } });
  expect(rows).toEqual([{ n: 1n }]);
});

it('a nested value in a column of another type is an error', async () => {
  const error = await read('{"v":{"x":1}}\n', { schema: { v: 'int64' } }).catch((e: unknown) => e);
  expect(String(error)).toContain('key "v": expected an integer for an int64 column, found an object');
});
