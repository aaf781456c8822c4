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

it('skips empty and whitespace-only lines anywhere in the file', async () => {
  const { schema, rows } = await read('\n\n{"a":1}\n   \n\t\n{"a":2}\n\n \t \n{"a":3}\n\n\n');
  expect(schema).toEqual({ a: 'int64' });
  expect(rows).toEqual([{ a: 1n }, { a: 2n }, { a: 3n }]);
});

it('reads a last line without a final newline', async () => {
  const { rows } = await read('{"a":1}\n{"a":2}');
  expect(rows).toEqual([{ a: 1n }, { a: 2n }]);
});

it('a file of only blank lines with a declared schema is zero rows', async () => {
  const { rows } = await read('\n  \n\n', { schema: { a: 'int64' } });
  expect(rows).toEqual([]);
});

it('a file with no JSON lines and no declared schema is a problem before data flows', async () => {
  await writeFile(join(dir, 'in.ndjson'), '\n \n');
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson' }));
  const plan = testPlanContext({ baseDir: dir });
  await source.schema(plan);
  expect(plan.problems).toEqual(['path: in.ndjson has no JSON lines to infer a schema from; declare the columns under schema: to read it as zero rows']);
});
