import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline, RecordBatch, schema } from '../src/index.js';
import { dispatchBatch, unitJob } from '../src/runtime/parallel/engine.js';
import { forTransfer } from '../src/runtime/parallel/transfer.js';
import { WorkerPool } from '../src/runtime/pool.js';
import type { UnitJob, UnitResult } from '../src/runtime/parallel/unit.js';
import { selectKernels } from '../src/kernels/index.js';

const pool = new WorkerPool({ threads: 1 });
afterAll(() => pool.close());

const S = schema({ id: { type: 'int64', nullable: false }, value: 'float64', name: 'utf8' });

function batchOf(rows: number, from = 0): RecordBatch<typeof S> {
  return RecordBatch.fromRows(S, Array.from({ length: rows }, (_, i) => ({ id: BigInt(from + i), value: i % 7 === 0 ? null : i / 4, name: `n${i % 3}` })));
}

/** A unit job whose prefix is one threshold_filter (value >= 0) over batches of S. */
async function filterJob(): Promise<UnitJob> {
  const { plan } = await Pipeline.fromJob({ source: { type: 'synthetic', rows: 10 }, transforms: [{ type: 'threshold_filter', column: 'value', op: 'gt', value: 100 }] });
  const job = unitJob(plan, plan.transforms, undefined, selectKernels());
  return { ...job, sourceFields: S.fields, prefix: [{ ...job.prefix[0]!, options: { column: 'value', op: 'gte', value: 0 } }] };
}

describe('a batch dispatched to the pool', () => {
  it('is transferred: the sender\'s buffers are detached and the worker\'s output is the same rows', async () => {
    const batch = batchOf(1000);
    const expected = batch.toRows().filter((r) => r.value !== null);
    const values = batch.columns[1]! as { values: Float64Array };
    const result = (await dispatchBatch(pool, await filterJob(), batch)) as UnitResult;
    expect(values.values.byteLength).toBe(0);
    expect(values.values.buffer.byteLength).toBe(0);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(RecordBatch.fromData(result.batches[0]!).toRows()).toEqual(expected);
    expect(result.counts[1]!.rowsFiltered).toBe(1000 - expected.length);
  });

  it('copies a slice of a shared buffer once instead of detaching its parent', async () => {
    const parent = batchOf(1000);
    const slice = parent.slice(100, 300);
    const expected = slice.toRows().filter((r) => r.value !== null);
    const result = (await dispatchBatch(pool, await filterJob(), slice)) as UnitResult;
    expect((parent.columns[1] as { values: Float64Array }).values.length).toBe(1000);
    expect(parent.toRows()[150]).toEqual(batchOf(1000).toRows()[150]);
    expect(result.ok && RecordBatch.fromData(result.batches[0]!).toRows()).toEqual(expected);
  });

  it('lists each whole buffer once and copies views and dictionaries', () => {
    const whole = batchOf(10);
    const { transferList, data } = forTransfer(whole);
    expect(new Set(transferList).size).toBe(transferList.length);
    expect(transferList).toContain((whole.columns[0] as { values: BigInt64Array }).values.buffer);
    const sliced = forTransfer(whole.slice(2, 5));
    expect(sliced.transferList).not.toContain((whole.columns[0] as { values: BigInt64Array }).values.buffer);
    expect(RecordBatch.fromData(sliced.data).toRows()).toEqual(whole.slice(2, 5).toRows());
    expect(data.numRows).toBe(10);
  });
});
