/** The short run summary `sluice run` prints on stdout. */
import type { RunSummary } from '../runtime/run.js';

const count = new Intl.NumberFormat('en-US');

function rate(rowsPerSecond: number): string {
  return rowsPerSecond >= 1e6 ? `${(rowsPerSecond / 1e6).toFixed(1)} M rows/s` : `${count.format(Math.round(rowsPerSecond))} rows/s`;
}

export function formatSummary(summary: RunSummary): string {
  const lines = summary.stages.map((s) => {
    const flow = s.kind === 'source' ? `${count.format(s.rowsOut)} rows out` : `${count.format(s.rowsIn)} rows in${s.kind === 'sink' ? '' : `, ${count.format(s.rowsOut)} out`}`;
    const kernels = s.implementation === 'none' ? '' : `  [${s.implementation} kernels]`;
    return `  ${s.place.padEnd(14)} ${s.type.padEnd(17)} ${flow.padEnd(36)} ${`${s.busyMs.toFixed(0)} ms`.padStart(9)}${kernels}`;
  });
  const seconds = summary.wallMs / 1000;
  return [
    `sluice: ${summary.job ?? 'job'} done in ${seconds.toFixed(2)} s: ${count.format(summary.rowsIn)} rows in, ${count.format(summary.rowsOut)} rows out (${rate(summary.rowsPerSecond)})`,
    ...lines,
    ...(summary.output === undefined ? [] : [`  output: ${summary.output}`]),
  ].join('\n');
}
