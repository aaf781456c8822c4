/**
 * Checking a job before any data flows: the job's own keys, plugins, stage types and their
 * kinds in order, each stage's options, and the schema carried from stage to stage (every
 * referenced column present with a usable type). Every problem is collected and reported at once.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { Schema, type DataType, type Field } from '../batch/schema.js';
import { lookupStage } from '../registry/registry.js';
import type { AnyStage, PlanContext, Sink, Source, StageClass, StageKind, Transform } from '../registry/stage.js';
import { didYouMean } from '../registry/suggest.js';
import { builtinsLoaded } from '../stages/builtins.js';
import { DEFAULT_POLICY, type StagePolicy } from '../flow/outcome.js';
import { DEAD_LETTER_SCHEMA } from '../flow/policy/dead-letters.js';
import { peelPolicyKeys, POLICY_KEY_NAMES, POLICY_KEYS, toStagePolicy, type PolicyKey } from '../flow/policy/keys.js';
import { JobError, toError, type Problem } from './errors.js';
import type { JobPath, JobSpec, LoadedJob, StageSpec } from './job.js';
import { formatPath } from './job.js';
import { place, validateOptions } from './options.js';

export const DEFAULT_BATCH_SIZE = 65_536;

const stageSpecSchema = z.looseObject({ type: z.string() });
const jobSchema = z.strictObject({
  version: z.literal(1).optional(),
  plugins: z.array(z.string()).optional(),
  threads: z.number().int().min(0).optional(),
  batch_size: z.number().int().min(1).max(16_777_216).optional(),
  source: stageSpecSchema,
  transforms: z.array(stageSpecSchema).optional(),
  sink: stageSpecSchema.optional(),
  /** A sink (any registered sink) receiving the records that stages with `on_error: dead_letter` reject. */
  dead_letter: stageSpecSchema.optional(),
});

export interface PlannedStage<S extends AnyStage = AnyStage> {
  readonly place: string;
  readonly cls: StageClass;
  readonly stage: S;
  /** Output schema for sources and transforms; input schema for the sink. */
  readonly schema: Schema;
  /** The common keys beside `type` (retry, timeout, circuit_breaker, on_error, ordered, optional), parsed. */
  readonly policy: StagePolicy;
}

export interface Plan {
  readonly job: LoadedJob;
  readonly spec: JobSpec;
  readonly batchSize: number;
  readonly source: PlannedStage<Source>;
  readonly transforms: readonly PlannedStage<Transform>[];
  readonly sink: PlannedStage<Sink> | undefined;
  /** The job's `dead_letter:` sink, receiving rows of DEAD_LETTER_SCHEMA. */
  readonly deadLetter?: PlannedStage<Sink>;
  /** The schema of what leaves the last transform. */
  readonly outputSchema: Schema;
  /**
   * Projection pushdown: present when the source reads only some of its columns. `full` is the
   * schema the source declared (what the job was checked against); `source.schema` and every
   * later stage's schema hold only the columns read (`columns`, in `full`'s order).
   */
  readonly projection?: Projection;
  resolvePath(path: string): string;
}

export interface Projection {
  readonly full: Schema;
  readonly columns: readonly string[];
}

export interface PlanOptions {
  /** `sluice run` needs a sink; the embedding API may collect the output instead. */
  readonly requireSink: boolean;
}

