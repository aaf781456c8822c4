/**
 * `aggregate`: one row per group of `group_by` keys, with count/sum/min/max/mean aggregates,
 * ordered by the group key ascending (ARCHITECTURE.md).
 *
 * Semantics:
 * - nulls follow SQL: aggregates skip them; `count` without `column` counts rows, with one it
 *   counts non-null values; sum/mean/min/max of no non-null value is null; a null key is a group
 *   of its own (sorted last). With `group_by: []` there is always exactly one row (count 0 and
 *   nulls over empty input); with keys, empty input gives no rows.
 * - NaN: sum, mean, min and max of a group holding a NaN are NaN. As a key, every NaN is one
 *   group, sorted after every number; -0 and 0 are one group.
 * - Key order: column by column; strings by Unicode code point (UTF-8 byte order), numbers
 *   numerically, false before true, nulls last.
 * - Output types: keys keep their type; count → int64; sum of float64 → float64, of int32/int64 →
 *   int64 (exact: an error if the total does not fit in int64); min/max keep the input type
 *   (int32, int64, float64, timestamp; not utf8 or bool); mean → float64 (of integers: the exact
 *   sum divided by the count).
 * - `as` defaults to `count` for a count of rows and to `<fn>_<column>` otherwise (`sum_value`).
 *
 * The work is a decomposable aggregation (partial → merge → finalize, over plain-data state:
 * `aggregate/aggregation.ts`), so splits can be aggregated in workers and merged in split order.
 */
import { z } from 'zod';
import { RecordBatch } from '../../batch/record-batch.js';
import type { Schema } from '../../batch/schema.js';
import { registerStage, Transform, type Accumulator, type PlanContext, type StageContext } from '../../registry/index.js';
import { GroupedAggregation, type PartialAggregate } from './aggregate/aggregation.js';
import { AGGREGATE_FNS, planAggregate, planSchema, strictPlanContext, type AggregatePlan } from './aggregate/plan.js';

const aggregateSpec = z
  .strictObject({
    fn: z.enum(AGGREGATE_FNS).describe('count, sum, min, max or mean'),
    column: z.string().min(1).optional().describe('Input column; required except for count (count without a column counts rows)'),
    as: z.string().min(1).optional().describe('Output column name; default: count for a count of rows, else <fn>_<column> (sum_value)'),
  })
  .superRefine((spec, ctx) => {
    if (spec.fn !== 'count' && spec.column === undefined) ctx.addIssue({ code: 'custom', path: ['column'], message: `is required for ${spec.fn}` });
  });

const options = z.strictObject({
  group_by: z.array(z.string().min(1)).default([]).describe('Key columns; rows are grouped by them, output ordered by them ascending (may be empty: one row)'),
  aggregates: z.array(aggregateSpec).default([]).describe('Aggregates to compute per group: { fn, column, as }'),
});

type Options = z.infer<typeof options>;

export class Aggregate extends Transform<Options> {
  static readonly type = 'aggregate';
  static readonly description = 'Groups rows by key columns and computes count/sum/min/max/mean per group, ordered by key';
  static readonly options = options;
  static readonly example = {
    group_by: ['category'],
    aggregates: [
      { fn: 'count', as: 'n' },
      { fn: 'sum', column: 'value', as: 'total' },
      { fn: 'mean', column: 'value', as: 'mean' },
    ],
  };
  static {
    registerStage(this);
  }

  /** The plan made by outputSchema, and the input schema it was made for. */
  private planned: { input: Schema; plan: AggregatePlan } | undefined;

  override outputSchema(input: Schema, ctx: PlanContext): Schema {
    const plan = planAggregate(this.options, input, ctx);
    if (plan === undefined) return input;
    this.planned = { input, plan };
    return planSchema(plan);
  }

  /** Its output is new rows: only its key and value columns, whatever is read after it. */
  override columnsRead(): Iterable<string> {
    const { group_by, aggregates } = this.options;
    return [...group_by, ...aggregates.flatMap((spec) => (spec.column === undefined ? [] : [spec.column]))];
  }

  async *transform(input: AsyncIterable<RecordBatch>, ctx: StageContext): AsyncGenerator<RecordBatch> {
    let aggregation: GroupedAggregation | undefined;
    for await (const batch of input) {
      aggregation ??= new GroupedAggregation(this.planFor(batch.schema), ctx.kernels);
      aggregation.update(batch);
    }
    if (aggregation === undefined) {
      if (this.planned === undefined) {
        // No batch and no checked plan: the output schema alone says what an empty result is.
        if (this.options.group_by.length === 0) yield this.emptyGlobalRow(ctx.schema);
        return;
      }
      aggregation = new GroupedAggregation(this.planned.plan, ctx.kernels);
    }
    const result = aggregation.finish();
    for (let start = 0; start < result.numRows; start += ctx.batchSize) yield result.slice(start, start + ctx.batchSize);
  }

  /** A split's state; the plan is the one checked by outputSchema (a worker calls it too). */
  override accumulator(ctx: StageContext): Accumulator {
    const aggregation = new GroupedAggregation(this.checkedPlan(), ctx.kernels);
    return {
      update: (batch) => aggregation.update(batch),
      merge: (partial) => aggregation.merge(partial as PartialAggregate),
      toPartial: () => aggregation.toPartial(),
    };
  }

  /** Partials merged in split order, then finished: what transform() gives when each split is one partial. */
  override *finishPartials(partials: readonly unknown[], ctx: StageContext): Iterable<RecordBatch> {
    const aggregation = new GroupedAggregation(this.checkedPlan(), ctx.kernels);
    for (const partial of partials) aggregation.merge(partial as PartialAggregate);
    const result = aggregation.finish();
    for (let start = 0; start < result.numRows; start += ctx.batchSize) yield result.slice(start, start + ctx.batchSize);
  }

  private checkedPlan(): AggregatePlan {
    if (this.planned === undefined) throw new TypeError('aggregate: accumulator() needs outputSchema() to have checked the input first');
    return this.planned.plan;
  }

  private planFor(input: Schema): AggregatePlan {
    const planned = this.planned;
    if (planned !== undefined && (planned.input === input || planned.input.equals(input))) return planned.plan;
    const ctx = strictPlanContext();
    const plan = planAggregate(this.options, input, ctx);
    if (plan === undefined) throw new TypeError(`aggregate: ${ctx.problems.join('; ')}`);
    this.planned = { input, plan };
    return plan;
  }

  private emptyGlobalRow(output: Schema): RecordBatch {
    const row: Record<string, bigint | null> = {};
    this.options.aggregates.forEach((spec, i) => {
      row[output.fields[i]!.name] = spec.fn === 'count' ? 0n : null;
    });
    return RecordBatch.fromRows(output, [row]);
  }
}
