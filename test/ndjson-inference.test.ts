import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NdjsonSource, SAMPLE_LINES } from '../src/stages/sources/ndjson.js';
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
  ['integers', ['1', '-2', '0'], 'int64', [1n, -2n, 0n]],
  ['numbers with a fraction or exponent', ['1.5', '-0.25', '1e3'], 'float64', [1.5, -0.25, 1000]],
  ['integers and other numbers', ['1', '2.5'], 'float64', [1, 2.5]],
  ['integers written as 2.0', ['2.0', '3'], 'float64', [2, 3]],
  ['integers beyond int64', ['1', '99999999999999999999'], 'float64', [1, 1e20]],
  ['booleans', ['true', 'false'], 'bool', [true, false]],
  ['strings', ['"x"', '""'], 'utf8', ['x', '']],
  ['numeric-looking strings', ['"1"', '"2"'], 'utf8', ['1', '2']],
  ['a mix of numbers and strings, kept as JSON text', ['1', '"x"', '2.50'], 'utf8', ['1', 'x', '2.50']],
  ['a mix of booleans and numbers', ['true', '1'], 'utf8', ['true', '1']],
  ['objects and arrays', ['{"k": [1, 2]}', '[]'], 'utf8', ['{"k": [1, 2]}', '[]']],
])('infers %s', async (_name, values, type, expected) => {
  const { schema, rows } = await read(values.map((v) => `{"v":${v}}`).join('\n'));
  expect(schema).toEqual({ v: type });
  expect(rows.map((r) => r.v)).toEqual(expected);
});

it('orders columns by first appearance across lines', async () => {
  const { schema } = await read('{"b":1}\n{"c":"x","b":2}\n{"a":true,"c":"y"}\n');
  expect(Object.keys(schema)).toEqual(['b', 'c', 'a']);
});

it('keeps integer-like key names in the order they appear', async () => {
  await writeFile(join(dir, 'in.ndjson'), '{"z":1,"2":2,"1":3}\n');
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson' }));
  const names = (await source.schema(testPlanContext({ baseDir: dir }))).names;
  expect(names).toEqual(['z', '2', '1']);
});

it(`samples the first ${SAMPLE_LINES} non-blank lines: a key first seen later is an error that says so`, async () => {
  const lines = Array.from({ length: SAMPLE_LINES }, (_, i) => `{"a":${i}}`);
  lines.splice(3, 0, '');
  lines.push('{"a":1,"late":true}');
  const error = await read(lines.join('\n')).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  expect(error).toMatchObject({ file: 'in.ndjson', line: SAMPLE_LINES + 2, column: 8 });
  expect((error as DataError).detail).toContain(`key "late" is not in the schema, which was inferred from the first ${SAMPLE_LINES} non-blank lines`);
  expect((error as DataError).detail).toContain('declare `schema`');
});

it('a type change after the sample is an error naming the line and the key', async () => {
  const lines = Array.from({ length: SAMPLE_LINES + 5 }, (_, i) => `{"a":${i}}`);
  lines.push('{"a":1.5}');
  const error = await read(lines.join('\n')).catch((e: unknown) => e);
  expect(error).toMatchObject({ line: SAMPLE_LINES + 6, column: 6 });
  expect((error as DataError).detail).toBe(
    `key "a": expected an integer for an int64 column, found the number 1.5; the schema was inferred from the first ${SAMPLE_LINES} non-blank lines; declare \`schema\` in the source options to choose the column types`,
  );
});