export async function planJob(job: LoadedJob, options: PlanOptions): Promise<Plan> {
  await builtinsLoaded;
  const problems: Problem[] = [...(job.problems ?? [])];
  const top = validateOptions(jobSchema, job.spec, [], job);
  let spec: JobSpec;
  if ('problems' in top) {
    // Keep checking the stages when only top-level keys are wrong, so every problem is reported at once.
    problems.push(...top.problems);
    const usable = jobSchema.partial({ version: true, threads: true, batch_size: true }).loose().safeParse(job.spec);
    if (!usable.success) throw new JobError(inFileOrder(problems), job.file);
    spec = usable.data as JobSpec;
  } else spec = top.value as JobSpec;
  if (options.requireSink && spec.sink === undefined) problems.push(place(job, [], 'sink: is required to run a job'));

  for (const [index, plugin] of (spec.plugins ?? []).entries()) {
    const problem = await importPlugin(plugin, job.baseDir);
    if (problem !== undefined) problems.push(place(job, ['plugins', index], problem));
  }

  const resolvePath = (path: string) => (isAbsolute(path) ? path : resolve(job.baseDir, path));
  const batchSize = spec.batch_size ?? DEFAULT_BATCH_SIZE;
  const planContext = (base: JobPath): PlanContext => ({
    resolvePath,
    batchSize,
    problem: (option, message) => problems.push(place(job, [...base, ...splitOption(option)], message)),
    requireColumn: (input, option, name, types) => requireColumn(input, name, types, (message) => problems.push(place(job, [...base, ...splitOption(option)], message))),
  });

  const build = (stageSpec: StageSpec, base: JobPath, kind: StageKind): PlannedStage | undefined => {
    const looked = lookupStage(stageSpec.type);
    if ('error' in looked) {
      problems.push(place(job, [...base, 'type'], looked.error));
      return undefined;
    }
    const cls = looked.found;
    if (cls.kind !== kind) {
      problems.push(place(job, [...base, 'type'], `"${cls.type}" is a ${cls.kind}, not a ${kind}`));
      return undefined;
    }
    const { type: _type, ...rest } = stageSpec;
    const { common, own } = peelPolicyKeys(rest);
    const policy = planPolicy(cls, common, base, job, problems, (spec as { dead_letter?: unknown }).dead_letter !== undefined);
    const parsed = validateOptions(cls.options, own, base, job, POLICY_KEY_NAMES);
    if ('problems' in parsed) {
      problems.push(...parsed.problems);
      return undefined;
    }
    return { place: formatPath(base), cls, stage: new cls(parsed.value), schema: undefined as unknown as Schema, policy: policy ?? DEFAULT_POLICY };
  };

  // Build every stage first so option problems of all stages are reported even if one type is unknown.
  const source = build(spec.source, ['source'], 'source') as PlannedStage<Source> | undefined;
  const transforms = (spec.transforms ?? []).map((t, i) => build(t, ['transforms', i], 'transform') as PlannedStage<Transform> | undefined);
  const sink = spec.sink === undefined ? undefined : (build(spec.sink, ['sink'], 'sink') as PlannedStage<Sink> | undefined);
  const deadLetterSpec = (spec as { dead_letter?: StageSpec }).dead_letter;
  const deadLetter = deadLetterSpec === undefined ? undefined : (build(deadLetterSpec, ['dead_letter'], 'sink') as PlannedStage<Sink> | undefined);
  if (deadLetter !== undefined) {
    if (deadLetter.policy.onError !== 'fail') problems.push(place(job, ['dead_letter', 'on_error'], 'the dead-letter sink cannot send its own failures to itself: leave on_error out (fail)'));
    deadLetter.stage.checkInput(DEAD_LETTER_SCHEMA, planContext(['dead_letter']));
    Object.assign(deadLetter, { schema: DEAD_LETTER_SCHEMA });
  }

  // Then carry the schema along; a stage whose input is unknown (an upstream problem) is not checked, to avoid cascades.
  let schema: Schema | undefined;
  if (source !== undefined) {
    const before = problems.length;
    try {
      schema = await source.stage.schema(planContext(['source']));
    } catch (error) {
      problems.push(place(job, ['source'], toError(error).message));
    }
    if (problems.length > before) schema = undefined;
    if (schema !== undefined) Object.assign(source, { schema });
  }
  transforms.forEach((planned, i) => {
    if (planned === undefined || schema === undefined) {
      schema = undefined;
      return;
    }
    const before = problems.length;
    try {
      schema = planned.stage.outputSchema(schema, planContext(['transforms', i]));
    } catch (error) {
      problems.push(place(job, ['transforms', i], toError(error).message));
    }
    if (problems.length > before) schema = undefined;
    else Object.assign(planned, { schema });
  });
  if (sink !== undefined && schema !== undefined) {
    sink.stage.checkInput(schema, planContext(['sink']));
    Object.assign(sink, { schema });
  }

  if (problems.length > 0) throw new JobError(inFileOrder(problems), job.file);
  // A limit right after a stage tells it how many rows will be read (sort keeps only those: top-k).
  transforms.forEach((planned, i) => {
    const next = transforms[i + 1];
    if (next?.cls.type === 'limit') planned!.stage.absorbLimit?.((next.stage.options as { n: number }).n);
  });
  const projection = pushProjection(source!, transforms as PlannedStage<Transform>[], planContext);
  if (projection !== undefined) schema = transforms.length === 0 ? source!.schema : transforms[transforms.length - 1]!.schema;
  if (projection !== undefined && sink !== undefined) Object.assign(sink, { schema });
  return {
    job,
    spec,
    batchSize,
    source: source!,
    transforms: transforms as PlannedStage<Transform>[],
    sink,
    ...(deadLetter === undefined ? {} : { deadLetter }),
    outputSchema: schema!,
    ...(projection === undefined ? {} : { projection }),
    resolvePath,
  };
}

