import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import { collectRows, testPlanContext, testStageContext } from '../src/testing/context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Writes `text` to in.ndjson, plans the source (no problems expected) and reads every row. */
async function read(text: string | Uint8Array, options: Record<string, unknown> = {}) {
  await writeFile(join(dir, 'in.ndjson'), text);
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', ...options }));
  const plan = testPlanContext({ baseDir: dir });
  const schema = await source.schema(plan);
  expect(plan.problems).toEqual([]);
  return { schema: schema.toJSON(), rows: await collectRows(source.stream(testStageContext({ schema, baseDir: dir }))) };
}

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
