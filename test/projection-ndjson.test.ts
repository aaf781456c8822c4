import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, Pipeline, selectKernels, StageError } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-projection-ndjson-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Line 2 has a string where the int64 `id` belongs; only category and value are used.
writeFileSync(join(dir, 'events.ndjson'), ['{"id":1,"category":"a","value":95}', '{"id":"two","category":"b","value":97}', '{"id":3,"category":"a","value":10}', ''].join('\n'));

const transforms = [
  { type: 'threshold_filter', column: 'value', op: 'gt', value: 90 },
  { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }] },
];

async function plan(schema?: Record<string, string>): Promise<Pipeline> {
  return Pipeline.fromJob({ threads: 0, source: { type: 'ndjson', path: 'events.ndjson', ...(schema === undefined ? {} : { schema }) }, transforms }, { baseDir: dir });
}

describe('a projected ndjson source', () => {
  it('with a declared schema, reads only the used keys: a wrong-typed value under an unused key no longer fails', async () => {
    const pipeline = await plan({ id: 'int64', category: 'utf8', value: 'float64' });
    expect(pipeline.plan.projection?.columns).toEqual(['category', 'value']);
    for (const implementation of ['js', 'native'] as const) {
      expect(await pipeline.rows({ kernels: selectKernels(implementation) })).toEqual([
        { category: 'a', n: 1n },
        { category: 'b', n: 1n },
      ]);
    }
  });

  it('with an inferred schema, reads every column (a key it does not list must stay an error)', async () => {
    writeFileSync(join(dir, 'inferred.ndjson'), ['{"id":1,"category":"a","value":95}', '{"id":3,"category":"a","value":10}', ''].join('\n'));
    const inferred = await Pipeline.fromJob({ threads: 0, source: { type: 'ndjson', path: 'inferred.ndjson' }, transforms }, { baseDir: dir });
    expect(inferred.plan.projection).toBeUndefined();
    expect(inferred.plan.source.schema.names).toEqual(['id', 'category', 'value']);
  });

  it('still fails on that value when a stage uses the key, on both parsers', async () => {
    const usesId = await Pipeline.fromJob(
      { threads: 0, source: { type: 'ndjson', path: 'events.ndjson', schema: { id: 'int64', category: 'utf8', value: 'float64' } }, transforms: [transforms[0]!, { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'max', column: 'id', as: 'n' }] }] },
      { baseDir: dir },
    );
    expect(usesId.plan.projection).toBeUndefined();
    for (const implementation of ['js', 'native'] as const) {
      const error = await usesId.rows({ kernels: selectKernels(implementation) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StageError);
      expect((error as StageError).cause).toBeInstanceOf(DataError);
      expect((error as StageError).cause.message).toMatch(/^events\.ndjson:2:7: key "id": expected an integer/);
    }
  });
});