/**
 * Projection pushdown, once the job is checked against the source's full schema: walks back from
 * the end (every column of the last transform's output is read: the sink's input, or what the
 * embedding API returns) asking each transform which input columns it reads (`columnsRead`; a
 * stage without it, or one sending rejected records whole to a dead-letter sink, reads all), and
 * tells the source. A source that accepts yields only those columns, so each transform's schema is
 * derived again from the projected one; should a stage then reject its input (a plugin declaring
 * fewer columns than it checks), the plan goes back to reading every column. Returns what the
 * source reads, or undefined when it reads everything.
 */
function pushProjection(source: PlannedStage<Source>, transforms: PlannedStage<Transform>[], planContext: (base: JobPath) => PlanContext): Projection | undefined {
  const full = source.schema;
  if (typeof source.stage.project !== 'function' || full.fields.length <= 1) return undefined;
  const inputOf = (i: number) => (i === 0 ? full : transforms[i - 1]!.schema);
  let needed = new Set((transforms.length === 0 ? full : transforms[transforms.length - 1]!.schema).names);
  for (let i = transforms.length - 1; i >= 0; i--) {
    const planned = transforms[i]!;
    const input = inputOf(i);
    const declared = planned.policy.onError === 'dead_letter' ? undefined : planned.stage.columnsRead?.(needed, input);
    needed = new Set(declared === undefined ? input.names : [...declared].filter((name) => input.field(name) !== undefined));
  }
  // A batch keeps at least one column, so that its row count stays carried by data.
  const columns = full.names.filter((name, i) => needed.has(name) || (needed.size === 0 && i === 0));
  if (columns.length === full.fields.length || !source.stage.project(columns, full)) return undefined;
  const chain = (first: Schema): Schema[] | undefined => {
    const schemas: Schema[] = [];
    let schema = first;
    for (const [i, planned] of transforms.entries()) {
      let rejected = false;
      const ctx = { ...planContext(['transforms', i]), problem: () => void (rejected = true), requireColumn: (input: Schema, _option: string, name: string, types?: readonly DataType[]) => requireColumn(input, name, types, () => (rejected = true)) };
      schema = planned.stage.outputSchema(schema, ctx);
      if (rejected) return undefined;
      schemas.push(schema);
    }
    return schemas;
  };
  const projected = new Schema(columns.map((name) => full.field(name)!));
  const schemas = chain(projected);
  if (schemas === undefined) {
    // Every column again, and each stage's state (aggregate's plan) set up for it again.
    source.stage.project(full.names, full);
    chain(full);
    return undefined;
  }
  Object.assign(source, { schema: projected });
  schemas.forEach((schema, i) => Object.assign(transforms[i]!, { schema }));
  return { full, columns };
}

/** What a stage of this class can do per unit, for checking which common keys apply to it. */
function unitOf(cls: StageClass): 'batch' | 'accumulator' | 'write' | undefined {
  const proto = cls.prototype as unknown as Record<string, unknown>;
  if (cls.kind === 'transform' && typeof proto.processBatch === 'function') return 'batch';
  if (cls.kind === 'transform' && typeof proto.accumulator === 'function' && typeof proto.finishPartials === 'function') return 'accumulator';
  if (cls.kind === 'sink' && typeof proto.write === 'function') return 'write';
  return undefined;
}

