import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import { Pipeline } from '../src/index.js';

it('reads the strings "NaN", "Infinity", "-Infinity" as float64 beside numbers', async () => {
  const { schema, rows } = await read('{"v":"NaN"}\n{"v":"Infinity"}\n{"v":"-Infinity"}\n{"v":1.25}\n');
  expect(schema).toEqual({ v: 'float64' });
  expect(rows.map((r) => r.v)).toEqual([NaN, Infinity, -Infinity, 1.25]);
});

it('reads them in a declared float64 column', async () => {
  const { rows } = await read('{"v":"-Infinity"}\n{"v":"NaN"}\n', { schema: { v: 'float64' } });
  expect(rows.map((r) => r.v)).toEqual([-Infinity, NaN]);
});

it('keeps them as strings in a column of strings', async () => {
  const { schema, rows } = await read('{"v":"NaN"}\n{"v":"nan"}\n');
  expect(schema).toEqual({ v: 'utf8' });
  expect(rows.map((r) => r.v)).toEqual(['NaN', 'nan']);
});

it('reads -0 as negative zero', async () => {
  const { rows } = await read('{"v":-0}\n{"v":-0.0}\n', { schema: { v: 'float64' } });
  expect(rows.map((r) => Object.is(r.v, -0))).toEqual([true, true]);
});

it('other strings in a float64 column are errors', async () => {
  const error = await read('{"v":1}\n{"v":"nan"}\n', { schema: { v: 'float64' } }).catch((e: unknown) => e);
  expect(error).toMatchObject({ line: 2, column: 6 });
  expect(String(error)).toContain('key "v": expected a number (or "NaN", "Infinity", "-Infinity") for a float64 column, found the string "nan"');
});

it('survives a json_file round trip', async () => {
  const input = '{"v":"NaN"}\n{"v":"Infinity"}\n{"v":"-Infinity"}\n{"v":0.1}\n';
  await writeFile(join(dir, 'in.ndjson'), input);
  await (
    await Pipeline.fromJob({ source: { type: 'ndjson', path: 'in.ndjson', schema: { v: 'float64' } }, sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' } }, { baseDir: dir })
  ).run();
  const again = await (await Pipeline.fromJob({ source: { type: 'ndjson', path: 'out.ndjson', schema: { v: 'float64' } } }, { baseDir: dir })).rows();
  expect(again.map((r) => r.v)).toEqual([NaN, Infinity, -Infinity, 0.1]);
});
