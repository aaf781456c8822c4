/**
 * Rebuilding a unit's stages where it runs (a worker): functions cannot cross threads, so the
 * receiver imports the built-in stages and the job's plugins, looks each type up in its own
 * registry, validates the raw options with the class's schema, and gives each stage the planned
 * schemas (`outputSchema` is called again so stages like aggregate set up their state; a source
 * gets its schema through `ctx.schema` and never re-infers it).
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Schema } from '../../batch/schema.js';
import { degradingKernels } from '../../kernels/degrade.js';
import { jsKernels, selectKernels, type Implementation, type Kernels } from '../../kernels/index.js';
import { lookupStage, stageTypes } from '../../registry/registry.js';
import type { AnyStage, BatchTransform, PlanContext, Source, StageContext, Transform } from '../../registry/stage.js';
import { builtinsLoaded } from '../../stages/builtins.js';
import type { UnitStage, UnitStages } from './execute.js';
import type { StageCounts, StageSpecData, UnitJob } from './unit.js';

const imported = new Map<string, Promise<unknown>>();

/** Imports the built-ins and the job's plugins (each module once per thread). */
export async function loadStageModules(job: Pick<UnitJob, 'plugins' | 'baseDir'>): Promise<void> {
  await builtinsLoaded;
  for (const plugin of job.plugins) {
    const specifier = plugin.startsWith('.') || isAbsolute(plugin) ? pathToFileURL(resolve(job.baseDir, plugin)).href : plugin;
    if (!imported.has(specifier)) imported.set(specifier, import(specifier));
    await imported.get(specifier);
  }
}

/** Every registered stage type with its class name: what this thread can rebuild. */
export function registeredClasses(): Record<string, string> {
  const classes: Record<string, string> = {};
  for (const cls of stageTypes()) classes[cls.type] = cls.name;
  return classes;
}

interface BuiltStage {
  readonly spec: StageSpecData;
  readonly stage: AnyStage;
  readonly schema: Schema;
}

const built = new Map<string, BuiltStage[]>();

/** The job's stages, built once per thread and job (they hold no per-unit state). */
export function buildStages(job: UnitJob): BuiltStage[] {
  const key = JSON.stringify([job.baseDir, job.plugins, job.batchSize, job.sourceFields, job.sourceFileFields, job.source, job.prefix, job.aggregate]);
  let stages = built.get(key);
  if (stages === undefined) {
    const resolvePath = (path: string) => (isAbsolute(path) ? path : resolve(job.baseDir, path));
    let schema = new Schema(job.sourceFields);
    const source = construct(job.source) as Source;
    if (job.sourceFileFields !== undefined && source.project?.(schema.names, new Schema(job.sourceFileFields)) !== true) {
      throw new TypeError(`${job.source.place}: rebuilt in a worker, the source does not read only the planned columns (${schema.names.join(', ')})`);
    }
    stages = [{ spec: job.source, stage: source, schema }];
    for (const spec of [...job.prefix, ...(job.aggregate === undefined ? [] : [job.aggregate])]) {
      const stage = construct(spec) as Transform;
      const problems: string[] = [];
      const ctx: PlanContext = {
        resolvePath,
        batchSize: job.batchSize,
        problem: (option, message) => problems.push(`${option}: ${message}`),
        // The main thread checked the plan; here a missing column only has to be noticed, not explained.
        requireColumn: (input, option, name, types) => {
          const field = input.field(name);
          if (field === undefined || (types !== undefined && !types.includes(field.type))) problems.push(`${option}: column "${name}" is missing or of another type`);
          else return field;
          return undefined;
        },
      };
      schema = stage.outputSchema(schema, ctx);
      if (problems.length > 0) throw new TypeError(`${spec.place}: rebuilt in a worker, the stage rejects its planned input: ${problems.join('; ')}`);
      stages.push({ spec, stage, schema });
    }
    built.set(key, stages);
  }
  return stages;
}

function construct(spec: StageSpecData): AnyStage {
  const found = lookupStage(spec.type);
  if ('error' in found) throw new TypeError(`${spec.place}: ${found.error} in this worker (is the module that defines it listed under plugins:?)`);
  const cls = found.found;
  if (cls.name !== spec.className) throw new TypeError(`${spec.place}: "${spec.type}" is class ${cls.name} in this worker, ${spec.className} on the main thread`);
  const parsed = cls.options.safeParse(spec.options);
  if (!parsed.success) throw new TypeError(`${spec.place}: options rejected in a worker: ${parsed.error.message}`);
  return new cls(parsed.data);
}

/** The unit's stages with contexts that count into `counts` (one per stage, in order). */
export function unitStages(job: UnitJob, counts: readonly StageCounts[], signal: AbortSignal): UnitStages {
  const stages = buildStages(job);
  const kernels = selectKernels(job.kernels);
  const resolvePath = (path: string) => (isAbsolute(path) ? path : resolve(job.baseDir, path));
  const step = <S>(built: BuiltStage, i: number): UnitStage<S> => {
    const count = counts[i]!;
    const record = (implementation: Implementation) => {
      if (!count.implementations.includes(implementation)) count.implementations.push(implementation);
    };
    const ctx: StageContext = {
      signal,
      batchSize: job.batchSize,
      // As on the main thread: a native kernel that fails for a batch is redone on its twin.
      kernels: recording(
        degradingKernels(kernels, jsKernels, {
          onDegrade: () => {
            count.degradedToTwin++;
            record('js');
          },
        }),
        record,
      ),
      place: built.spec.place,
      schema: built.schema,
      resolvePath,
      addBytesRead: (bytes) => {
        count.bytesRead += bytes;
      },
      reportOutput: () => {},
      recordImplementation: record,
    };
    return { stage: built.stage as S, place: built.spec.place, type: built.spec.type, policy: built.spec.policy, schema: built.schema, ctx };
  };
  const file = (job.source.options as { path?: unknown }).path;
  return {
    source: step<Source>(stages[0]!, 0),
    prefix: job.prefix.map((_, i) => step<BatchTransform>(stages[i + 1]!, i + 1)),
    ...(job.aggregate === undefined ? {} : { aggregate: step<Transform>(stages[stages.length - 1]!, stages.length - 1) }),
    ...(typeof file === 'string' ? { file: resolvePath(file) } : {}),
  };
}

/** The kernels, saying which implementation each call used. */
function recording(kernels: Kernels, record: (implementation: Implementation) => void): Kernels {
  const facade: Record<string, unknown> = { implementation: kernels.implementation };
  for (const [name, value] of Object.entries(kernels)) {
    if (typeof value !== 'function') continue;
    facade[name] = (...args: unknown[]) => {
      record(kernels.implementation);
      return (value as (...a: unknown[]) => unknown)(...args);
    };
  }
  return facade as unknown as Kernels;
}
