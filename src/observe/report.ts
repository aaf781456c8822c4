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

/** `degraded` (exit code 4) is in the shape already; nothing produces it until optional stages and dead letters land. */
export type RunStatus = 'succeeded' | 'degraded' | 'failed' | 'interrupted';

/** No stage has a circuit breaker yet; `none` says so rather than pretending one is closed. */
export type BreakerState = 'closed' | 'open' | 'half_open' | 'none';

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
    stages: summary.stages.map((s, index) => ({
      index,
      place: s.place,
      type: s.type,
      kind: s.kind,
      implementation: { kernels: s.implementation, workerThreads: false },
      batchesIn: s.batchesIn,
      batchesOut: s.batchesOut,
      rowsIn: s.rowsIn,
      rowsOut: s.rowsOut,
      bytesRead: s.bytesRead,
      bytesTotal: s.bytesTotal ?? null,
      busyMs: ms(s.busyMs),
      waitMs: ms(s.waitMs),
      errors: s.errors,
      retries: 0,
      breaker: 'none',
      output: s.output ?? null,
    })),
  };
}

export async function writeReport(file: string, report: RunReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}
