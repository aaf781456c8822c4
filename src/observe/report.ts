/**
 * The run report (`sluice run --report FILE`): what a run did, as JSON with a versioned shape
 * (schemas/run-report.v1.schema.json). Written for failed and interrupted runs too, from the
 * metrics gathered so far, because that is when a report is needed most.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunSummary } from '../runtime/run.js';

export const REPORT_VERSION = 1;

/** `degraded` (exit code 4): an optional sink failed, rows were skipped or dead-lettered, or kernels fell back. */
export type RunStatus = 'succeeded' | 'degraded' | 'failed' | 'interrupted';

/** `none`: the stage has no circuit breaker. */
export type { BreakerState } from '../flow/outcome.js';
import type { BreakerState } from '../flow/outcome.js';

export interface StageRunReport {
  readonly index: number;
  readonly place: string;
  readonly type: string;
  readonly kind: 'source' | 'transform' | 'sink';
  readonly implementation: { readonly kernels: string; readonly workerThreads: boolean };
  readonly batchesIn: number;
  readonly batchesOut: number;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly bytesRead: number;
  readonly bytesTotal: number | null;
  readonly busyMs: number;
  readonly waitMs: number;
  readonly errors: number;
  readonly retries: number;
  readonly breaker: BreakerState;
  readonly output: string | null;
  readonly rowsFiltered: number;
  readonly rowsConsumed: number | null;
  readonly rowsSkipped: number;
  readonly rowsDeadLettered: number;
  readonly degradedToTwin: number;
  readonly failed: string | null;
}

export interface RunReport {
  readonly reportVersion: typeof REPORT_VERSION;
  readonly runId: string;
  readonly job: string | null;
  readonly status: RunStatus;
  readonly exitCode: number;
  readonly error: { readonly name: string; readonly message: string } | null;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallMs: number;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly rowsPerSecond: number;
  readonly kernels: string;
  readonly sluiceVersion: string;
  readonly node: string;
  readonly output: string | null;
  readonly degraded: readonly string[];
  readonly deadLetter: { readonly type: string; readonly rows: number; readonly output: string | null } | null;
  readonly stages: readonly StageRunReport[];
}

export const sluiceVersion: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const ms = (value: number) => Math.round(value * 1000) / 1000;

export function buildReport(summary: RunSummary, outcome: { status: RunStatus; exitCode: number; error?: Error; startedAt: Date }): RunReport {
  return {
    reportVersion: REPORT_VERSION,
    runId: summary.runId,
    job: summary.job ?? null,
    status: outcome.status,
    exitCode: outcome.exitCode,
    error: outcome.error === undefined ? null : { name: outcome.error.name, message: outcome.error.message },
    startedAt: outcome.startedAt.toISOString(),
    finishedAt: new Date(outcome.startedAt.getTime() + summary.wallMs).toISOString(),
    wallMs: ms(summary.wallMs),
    rowsIn: summary.rowsIn,
    rowsOut: summary.rowsOut,
    rowsPerSecond: ms(summary.rowsPerSecond),
    kernels: summary.kernels,
    sluiceVersion,
    node: process.version,
    output: summary.output ?? null,
    degraded: summary.degraded,
    deadLetter: summary.deadLetter === undefined ? null : { type: summary.deadLetter.type, rows: summary.deadLetter.rows, output: summary.deadLetter.output ?? null },
    stages: summary.stages.map((s, index) => ({
      index,
      place: s.place,
      type: s.type,
      kind: s.kind,
      implementation: { kernels: s.implementation, workerThreads: s.workerThreads },
      batchesIn: s.batchesIn,
      batchesOut: s.batchesOut,
      rowsIn: s.rowsIn,
      rowsOut: s.rowsOut,
      bytesRead: s.bytesRead,
      bytesTotal: s.bytesTotal ?? null,
      busyMs: ms(s.busyMs),
      waitMs: ms(s.waitMs),
      errors: s.errors,
      retries: s.retries,
      breaker: s.breaker,
      output: s.output ?? null,
      rowsFiltered: s.rowsFiltered,
      rowsConsumed: s.rowsConsumed ?? null,
      rowsSkipped: s.rowsSkipped,
      rowsDeadLettered: s.rowsDeadLettered,
      degradedToTwin: s.degradedToTwin,
      failed: s.failed ?? null,
    })),
  };
}

export async function writeReport(file: string, report: RunReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
