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

import { DataError } from '../src/runtime/errors.js';

async function failure(text: string, options: Record<string, unknown> = {}, chunkSize?: number): Promise<DataError> {
  await writeFile(join(dir, 'in.ndjson'), text);
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', schema: { id: 'int64', s: 'utf8' }, ...options }));
  if (chunkSize !== undefined) source.chunkSize = chunkSize;
  const schema = await source.schema(testPlanContext({ baseDir: dir }));
  const error = await collectRows(source.stream(testStageContext({ schema, baseDir: dir }))).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

it.each([
  ['a trailing comma', '{"id":1,}', 9, "expected a double-quoted key, found '}'"],
  ['single quotes', "{'id':1}", 2, "expected a double-quoted key, found '''"],
  ['an unquoted key', '{id:1}', 2, "expected a double-quoted key, found 'i'"],
  ['a missing colon', '{"id" 1}', 7, "expected ':' after a key, found '1'"],
  ['a leading zero', '{"id":01}', 7, 'a number cannot have a leading zero'],
  ['a bare word', '{"s":hello}', 6, "expected a value, found 'h'"],
  ['a misspelt literal', '{"s":nul}', 6, 'invalid literal: expected null'],
  ['an unterminated string', '{"s":"abc', 10, 'unterminated string (a string must close on its line)'],
  ['an unclosed object', '{"id":1', 8, "expected ',' or '}' after a value, found the end of the line"],
  ['two objects on a line', '{"id":1}{"id":2}', 9, "unexpected '{' after the object (one object per line)"],
  ['a bad escape', '{"s":"a\\x"}', 8, 'invalid escape \\x in a string'],
  ['a raw tab in a string', '{"s":"a\tb"}', 8, 'raw control character U+0009 in a string (write it escaped)'],
  ['a truncated exponent', '{"id":1e}', 9, "invalid number: expected a digit in the exponent, found '}'"],
])('names line and column for %s', async (_name, line, column, detail) => {
  const error = await failure(`{"id":1}\n${line}\n{"id":3}\n`, { schema: { id: 'int64', s: 'utf8' } });
  expect(error).toMatchObject({ file: 'in.ndjson', line: 2, column, detail });
  expect(error.message).toBe(`in.ndjson:2:${column}: ${detail}`);
});

it('counts blank lines (and CRLF lines) in the line number', async () => {
  const error = await failure('\n{"id":1}\r\n\r\n   \n{"id":2}\n\n{"id":3,}\n');
  expect(error).toMatchObject({ line: 7, column: 9 });
});

it('counts the line in a sample at plan time too, as a problem at path', async () => {
  await writeFile(join(dir, 'in.ndjson'), '{"id":1}\n\n{"id":2]\n');
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson' }));
  const plan = testPlanContext({ baseDir: dir });
  await source.schema(plan);
  expect(plan.problems).toEqual(["path: in.ndjson:3:8: expected ',' or '}' after a value, found ']'"]);
});

/** Lines of exactly `width` bytes (newline included) holding row i. */
function fixedLine(i: number, width: number): string {
  const head = `{"id":${i},"s":"`;
  return `${head}${'x'.repeat(width - head.length - 3)}"}\n`;
}

it('gives the right line in a file of several 1 MiB chunks, for a bad line across a chunk boundary and after it', async () => {
  const width = 100;
  const lines = Array.from({ length: 40_000 }, (_, i) => fixedLine(i, width));
  lines[5000] = '\n'; // a blank line before both bad ones: it still counts
  const boundary = 1 << 20;
  const across = Math.floor(boundary / width); // this line holds byte 1,048,576
  expect(across * width < boundary && (across + 1) * width > boundary).toBe(true);
  const bad = (line: string) => line.replace('"s":"', '"s":x');
  const text1 = lines.map((l, i) => (i === across ? bad(l) : l)).join('');
  const e1 = await failure(text1);
  expect(e1).toMatchObject({ line: across + 1, column: String(across).length + 12 });
  const late = 31_234;
  const text2 = lines.map((l, i) => (i === late ? bad(l) : l)).join('');
  expect(text2.length).toBeGreaterThan(3 * boundary);
  const e2 = await failure(text2);
  expect(e2).toMatchObject({ line: late + 1, column: 17 });
});

it('gives the same line and column whatever the chunk size', async () => {
  const text = ['{"id":1,"s":"é€😀"}', '', '{"id":2,"s":"ünï"}', '  ', '{"id":3,"s":"😀😀",}', '{"id":4}'].join('\n');
  for (const chunkSize of [1, 2, 3, 5, 7, 64]) {
    const error = await failure(text, {}, chunkSize);
    expect(error).toMatchObject({ line: 5, column: 18 }); // columns count characters: an emoji is one
  }
});

it('reaches the user through a pipeline as the source stage error with file, line and column', async () => {
  const { Pipeline, StageError, ExitCode } = await import('../src/index.js');
  const { exitCodeFor } = await import('../src/runtime/errors.js');
  await writeFile(join(dir, 'in.ndjson'), '{"id":1}\n{"id":2,}\n');
  const pipeline = await Pipeline.fromJob({ source: { type: 'ndjson', path: 'in.ndjson', schema: { id: 'int64' } } }, { baseDir: dir });
  const error = await pipeline.rows().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StageError);
  expect((error as Error).message).toBe("source (ndjson): in.ndjson:2:9: expected a double-quoted key, found '}'");
  expect(exitCodeFor(error)).toBe(ExitCode.badInput);
});
