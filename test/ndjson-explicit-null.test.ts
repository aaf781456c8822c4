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

it('JSON null is null in every declared type', async () => {
  const schema = { i: 'int32', l: 'int64', f: 'float64', b: 'bool', s: 'utf8', t: 'timestamp' };
  const { rows } = await read('{"i":null,"l":null,"f":null,"b":null,"s":null,"t":null}\n{"i":1,"l":2,"f":3.5,"b":false,"s":"","t":4}\n', { schema });
  expect(rows).toEqual([
    { i: null, l: null, f: null, b: null, s: null, t: null },
    { i: 1, l: 2n, f: 3.5, b: false, s: '', t: 4 },
  ]);
});

it('nulls do not vote in inference; a key null on every sampled line is utf8', async () => {
  const { schema, rows } = await read('{"a":null,"b":null}\n{"a":7,"b":null}\n');
  expect(schema).toEqual({ a: 'int64', b: 'utf8' });
  expect(rows).toEqual([
    { a: null, b: null },
    { a: 7n, b: null },
  ]);
});

it('null is not the string "null"', async () => {
  const { rows } = await read('{"s":"null"}\n{"s":null}\n');
  expect(rows).toEqual([{ s: 'null' }, { s: null }]);
});
