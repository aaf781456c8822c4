import { describe, expect, it } from 'vitest';
import { Pipeline, jsKernels, selectKernels } from '../src/index.js';

const job = {
  source: { type: 'synthetic', rows: 200_000, seed: 7, batch_size: 65_536 },
  transforms: [
    { type: 'threshold_filter', column: 'value', op: 'gt', value: 90 },
    {
      type: 'aggregate',
      group_by: ['category'],
      aggregates: [
        { fn: 'count', as: 'n' },
        { fn: 'sum', column: 'value', as: 'total' },
        { fn: 'mean', column: 'value', as: 'mean' },
        { fn: 'min', column: 'value', as: 'min' },
        { fn: 'max', column: 'value', as: 'max' },
      ],
    },
  ],
};

describe("the main job's shape on native kernels", () => {
  it('names native for the filter and the aggregate, and gives bit-identical results to the twins', async () => {
    const pipeline = await Pipeline.fromJob(job);
    const native = await pipeline.collect({ kernels: selectKernels('native') });
    const twins = await pipeline.collect({ kernels: jsKernels });
    expect(native.summary.stages.map((s) => s.implementation)).toEqual(['none', 'native', 'native']);
    expect(twins.summary.stages.map((s) => s.implementation)).toEqual(['none', 'js', 'js']);
    expect(native.batch.numRows).toBe(50);
    const bits = (b: typeof native.batch) => b.columns.map((c) => ('values' in c ? Array.from(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength)) : null));
    expect(bits(native.batch)).toEqual(bits(twins.batch));
  });

  it('filters a dictionary column natively with eq on a string', async () => {
    const pipeline = await Pipeline.fromJob({ source: job.source, transforms: [{ type: 'threshold_filter', column: 'category', op: 'eq', value: 'cat_07' }] });
    const native = await pipeline.collect({ kernels: selectKernels('native') });
    const twins = await pipeline.collect({ kernels: jsKernels });
    expect(native.summary.stages[1]!.implementation).toBe('native');
    expect(native.batch.numRows).toBe(twins.batch.numRows);
    expect(native.batch.numRows).toBeGreaterThan(0);
    expect(new Set(native.batch.toRows().map((r) => r.category))).toEqual(new Set(['cat_07']));
  });
});
