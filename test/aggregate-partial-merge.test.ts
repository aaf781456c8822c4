import { describe, expect, it } from 'vitest';
import { Pipeline, RecordBatch, schema, type Schema } from '../src/index.js';
import { GroupedAggregation, type PartialAggregate } from '../src/stages/transforms/aggregate/aggregation.js';
import { planAggregate, strictPlanContext, type AggregateOptions } from '../src/stages/transforms/aggregate/plan.js';

function planFor(options: AggregateOptions, input: Schema) {
  const ctx = strictPlanContext();
  const plan = planAggregate(options, input, ctx);
  expect(ctx.problems).toEqual([]);
  return plan!;
}

async function syntheticBatches(rows: number, batchSize: number): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  for await (const b of (await Pipeline.fromJob({ source: { type: 'synthetic', rows, batch_size: batchSize } })).batches()) batches.push(b);
  return batches;
}

const summary: AggregateOptions = {
  group_by: ['category'],
  aggregates: [
    { fn: 'count', as: 'n' },
    { fn: 'sum', column: 'value', as: 'total' },
    { fn: 'mean', column: 'value', as: 'mean' },
    { fn: 'min', column: 'value', as: 'min' },
    { fn: 'max', column: 'value', as: 'max' },
    { fn: 'sum', column: 'id', as: 'ids' },
    { fn: 'max', column: 'ts', as: 'last' },
  ],
};

function partialOf(plan: ReturnType<typeof planFor>, batches: readonly RecordBatch[]): PartialAggregate {
  const a = new GroupedAggregation(plan);
  for (const b of batches) a.update(b);
  return a.toPartial();
}

describe('aggregate as partial → merge → finalize', () => {
  it('partials are plain data that survive structured clone', async () => {
    const batches = await syntheticBatches(5000, 1000);
    const plan = planFor(summary, batches[0]!.schema);
    const partial = partialOf(plan, batches);
    const cloned = structuredClone(partial);
    expect(cloned).toEqual(partial);
    expect(structuredClone(plan)).toEqual(plan);
    expect(GroupedAggregation.fromPartial(structuredClone(plan), cloned).finish().toRows()).toEqual(GroupedAggregation.fromPartial(plan, partial).finish().toRows());
  });

  it('merging split partials in split order is bit-identical however the splits were batched or cloned', async () => {
    // Four splits of 25,000 rows; one "worker" reads them in batches of 1,000, another in batches of 4,096.
    const fine = await syntheticBatches(100_000, 1000);
    const coarse = await syntheticBatches(100_000, 4096);
    const plan = planFor(summary, fine[0]!.schema);
    const split = (batches: RecordBatch[], i: number) => {
      expect(batches.reduce((n, b) => n + b.numRows, 0)).toBe(100_000);
      const start = i * 25_000;
      const out: RecordBatch[] = [];
      let at = 0;
      for (const b of batches) {
        const from = Math.max(start, at);
        const to = Math.min(start + 25_000, at + b.numRows);
        if (from < to) out.push(b.slice(from - at, to - at));
        at += b.numRows;
      }
      return out;
    };
    const mergeAll = (partials: PartialAggregate[]) => {
      const total = new GroupedAggregation(plan);
      for (const p of partials) total.merge(structuredClone(p));
      return total.finish().toRows();
    };
    const a = mergeAll([0, 1, 2, 3].map((i) => partialOf(plan, split(fine, i))));
    const b = mergeAll([0, 1, 2, 3].map((i) => partialOf(plan, split(coarse, i))));
    expect(b).toEqual(a);

    // And the float sum is exactly: each split's sum in row order, then added in split order.
    const rows = fine.flatMap((batch) => batch.toRows());
    for (const group of a) {
      let total = -0;
      for (let i = 0; i < 4; i++) {
        let part = -0;
        for (const row of rows.slice(i * 25_000, (i + 1) * 25_000)) if (row.category === group.category) part += row.value as number;
        total += part;
      }
      expect(group.total).toBe(total);
    }
  });

  it('gives the single-pass result for counts, integer sums, min and max, with null and multi-column keys', () => {
    const s = schema({ a: 'utf8', b: 'int64', v: 'int32' });
    const rows = Array.from({ length: 200 }, (_, i) => ({
      a: i % 7 === 0 ? null : `k${i % 5}`,
      b: i % 11 === 0 ? null : BigInt(i % 3) * 2n ** 60n,
      v: i % 13 === 0 ? null : i * 1000 - 50_000,
    }));
    const input = RecordBatch.fromRows(s, rows);
    const options: AggregateOptions = {
      group_by: ['a', 'b'],
      aggregates: [{ fn: 'count', as: 'n' }, { fn: 'count', column: 'v', as: 'nv' }, { fn: 'sum', column: 'v', as: 's' }, { fn: 'min', column: 'v', as: 'lo' }, { fn: 'max', column: 'v', as: 'hi' }, { fn: 'mean', column: 'v', as: 'm' }],
    };
    const plan = planFor(options, s);
    const single = new GroupedAggregation(plan);
    single.update(input);
    const merged = new GroupedAggregation(plan);
    for (const [from, to] of [[0, 37], [37, 38], [38, 150], [150, 200]] as const) merged.merge(structuredClone(partialOf(plan, [input.slice(from, to)])));
    expect(merged.finish().toRows()).toEqual(single.finish().toRows());
    // A partial taken mid-way and continued from gives the same answer too.
    const first = partialOf(plan, [input.slice(0, 120)]);
    const continued = GroupedAggregation.fromPartial(plan, structuredClone(first));
    continued.update(input.slice(120));
    expect(continued.finish().toRows()).toEqual(single.finish().toRows());
  });

  it('refuses a partial made by another plan', async () => {
    const batches = await syntheticBatches(100, 100);
    const plan = planFor(summary, batches[0]!.schema);
    const other = planFor({ group_by: ['category'], aggregates: [{ fn: 'count' }] }, batches[0]!.schema);
    expect(() => new GroupedAggregation(plan).merge(partialOf(other, batches))).toThrow(/another plan/);
  });
});
