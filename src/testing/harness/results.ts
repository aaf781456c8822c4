/**
 * What the compliance harness reports: one named result per check, and the helpers the checks are
 * written with. A check body passes by returning, fails by calling {@link fail}, and is skipped
 * (reported, not hidden) by calling {@link skip}; anything else it throws is a failure too.
 */

/** The checks the harness runs; each kind runs the ones that apply to it. */
export type ComplianceCheck =
  | 'definition'
  | 'unknown options rejected'
  | 'plan'
  | 'lazy start'
  | 'empty input'
  | 'one row'
  | 'many batches'
  | 'nulls'
  | 'early stop'
  | 'error inside the stream'
  | 'cleanup on abort'
  | 'file handles';

/**
 * The outcome of one check. `ok` is false only for a failure; a check that could not run here (no
 * `nulls` case given, no way to count file descriptors on this platform) is `ok` with `skipped`
 * and a message saying why.
 */
export interface ComplianceResult {
  readonly check: ComplianceCheck;
  readonly ok: boolean;
  readonly skipped?: boolean;
  /** Why it failed or was skipped: what the stage did, in which case. */
  readonly message?: string;
}

/** Thrown by {@link assertCompliant}: every failed check, one per line. */
export class ComplianceError extends Error {
  override name = 'ComplianceError';
  constructor(
    readonly failures: readonly ComplianceResult[],
    subject?: string,
  ) {
    const count = failures.length === 1 ? '1 check failed' : `${failures.length} checks failed`;
    super(`${subject ?? 'stage'} is not compliant: ${count}\n${failures.map((f) => `  ${f.check}: ${f.message ?? 'failed'}`).join('\n')}`);
  }
}

/**
 * Throws a {@link ComplianceError} listing every failed check of `results`; returns quietly when
 * none failed (skipped checks are not failures). `subject` names the stage in the message.
 */
export function assertCompliant(results: readonly ComplianceResult[], subject?: string): void {
  const failures = results.filter((r) => !r.ok);
  if (failures.length > 0) throw new ComplianceError(failures, subject);
}

class CheckFailed extends Error {}
class CheckSkipped extends Error {}

/** Ends the current check as failed with `message`. */
export function fail(message: string): never {
  throw new CheckFailed(message);
}

/** Ends the current check as skipped, saying why. */
export function skip(message: string): never {
  throw new CheckSkipped(message);
}

/** Runs one check body and turns its outcome into a result. */
export async function runCheck(check: ComplianceCheck, body: () => void | Promise<void>): Promise<ComplianceResult> {
  try {
    await body();
    return { check, ok: true };
  } catch (error) {
    if (error instanceof CheckSkipped) return { check, ok: true, skipped: true, message: error.message };
    if (error instanceof CheckFailed) return { check, ok: false, message: error.message };
    return { check, ok: false, message: `threw ${describeError(error)}` };
  }
}

/** Problems found so far in one check; `verdict()` fails the check with all of them at once. */
export class Problems {
  private readonly list: string[] = [];
  add(problem: string | undefined): void {
    if (problem !== undefined) this.list.push(problem);
  }
  merge(other: Problems): void {
    this.list.push(...other.list);
  }
  verdict(): void {
    if (this.list.length > 0) fail(this.list.join('; '));
  }
}

/** `TypeError: message` for an Error, a short form of anything else. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null && 'message' in error) return `${(error as { name?: unknown }).name ?? 'object'}: ${String((error as { message: unknown }).message)}`;
  return `a non-Error value (${typeof error} ${String(error)})`;
}
