import { describe, expect, it } from 'vitest';
import { planProblems, readCsv } from './csv-helpers.js';

describe('csv header', () => {
  it('names the columns from the first line by default', async () => {
    const { schema, rows } = await readCsv('x,y\n1,2\n');
    expect(schema.names).toEqual(['x', 'y']);
    expect(rows).toEqual([{ x: 1n, y: 2n }]);
  });

  it('names columns column_1, column_2... without a header', async () => {
    const { schema, rows } = await readCsv('1,a\n2,b\n', { header: false });
    expect(schema.toJSON()).toEqual({ column_1: 'int64', column_2: 'utf8' });
    expect(rows).toEqual([
      { column_1: 1n, column_2: 'a' },
      { column_1: 2n, column_2: 'b' },
    ]);
  });

  it('without a header, a declared schema names and types the columns in order', async () => {
    const { schema, rows } = await readCsv('1,007\n2,010\n', { header: false, schema: { id: 'int32', code: 'utf8' } });
    expect(schema.toJSON()).toEqual({ id: 'int32', code: 'utf8' });
    expect(rows).toEqual([
      { id: 1, code: '007' },
      { id: 2, code: '010' },
    ]);
  });

  it('without a header, a declared schema must list every column', async () => {
    expect(await planProblems('1,2,3\n', { header: false, schema: { a: 'int64', b: 'int64' } })).toEqual([
      'schema: declares 2 columns but line 1 of data.csv has 3 fields',
    ]);
  });

  it('without a header, declared names cannot be integers (a map reorders them)', async () => {
    const problems = await planProblems('1,2\n', { header: false, schema: { b: 'int64', '1': 'int64' } });
    expect(problems[0]).toMatch(/^schema: names the columns in order .* \(1\)/);
  });

  it('names empty header fields by position', async () => {
    const { schema } = await readCsv('a,,""\n1,2,3\n');
    expect(schema.names).toEqual(['a', 'column_2', 'column_3']);
  });

  it('reports a name used twice, before data flows', async () => {
    expect(await planProblems('a,b,a\n1,2,3\n')).toEqual(['path: data.csv:1:3: the header names column "a" twice (fields 1 and 3)']);
  });

  it('skips empty lines before the header', async () => {
    const { schema, rows } = await readCsv('\n\r\nx\n1\n');
    expect(schema.names).toEqual(['x']);
    expect(rows).toEqual([{ x: 1n }]);
  });

  it('reads a header wider than the first guess (100 columns)', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const { schema, rows } = await readCsv(`${names.join(',')}\n${names.map((_, i) => i).join(',')}\n`, { chunkSize: 50 });
    expect(schema.names).toEqual(names);
    expect(rows[0]!.c99).toBe(99n);
  });

  it('without a header, empty lines before the first record are skipped, even in one column', async () => {
    const { rows } = await readCsv('\n\n1\n\n2\n', { header: false });
    expect(rows).toEqual([{ column_1: 1n }, { column_1: null }, { column_1: 2n }]);
    const declared = await readCsv('\r\n5\n', { header: false, schema: { n: 'int32' } });
    expect(declared.rows).toEqual([{ n: 5 }]);
  });

  it('without a header and with a declared schema, an empty file is zero rows', async () => {
    const { schema, batches } = await readCsv('', { header: false, schema: { a: 'int64', b: 'utf8' } });
    expect(schema.toJSON()).toEqual({ a: 'int64', b: 'utf8' });
    expect(batches).toEqual([]);
  });

  it('without a header or schema, an empty file has nothing to infer', async () => {
    expect(await planProblems('', { header: false })).toEqual(['path: data.csv is empty: there are no columns to infer (declare them under schema:)']);
  });

  it('reports an empty file when a header is expected', async () => {
    expect(await planProblems('')).toEqual(['path: data.csv is empty: expected a header line naming the columns (set header: false for a file without one)']);
    expect(await planProblems('\n\n')).toHaveLength(1);
  });

  it('reads a header-only file as zero rows', async () => {
    const { schema, batches } = await readCsv('a,b\n');
    expect(schema.toJSON()).toEqual({ a: 'utf8', b: 'utf8' });
    expect(batches).toEqual([]);
  });

  it('reports a missing file at path', async () => {
    const { testPlanContext } = await import('../src/testing/context.js');
    const { csvSource } = await import('./csv-helpers.js');
    const plan = testPlanContext({ baseDir: '/nonexistent-folder' });
    await csvSource().schema(plan);
    expect(plan.problems).toEqual(['path: cannot read data.csv: no such file']);
  });
});
