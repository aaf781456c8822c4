/**
 * What every kind's harness shares: its settings, how case options become a stage (exactly as the
 * runtime builds one), and the checks on the class itself.
 */
import { Schema } from '../../batch/schema.js';
import type { AnyStage, StageClass, StageKind } from '../../registry/stage.js';
import { testPlanContext, type TestPlanContext } from '../context.js';
import { FD_UNSUPPORTED, openDescriptors } from './probes.js';
import { describeError, fail, runCheck, skip, type ComplianceResult } from './results.js';

/** Options as written in a job file, before the stage's options schema parses them. */
export type StageOptions = Readonly<Record<string, unknown>>;

/**
 * The cases for a stage, or a function building them in a fresh temporary folder that the harness
 * gives and removes afterwards: write input fixtures there, point output paths there.
 */
export type Cases<T> = T | ((dir: string) => T | Promise<T>);

/** How hard the harness pushes. */
export interface HarnessOptions {
  /** `ctx.batchSize` in the many-batches cases: small, so that 1,000 rows make many batches. Default 64. */
  readonly batchSize?: number;
  /** The longest any one case may take before it counts as hung. Default 10,000 ms. */
  readonly timeoutMs?: number;
  /** Rows the harness builds from the author's rows for the many-batches input of transforms and sinks. Default 1,000. */
  readonly minRows?: number;
}

export interface Settings {
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly minRows: number;
}

export function settings(options: HarnessOptions = {}): Settings {
  return { batchSize: options.batchSize ?? 64, timeoutMs: options.timeoutMs ?? 10_000, minRows: options.minRows ?? 1000 };
}

/** How many batches a stage may still yield after its signal was aborted. */
export const ABORT_TOLERANCE = 2;

export async function resolveCases<T>(cases: Cases<T>, dir: string): Promise<T> {
  return typeof cases === 'function' ? await (cases as (dir: string) => T | Promise<T>)(dir) : cases;
}

const TYPE_NAME = /^[a-z][a-z0-9_]*$/;

/** Whether the class can be exercised at all (a wrong kind or no options schema stops the other checks). */
export function usable(cls: StageClass, kind: StageKind): boolean {
  return typeof cls === 'function' && cls.kind === kind && typeof cls.options?.safeParse === 'function';
}

/** The class declares what a stage type must: kind, type, description, options schema, methods, a valid example. */
export function definitionCheck(cls: StageClass, kind: StageKind): Promise<ComplianceResult> {
  return runCheck('definition', () => {
    if (typeof cls !== 'function') fail(`expected a stage class, got ${typeof cls}`);
    const problems: string[] = [];
    if (cls.kind !== kind) problems.push(`static kind is ${JSON.stringify(cls.kind)}, expected "${kind}" (extend the ${kind} base class from sluice)`);
    if (typeof cls.type !== 'string' || !TYPE_NAME.test(cls.type)) problems.push(`static type must be a lower_snake_case name (got ${JSON.stringify(cls.type)})`);
    if (typeof cls.description !== 'string' || cls.description.trim() === '') problems.push('static description must be a non-empty line');
    if (typeof cls.options?.safeParse !== 'function') problems.push('static options must be a zod schema');
    for (const method of cls.requiredMethods ?? []) {
      if (typeof (cls.prototype as unknown as Record<string, unknown>)[method] !== 'function') problems.push(`has no ${method}() method`);
    }
    if (cls.example !== undefined && typeof cls.options?.safeParse === 'function') {
      const parsed = cls.options.safeParse(cls.example);
      if (!parsed.success) problems.push(`static example does not parse with the options schema: ${issues(parsed.error)}`);
    }
    if (problems.length > 0) fail(problems.join('; '));
  });
}

/** The options schema rejects a key it does not know (a misspelt option must not be ignored silently). */
export function unknownOptionsCheck(cls: StageClass, valid: StageOptions | undefined): Promise<ComplianceResult> {
  return runCheck('unknown options rejected', () => {
    if (valid === undefined) skip('no valid options to start from');
    const key = 'not_an_option_of_this_stage';
    if (cls.options.safeParse({ ...valid, [key]: 1 }).success) fail(`options with an unknown key "${key}" parsed; declare the options with z.strictObject`);
  });
}

/** A zod error in one line. */
function issues(error: unknown): string {
  const list = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (!Array.isArray(list)) return describeError(error);
  return list.map((i) => `${i.path.length > 0 ? `options.${i.path.map(String).join('.')}: ` : ''}${i.message}`).join('; ');
}

/** Parses `options` and constructs the stage, as the runtime does; fails the check if either fails. */
export function construct(cls: StageClass, options: StageOptions, label: string): AnyStage {
  const parsed = cls.options.safeParse(options);
  if (!parsed.success) fail(`the ${label} case's options do not parse: ${issues(parsed.error)}`);
  try {
    return new cls(parsed.data);
  } catch (error) {
    fail(`constructing the stage for the ${label} case threw ${describeError(error)}`);
  }
}

/** A plan context for `dir`, and a check that the stage recorded no problem in it. */
export function planContext(dir: string, batchSize: number): TestPlanContext {
  return testPlanContext({ baseDir: dir, batchSize });
}

export function noProblems(ctx: TestPlanContext, label: string, step: string): void {
  if (ctx.problems.length > 0) fail(`${step} recorded problems for the ${label} case, which is valid: ${ctx.problems.join('; ')}`);
}

export function requireSchema(value: unknown, label: string, step: string): Schema {
  if (!Schema.isSchema(value)) fail(`${step} returned ${typeof value === 'object' ? 'an object' : typeof value} that is not a Schema for the ${label} case`);
  return value;
}

/** Per-case descriptor accounting, reported at the end as the `file handles` check. */
export class DescriptorLedger {
  private readonly leaks: string[] = [];
  readonly supported = openDescriptors() !== undefined;
  record(label: string, leaked: number): void {
    if (leaked > 0) this.leaks.push(`${label}: ${leaked} left open`);
  }
  result(): Promise<ComplianceResult> {
    return runCheck('file handles', () => {
      if (!this.supported) skip(FD_UNSUPPORTED);
      if (this.leaks.length > 0) fail(`file descriptors opened by the stage were not closed (${this.leaks.join('; ')})`);
    });
  }
}

/** A leak message for a check, or undefined. */
export function leakProblem(leaked: number): string | undefined {
  return leaked > 0 ? `${leaked} file descriptor${leaked === 1 ? '' : 's'} left open` : undefined;
}