const UNIT_KEYS: readonly PolicyKey[] = ['retry', 'timeout', 'circuit_breaker', 'on_error'];

/**
 * Checks the common keys of one stage (each at its place, `transforms[0].retry.attempts`) and
 * whether they apply to its kind; returns the parsed policy, or undefined after a problem.
 */
function planPolicy(cls: StageClass, common: Partial<Record<PolicyKey, unknown>>, base: JobPath, job: LoadedJob, problems: Problem[], hasDeadLetter: boolean): StagePolicy | undefined {
  const before = problems.length;
  const parsed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(common) as [PolicyKey, unknown][]) {
    const result = validateOptions(POLICY_KEYS[key] as z.ZodType<unknown>, value, [...base, key], job);
    if ('problems' in result) problems.push(...result.problems);
    else parsed[key] = result.value;
  }
  const at = (key: PolicyKey, message: string) => problems.push(place(job, [...base, key], message));
  const unit = unitOf(cls);
  for (const key of UNIT_KEYS) {
    if (common[key] === undefined || (key === 'on_error' && parsed.on_error === 'fail')) continue;
    if (cls.kind === 'source') at(key, `a source has no unit of work to ${key === 'on_error' ? 'apply on_error to' : key === 'retry' ? 'retry' : 'guard'}: ${key} applies to transforms and sinks`);
    else if (unit === undefined && cls.kind === 'transform') {
      at(key, `"${cls.type}" works on its whole input at once (it is not a per-batch stage nor a decomposable aggregation), so it has no unit to ${key === 'retry' ? 'retry' : 'apply ' + key + ' to'}`);
    } else if (unit === undefined) {
      at(key, `"${cls.type}" writes its whole stream in one consume() with no per-batch write to ${key === 'retry' ? 'retry' : 'apply ' + key + ' to'} (sinks built on BatchSink take it); optional: true is what a sink of this kind accepts`);
    }
  }
  if (parsed.optional === true && cls.kind !== 'sink') at('optional', 'only a sink can be optional (a failing source or transform leaves nothing correct to go on with)');
  if (parsed.on_error === 'dead_letter' && !hasDeadLetter) at('on_error', 'on_error: dead_letter needs a job-level dead_letter: sink to receive the rejected records (e.g. dead_letter: { type: json_file, path: rejected.ndjson, format: ndjson })');
  return problems.length > before ? undefined : toStagePolicy(parsed);
}

function inFileOrder(problems: Problem[]): Problem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.line ?? Infinity) - (b.problem.line ?? Infinity) || (a.problem.column ?? 0) - (b.problem.column ?? 0) || a.index - b.index)
    .map(({ problem }) => problem);
}

async function importPlugin(plugin: string, baseDir: string): Promise<string | undefined> {
  const isPath = plugin.startsWith('.') || isAbsolute(plugin);
  const specifier = isPath ? pathToFileURL(resolve(baseDir, plugin)).href : plugin;
  try {
    await import(specifier);
    return undefined;
  } catch (error) {
    const e = toError(error);
    const reason = (e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && isPath ? 'no such file' : e.message;
    return `cannot load plugin ${JSON.stringify(plugin)}: ${reason}`;
  }
}

/** `by[0].column` → ['by', 0, 'column']. */
function splitOption(option: string): (string | number)[] {
  if (option === '') return [];
  return option.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The field `name` of `input` if present with one of `types`; otherwise reports why and returns undefined. */
export function requireColumn(input: Schema, name: string, types: readonly DataType[] | undefined, report: (message: string) => void): Field | undefined {
  const field = input.field(name);
  if (field === undefined) {
    report(`no column "${name}" in the input${didYouMean(name, input.names)} (columns: ${input.names.join(', ')})`);
    return undefined;
  }
  if (types !== undefined && !types.includes(field.type)) {
    report(`column "${name}" is ${field.type}; this needs ${types.length === 1 ? types[0] : `one of ${types.join(', ')}`}`);
    return undefined;
  }
  return field;
}
