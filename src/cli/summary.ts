/** The run summary `sluice run` prints on stdout: plain lines for pipes, a table on a terminal. */
import { formatBytes, formatCount, formatRate } from '../observe/format.js';
import type { RunSummary, StageReport } from '../runtime/run.js';

function headline(summary: RunSummary, ended?: 'failed' | 'interrupted'): string {
  const seconds = summary.wallMs / 1000;
  const how = ended === undefined ? `${summary.degraded.length > 0 ? 'done (degraded)' : 'done'} in` : `${ended} after`;
  return `sluice: ${summary.job ?? 'job'} ${how} ${seconds.toFixed(2)} s: ${formatCount(summary.rowsIn)} rows in, ${formatCount(summary.rowsOut)} rows out (${formatRate(summary.rowsPerSecond)})`;
}

/** The resilience counts of a stage that are not zero: `2 retries, 3 dead-lettered`. */
function faults(s: StageReport): string {
  const parts = [
    s.retries > 0 ? `${formatCount(s.retries)} retries` : '',
    s.rowsSkipped > 0 ? `${formatCount(s.rowsSkipped)} skipped` : '',
    s.rowsDeadLettered > 0 ? `${formatCount(s.rowsDeadLettered)} dead-lettered` : '',
    s.breaker === 'open' || s.breaker === 'half_open' ? `breaker ${s.breaker.replace('_', '-')}` : '',
    s.failed !== undefined ? 'FAILED (optional)' : '',
  ].filter((p) => p !== '');
  return parts.join(', ');
}

/** Lines after the table: why the run is degraded, where dead letters went. */
function footer(summary: RunSummary): string[] {
  return [
    ...(summary.output === undefined ? [] : [`  output: ${summary.output}`]),
    ...(summary.deadLetter === undefined ? [] : [`  dead letters: ${formatCount(summary.deadLetter.rows)} rows${summary.deadLetter.output === undefined ? '' : ` → ${summary.deadLetter.output}`}`]),
    ...summary.degraded.map((reason) => `  degraded: ${reason}`),
  ];
}

/** Plain lines; `ended` when the run failed or was interrupted (the counts say how far it got). */
export function formatSummary(summary: RunSummary, ended?: 'failed' | 'interrupted'): string {
  const lines = summary.stages.map((s) => {
    const flow = s.kind === 'source' ? `${formatCount(s.rowsOut)} rows out` : `${formatCount(s.rowsIn)} rows in${s.kind === 'sink' ? '' : `, ${formatCount(s.rowsOut)} out`}`;
    const on = [...(s.implementation === 'none' ? [] : [`${s.implementation} kernels`]), ...(s.workerThreads ? ['on workers'] : [])];
    const kernels = on.length === 0 ? '' : `  [${on.join(', ')}]`;
    const extra = faults(s);
    return `  ${s.place.padEnd(14)} ${s.type.padEnd(17)} ${flow.padEnd(36)} ${`${s.busyMs.toFixed(0)} ms`.padStart(9)}${kernels}${extra === '' ? '' : `  (${extra})`}`;
  });
  return [headline(summary, ended), ...lines, ...footer(summary)].join('\n');
}

/** The end-of-run table on a terminal: one row per stage, the numbers a user looks at first. */
export function formatSummaryTable(summary: RunSummary): string {
  // The resilience column appears only when some stage retried, skipped, dead-lettered or failed.
  const withFaults = summary.stages.some((s) => faults(s) !== '');
  const header = ['stage', 'type', 'rows in', 'rows out', 'batches', 'read', 'busy', 'waiting', 'kernels', ...(withFaults ? ['faults'] : [])];
  const rows = summary.stages.map((s) => [
    s.place,
    s.type,
    s.kind === 'source' ? '' : formatCount(s.rowsIn),
    s.kind === 'sink' ? '' : formatCount(s.rowsOut),
    formatCount(s.kind === 'sink' ? s.batchesIn : s.batchesOut),
    s.kind === 'source' ? (s.bytesTotal === undefined ? (s.bytesRead > 0 ? formatBytes(s.bytesRead) : '') : `${formatBytes(s.bytesRead)}/${formatBytes(s.bytesTotal)}`) : '',
    `${s.busyMs.toFixed(0)} ms`,
    s.kind === 'sink' ? '' : `${s.waitMs.toFixed(0)} ms`,
    `${s.implementation === 'none' ? '-' : s.implementation}${s.workerThreads ? ' (workers)' : ''}`,
    ...(withFaults ? [faults(s) || '-'] : []),
  ]);
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [
    headline(summary),
    line(header),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map(line),
    ...footer(summary),
  ].join('\n');
}
