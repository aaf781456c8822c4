import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, JobError, Pipeline, StageError } from '../src/index.js';
import { tempDir } from './csv-helpers.js';

describe('csv in a pipeline', () => {
  it('synthetic → csv_file → csv reads the same rows back (schema inferred, timestamp declared)', async () => {
    const dir = await tempDir();
    await (await Pipeline.fromJob({ source: { type: 'synthetic', rows: 5000, seed: 7 }, sink: { type: 'csv_file', path: 'events.csv' } }, { baseDir: dir })).run();
    const original = await (await Pipeline.fromJob({ source: { type: 'synthetic', rows: 5000, seed: 7 } })).rows();
    const csv = await Pipeline.fromJob({ source: { type: 'csv', path: 'events.csv', schema: { ts: 'timestamp', user_id: 'int32' } } }, { baseDir: dir });
    expect(String(csv.schema)).toBe('id: int64, ts: timestamp, user_id: int32, category: utf8, value: float64');
    expect(await csv.rows()).toEqual(original);
  });

  it('csv → threshold_filter keeps the matching rows', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'in.csv'), 'name,value\na,95\nb,10\nc,NaN\nd,\ne,91.5\n');
    const rows = await (await Pipeline.fromJob({ source: { type: 'csv', path: 'in.csv' }, transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 90 }] }, { baseDir: dir })).rows();
    expect(rows).toEqual([
      { name: 'a', value: 95 },
      { name: 'e', value: 91.5 },
    ]);
  });

  it('bad data fails the run with a StageError whose cause is the DataError', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'in.csv'), 'a,b\n1,2\n3\n');
    const pipeline = await Pipeline.fromJob({ source: { type: 'csv', path: 'in.csv', schema: { a: 'int64', b: 'int64' } }, sink: { type: 'csv_file', path: 'out.csv' } }, { baseDir: dir });
    const error = await pipeline.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).cause).toBeInstanceOf(DataError);
    expect((error as StageError).message).toBe('source (csv): in.csv:3: expected 2 fields, found 1');
    await expect(readFile(join(dir, 'out.csv'))).rejects.toThrow(/ENOENT/);
  });

  it('planning reports csv problems with their place in the job', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'in.csv'), 'id,value\n1,2\n');
    const error = await Pipeline.fromJob({ source: { type: 'csv', path: 'in.csv', schema: { valeu: 'float64' }, delimiter: '::' } }, { baseDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobError);
    expect((error as JobError).problems.map((p) => p.path)).toEqual(['source.delimiter']);
    const missing = await Pipeline.fromJob({ source: { type: 'csv', path: 'in.csv', schema: { valeu: 'float64' } } }, { baseDir: dir }).catch((e: unknown) => e);
    expect((missing as JobError).problems).toEqual([
      { path: 'source.schema.valeu', message: 'no column "valeu" in the header of in.csv (did you mean "value"?) (columns: id, value)' },
    ]);
  });
});
