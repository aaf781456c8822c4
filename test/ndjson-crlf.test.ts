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

it('reads CRLF line endings like LF, blank CRLF lines included', async () => {
  const lf = await read('{"a":1,"s":"x"}\n\n{"a":2,"s":"y"}\n');
  const crlf = await read('{"a":1,"s":"x"}\r\n\r\n{"a":2,"s":"y"}\r\n');
  expect(crlf).toEqual(lf);
  expect(crlf.rows).toEqual([
    { a: 1n, s: 'x' },
    { a: 2n, s: 'y' },
  ]);
});

it('a carriage return is whitespace between tokens, and escaped CR LF stays in strings', async () => {
  const { rows } = await read('{"a" :\r 1 ,\r"s":"line\\r\\nbreak"}\r\n');
  expect(rows).toEqual([{ a: 1n, s: 'line\r\nbreak' }]);
});

it('a last CRLF line without its LF still reads', async () => {
  const { rows } = await read('{"a":1}\r\n{"a":2}\r');
  expect(rows).toEqual([{ a: 1n }, { a: 2n }]);
});
