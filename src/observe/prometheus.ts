/**
 * Final metrics in the Prometheus text exposition format (version 0.0.4), for node_exporter's
 * textfile collector: the usual way to watch batch jobs, which end before anything can scrape them.
 * The file is written beside its path and renamed into place, because the collector may read it
 * at any moment and must never see half of it.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RunReport } from './report.js';

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly samples: readonly { labels: Record<string, string>; value: number }[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function formatFamilies(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${family.name} ${family.type}`);
    for (const { labels, value } of family.samples) {
      const entries = Object.entries(labels);
      const labelText = entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
      lines.push(`${family.name}${labelText} ${formatValue(value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The run's metrics as families named `sluice_*`. Labels: `job` (the job file), and per stage
 * `stage` (its place) and `type`. No run id label: it would make a new series every run.
 */
export function reportToPrometheus(report: RunReport): string {
  const job = report.job ?? '';
  const run = (value: number) => [{ labels: { job }, value }];
  const perStage = (pick: (s: RunReport['stages'][number]) => number) => report.stages.map((s) => ({ labels: { job, stage: s.place, type: s.type }, value: pick(s) }));
  const families: Family[] = [
    { name: 'sluice_run_success', help: 'Whether the last run succeeded (1) or not (0).', type: 'gauge', samples: run(report.status === 'succeeded' ? 1 : 0) },
    { name: 'sluice_run_degraded', help: 'Whether the last run finished degraded (1: exit code 4) or not (0).', type: 'gauge', samples: run(report.status === 'degraded' ? 1 : 0) },
    { name: 'sluice_run_exit_code', help: 'Exit code of the last run.', type: 'gauge', samples: run(report.exitCode) },
    { name: 'sluice_run_last_finish_timestamp_seconds', help: 'When the last run finished, Unix time.', type: 'gauge', samples: run(Date.parse(report.finishedAt) / 1000) },
    { name: 'sluice_run_duration_seconds', help: 'Wall time of the last run.', type: 'gauge', samples: run(report.wallMs / 1000) },
    { name: 'sluice_run_rows_in', help: 'Rows the source produced in the last run.', type: 'gauge', samples: run(report.rowsIn) },
    { name: 'sluice_run_rows_out', help: 'Rows that reached the sink in the last run.', type: 'gauge', samples: run(report.rowsOut) },
    { name: 'sluice_stage_rows_in', help: 'Rows into each stage in the last run.', type: 'gauge', samples: perStage((s) => s.rowsIn) },
    { name: 'sluice_stage_rows_out', help: 'Rows out of each stage in the last run.', type: 'gauge', samples: perStage((s) => s.rowsOut) },
    { name: 'sluice_stage_batches_out', help: 'Batches out of each stage in the last run.', type: 'gauge', samples: perStage((s) => s.batchesOut) },
    { name: 'sluice_stage_bytes_read', help: 'Bytes read by each source in the last run.', type: 'gauge', samples: perStage((s) => s.bytesRead) },
    { name: 'sluice_stage_busy_seconds', help: 'Time spent in each stage itself in the last run.', type: 'gauge', samples: perStage((s) => s.busyMs / 1000) },
    { name: 'sluice_stage_wait_seconds', help: 'Time each stage waited on the stages after it (backpressure) in the last run.', type: 'gauge', samples: perStage((s) => s.waitMs / 1000) },
    { name: 'sluice_stage_errors', help: 'Errors raised by each stage in the last run.', type: 'gauge', samples: perStage((s) => s.errors) },
    { name: 'sluice_stage_retries', help: 'Retries by each stage in the last run.', type: 'gauge', samples: perStage((s) => s.retries) },
    { name: 'sluice_stage_rows_filtered', help: 'Rows each stage dropped by design (filter non-matches) in the last run.', type: 'gauge', samples: perStage((s) => s.rowsFiltered ?? 0) },
    { name: 'sluice_stage_rows_skipped', help: 'Rows each stage skipped (on_error: skip, failed optional sink) in the last run.', type: 'gauge', samples: perStage((s) => s.rowsSkipped ?? 0) },
    { name: 'sluice_stage_rows_dead_lettered', help: 'Rows each stage sent to the dead-letter output in the last run.', type: 'gauge', samples: perStage((s) => s.rowsDeadLettered ?? 0) },
    { name: 'sluice_stage_breaker_open', help: 'Whether the stage circuit breaker ended open (1) or not (0); absent without a breaker.', type: 'gauge', samples: report.stages.filter((s) => s.breaker !== 'none').map((s) => ({ labels: { job, stage: s.place, type: s.type }, value: s.breaker === 'open' ? 1 : 0 })) },
  ];
  return formatFamilies(families);
}

export async function writeMetricsFile(file: string, report: RunReport): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, reportToPrometheus(report));
  await rename(temp, file);
}
