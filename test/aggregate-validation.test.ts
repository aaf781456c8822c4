import { describe, expect, it } from 'vitest';
import { JobError, Pipeline } from '../src/index.js';

/** The problems `sluice validate` would report for an aggregate over the synthetic source, as `path: message`. */
async function problems(aggregate: Record<string, unknown>): Promise<string[]> {
  try {
    await Pipeline.fromJob({ source: { type: 'synthetic', rows: 10 }, transforms: [{ type: 'aggregate', ...aggregate }] });
  } catch (error) {
    if (error instanceof JobError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('aggregate: options are checked before any data flows', () => {
  it('accepts the job-file example', async () => {
    expect(await problems({ group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }] })).toEqual([]);
  });

  it('names every missing column with its option path, all at once', async () => {
    const found = await problems({ group_by: ['category', 'kategory'], aggregates: [{ fn: 'count' }, { fn: 'sum', column: 'value' }, { fn: 'max', column: 'valeu' }] });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^transforms\[0\]\.group_by\[1\]: no column "kategory"/);
    expect(found[1]).toMatch(/^transforms\[0\]\.aggregates\[2\]\.column: no column "valeu"/);
  });

  it('rejects types a function cannot take: sum of utf8 or timestamp, min/max of utf8', async () => {
    const found = await problems({ aggregates: [{ fn: 'sum', column: 'category' }, { fn: 'mean', column: 'ts' }, { fn: 'min', column: 'category' }, { fn: 'max', column: 'ts' }] });
    expect(found).toEqual([
      'transforms[0].aggregates[0].column: column "category" is utf8; this needs one of int32, int64, float64',
      'transforms[0].aggregates[1].column: column "ts" is timestamp; this needs one of int32, int64, float64',
      'transforms[0].aggregates[2].column: column "category" is utf8; this needs one of int32, int64, float64, timestamp',
    ]);
  });

  it('requires a column for every function but count', async () => {
    expect(await problems({ aggregates: [{ fn: 'count' }, { fn: 'mean' }] })).toEqual(['transforms[0].aggregates[1].column: is required for mean']);
  });

  it('rejects duplicate output columns, including default names and keys', async () => {
    expect(await problems({ group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'n' }] })).toEqual([
      'transforms[0].aggregates[1].as: duplicate output column "n"',
    ]);
    expect(await problems({ aggregates: [{ fn: 'sum', column: 'value' }, { fn: 'sum', column: 'value' }] })).toEqual([
      'transforms[0].aggregates[1].as: duplicate output column "sum_value" (the default name; set `as`)',
    ]);
    expect(await problems({ group_by: ['category'], aggregates: [{ fn: 'count', as: 'category' }] })).toEqual(['transforms[0].aggregates[0].as: duplicate output column "category"']);
    expect(await problems({ group_by: ['category', 'category'], aggregates: [{ fn: 'count' }] })).toEqual(['transforms[0].group_by[1]: duplicate group key "category"']);
  });

  it('names outputs without `as` count / <fn>_<column>', async () => {
    const pipeline = await Pipeline.fromJob({
      source: { type: 'synthetic', rows: 10 },
      transforms: [{ type: 'aggregate', aggregates: [{ fn: 'count' }, { fn: 'count', column: 'value' }, { fn: 'mean', column: 'value' }, { fn: 'max', column: 'ts' }] }],
    });
    expect(pipeline.schema.names).toEqual(['count', 'count_value', 'mean_value', 'max_ts']);
  });

  it('rejects unknown functions and options, and needs something to compute', async () => {
    expect(await problems({ aggregates: [{ fn: 'median', column: 'value' }] })).toEqual(['transforms[0].aggregates[0].fn: must be one of count, sum, min, max, mean (got "median")']);
    expect((await problems({ group_by: [], aggregates: [{ fn: 'count', colum: 'value' }] }))[0]).toMatch(/^transforms\[0\]\.aggregates\[0\]\.colum: unknown option "colum"/);
    expect(await problems({ group_by: [] })).toEqual(['transforms[0].aggregates: needs at least one aggregate when group_by is empty']);
  });
});
