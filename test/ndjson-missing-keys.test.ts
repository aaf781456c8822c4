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

it('a key missing from a line is null in that row', async () => {
  const { schema, rows } = await read('{"a":1,"b":"x"}\n{"b":"y"}\n{"a":3}\n{}\n');
  expect(schema).toEqual({ a: 'int64', b: 'utf8' });
  expect(rows).toEqual([
    { a: 1n, b: 'x' },
    { a: null, b: 'y' },
    { a: 3n, b: null },
    { a: null, b: null },
  ]);
});

it('keys may come in any order on each line', async () => {
  const { rows } = await read('{"a":1,"b":true,"c":1.5}\n{"c":2.5,"a":2}\n{"b":false,"c":3.5,"a":3}\n');
  expect(rows).toEqual([
    { a: 1n, b: true, c: 1.5 },
    { a: 2n, b: null, c: 2.5 },
    { a: 3n, b: false, c: 3.5 },
  ]);
});

it('missing keys of a declared schema are null in every type', async () => {
  const schema = { i: 'int32', l: 'int64', f: 'float64', b: 'bool', s: 'utf8', t: 'timestamp' };
  const { rows } = await read('{"i":1,"l":2,"f":3,"b":true,"s":"x","t":5}\n{}\n', { schema });
  expect(rows).toEqual([
    { i: 1, l: 2n, f: 3, b: true, s: 'x', t: 5 },
    { i: null, l: null, f: null, b: null, s: null, t: null },
  ]);
});
