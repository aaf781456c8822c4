/**
 * The aggregate's options resolved against its input schema: which columns are keys, which value
 * columns need which accumulators, and what each output column is. The plan is plain data (it
 * survives structured clone), so a worker that receives it can build the same aggregation.
 */
import { Schema, type DataType, type Field } from '../../../batch/schema.js';
import type { PlanContext } from '../../../registry/stage.js';

export const AGGREGATE_FNS = ['count', 'sum', 'min', 'max', 'mean'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];

/** One aggregate as written in the job file. */
export interface AggregateSpec {
  readonly fn: AggregateFn;
  readonly column?: string | undefined;
  readonly as?: string | undefined;
}

export interface AggregateOptions {
  readonly group_by: readonly string[];
  readonly aggregates: readonly AggregateSpec[];
}

/** Input types each function accepts (count with a column accepts every type). */
export const ACCEPTS: Readonly<Record<Exclude<AggregateFn, 'count'>, readonly DataType[]>> = {
  sum: ['int32', 'int64', 'float64'],
  mean: ['int32', 'int64', 'float64'],
  min: ['int32', 'int64', 'float64', 'timestamp'],
  max: ['int32', 'int64', 'float64', 'timestamp'],
};

export interface KeyPlan {
  readonly name: string;
  /** Index of the column in the input schema. */
  readonly index: number;
  readonly type: DataType;
  readonly nullable: boolean;
}

/** A value column read by one or more aggregates, with the accumulators it needs. */
export interface ValuePlan {
  readonly name: string;
  readonly index: number;
  readonly type: DataType;
  readonly sum: boolean;
  readonly min: boolean;
  readonly max: boolean;
}

export interface OutputPlan {
  readonly name: string;
  readonly fn: AggregateFn;
  /** Index into {@link AggregatePlan.values}; -1 for `count` of rows. */
  readonly value: number;
  readonly type: DataType;
}

export interface AggregatePlan {
  readonly keys: readonly KeyPlan[];
  readonly values: readonly ValuePlan[];
  readonly outputs: readonly OutputPlan[];
  /** Output fields: the keys, then one per aggregate. */
  readonly fields: readonly Field[];
}

/** The output name of an aggregate without `as`: `count`, or `<fn>_<column>` (`sum_value`). */
export function defaultName(spec: AggregateSpec): string {
  return spec.column === undefined ? spec.fn : `${spec.fn}_${spec.column}`;
}

/** The output type of `fn` over a column of type `input` (undefined for count of rows). */
export function outputType(fn: AggregateFn, input: DataType | undefined): DataType {
  switch (fn) {
    case 'count':
      return 'int64';
    case 'mean':
      return 'float64';
    case 'sum':
      return input === 'float64' ? 'float64' : 'int64';
    case 'min':
    case 'max':
      return input!;
  }
}

/**
 * Resolves `options` against `input`. Every problem is recorded through `ctx` (with its option
 * path: `group_by[0]`, `aggregates[2].column`, `aggregates[1].as`); the plan is returned only when
 * there is none.
 */
export function planAggregate(options: AggregateOptions, input: Schema, ctx: Pick<PlanContext, 'problem' | 'requireColumn'>): AggregatePlan | undefined {
  let ok = true;
  const problem = (option: string, message: string) => {
    ok = false;
    ctx.problem(option, message);
  };
  const outputNames = new Set<string>();
  const keys: KeyPlan[] = [];
  options.group_by.forEach((name, i) => {
    const field = ctx.requireColumn(input, `group_by[${i}]`, name);
    if (field === undefined) {
      ok = false;
      return;
    }
    if (outputNames.has(name)) return problem(`group_by[${i}]`, `duplicate group key "${name}"`);
    outputNames.add(name);
    keys.push({ name, index: input.indexOf(name), type: field.type, nullable: field.nullable });
  });
  if (options.group_by.length === 0 && options.aggregates.length === 0) {
    problem('aggregates', 'needs at least one aggregate when group_by is empty');
  }

  const values: ValuePlan[] = [];
  const outputs: OutputPlan[] = [];
  options.aggregates.forEach((spec, i) => {
    const name = spec.as ?? defaultName(spec);
    if (outputNames.has(name)) problem(`aggregates[${i}].as`, `duplicate output column "${name}"${spec.as === undefined ? ' (the default name; set `as`)' : ''}`);
    outputNames.add(name);
    if (spec.column === undefined) {
      if (spec.fn !== 'count') problem(`aggregates[${i}].column`, `is required for ${spec.fn}`);
      else outputs.push({ name, fn: 'count', value: -1, type: 'int64' });
      return;
    }
    const types = spec.fn === 'count' ? undefined : ACCEPTS[spec.fn];
    const field = ctx.requireColumn(input, `aggregates[${i}].column`, spec.column, types);
    if (field === undefined) {
      ok = false;
      return;
    }
    let v = values.findIndex((p) => p.name === spec.column);
    if (v < 0) {
      v = values.length;
      values.push({ name: field.name, index: input.indexOf(field.name), type: field.type, sum: false, min: false, max: false });
    }
    const needs = spec.fn === 'sum' || spec.fn === 'mean' ? 'sum' : spec.fn === 'min' ? 'min' : spec.fn === 'max' ? 'max' : undefined;
    if (needs !== undefined) values[v] = { ...values[v]!, [needs]: true };
    outputs.push({ name, fn: spec.fn, value: v, type: outputType(spec.fn, field.type) });
  });
  if (!ok) return undefined;

  const fields: Field[] = [
    ...keys.map((k): Field => ({ name: k.name, type: k.type, nullable: k.nullable })),
    ...outputs.map((o): Field => ({ name: o.name, type: o.type, nullable: o.fn !== 'count' })),
  ];
  return { keys, values, outputs, fields };
}

/** The output schema of a plan. */
export function planSchema(plan: AggregatePlan): Schema {
  return new Schema(plan.fields);
}

/** A checking context outside a job (a batch's schema met at run time): problems are collected. */
export function strictPlanContext(): Pick<PlanContext, 'problem' | 'requireColumn'> & { readonly problems: string[] } {
  const problems: string[] = [];
  return {
    problems,
    problem: (option, message) => problems.push(`${option}: ${message}`),
    requireColumn: (input, option, name, types) => {
      const field = input.field(name);
      if (field === undefined) problems.push(`${option}: no column "${name}" in the input (columns: ${input.names.join(', ')})`);
      else if (types !== undefined && !types.includes(field.type)) problems.push(`${option}: column "${name}" is ${field.type}; this needs one of ${types.join(', ')}`);
      else return field;
      return undefined;
    },
  };
}
