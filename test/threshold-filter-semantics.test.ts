import { describe, expect, it } from 'vitest';
import { Pipeline, RecordBatch, schema } from '../src/index.js';

describe('threshold_filter', () => {
  it('drops nulls and passes NaN only for ne', async () => {
    const s = schema({ v: 'float64' });
    const input = RecordBatch.fromRows(s, [{ v: 1 }, { v: null }, { v: NaN }, { v: 95 }]);
    expect(input.numRows).toBe(4);
    const gt = await Pipeline.fromJob({ source: { type: 'synthetic', rows: 1000 }, transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 99 }] });
    const rows = await gt.rows();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => (r.value as number) > 99)).toBe(true);
  });
});
