/** The run summary `sluice run` prints on stdout: plain lines for pipes, a table on a terminal. */
import { formatBytes, formatCount, formatRate } from '../observe/format.js';
import type { RunSummary } from '../runtime/run.js';

function headline(summary: RunSummary): string {
  const seconds = summary.wallMs / 1000;
  return `sluice: ${summary.job ?? 'job'} done in ${seconds.toFixed(2)} s: ${formatCount(summary.rowsIn)} rows in, ${formatCount(summary.rowsOut)} rows out (${formatRate(summary.rowsPerSecond)})`;
}

export function formatSummary(summary: RunSummary): string {
  const lines = summary.stages.map((s) => {
    const flow = s.kind === 'source' ? `${formatCount(s.rowsOut)} rows out` : `${formatCount(s.rowsIn)} rows in${s.kind === 'sink' ? '' : `, ${formatCount(s.rowsOut)} out`}`;
    const kernels = s.implementation === 'none' ? '' : `  [${s.implementation} kernels]`;
    return `  ${s.place.padEnd(14)} ${s.type.padEnd(17)} ${flow.padEnd(36)} ${`${s.busyMs.toFixed(0)} ms`.padStart(9)}${kernels}`;
  });
  return [headline(summary), ...lines, ...(summary.output === undefined ? [] : [`  output: ${summary.output}`])].join('\n');
}

/** The end-of-run table on a terminal: one row per stage, the numbers a user looks at first. */
export function formatSummaryTable(summary: RunSummary): string {
  const header = ['stage', 'type', 'rows in', 'rows out', 'batches', 'read', 'busy', 'waiting', 'kernels'];
  const rows = summary.stages.map((s) => [
    s.place,
    s.type,
    s.kind === 'source' ? '' : formatCount(s.rowsIn),
    s.kind === 'sink' ? '' : formatCount(s.rowsOut),
    formatCount(s.kind === 'sink' ? s.batchesIn : s.batchesOut),
    s.kind === 'source' ? (s.bytesTotal === undefined ? (s.bytesRead > 0 ? formatBytes(s.bytesRead) : '') : `${formatBytes(s.bytesRead)}/${formatBytes(s.bytesTotal)}`) : '',
    `${s.busyMs.toFixed(0)} ms`,
    s.kind === 'sink' ? '' : `${s.waitMs.toFixed(0)} ms`,
    s.implementation === 'none' ? '-' : s.implementation,
  ]);
  const numeric = new Set([2, 3, 4, 5, 6, 7]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [
    headline(summary),
    line(header),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map(line),
    ...(summary.output === undefined ? [] : [`  output: ${summary.output}`]),
  ].join('\n');
}
