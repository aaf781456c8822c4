/**
 * The errors sluice reports, each carrying what a user needs to find the cause: the job file
 * place for job problems, the data file, line and column for bad input, the stage for failures.
 * Built here only, so every message has one shape.
 */

/** Exit codes of `sluice` (documented in the README). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  invalidJob: 2,
  badInput: 3,
  /**
   * The run finished but not fully (`RunSummary.degraded` is not empty): an optional sink failed,
   * rows were skipped or went to the dead-letter output, or native kernels fell back to the twins.
   */
  degraded: 4,
  interrupted: 130,
  terminated: 143,
} as const;

/** One problem found in a job before data flows: `transforms[1].column: no column "valeu"`. */
export interface Problem {
  /** Dotted place in the job: `transforms[1].column`, `sink.path`, `plugins[0]`. */
  readonly path: string;
  readonly message: string;
  /** 1-based line and column in the job file, when the job came from a file. */
  readonly line?: number;
  readonly column?: number;
}

export function formatProblem(problem: Problem, file?: string): string {
  const where = file === undefined ? '' : problem.line === undefined ? `${file}: ` : `${file}:${problem.line}:${problem.column}: `;
  return `${where}${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** A job that cannot run, with every problem found (not just the first). */
export class JobError extends Error {
  override name = 'JobError';
  constructor(
    readonly problems: readonly Problem[],
    readonly file?: string,
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid job${file ? ` ${file}` : ''}: ${count}\n${problems.map((p) => `  ${formatProblem(p, file)}`).join('\n')}`);
  }
}

/** Input data that cannot be read as declared: names the file, the line and, where known, the column. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number | undefined,
    readonly detail: string,
  ) {
    super(`${file}:${line}${column === undefined ? '' : `:${column}`}: ${detail}`);
  }
}

/** A failure inside a running stage, annotated with the stage's place and type by the runtime. */
export class StageError extends Error {
  override name = 'StageError';
  constructor(
    readonly place: string,
    readonly stageType: string,
    override readonly cause: Error,
  ) {
    super(`${place} (${stageType}): ${cause.message}`, { cause });
  }
}

/** The run was stopped by a signal (Ctrl-C, SIGTERM). */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

/** Anything thrown, as an Error. */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}

/** The exit code for an error that ended a run. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof JobError) return ExitCode.invalidJob;
  if (error instanceof InterruptedError) return error.signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
  const root = error instanceof StageError ? error.cause : error;
  return root instanceof DataError ? ExitCode.badInput : ExitCode.failure;
}
