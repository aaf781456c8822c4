/**
 * The accounting equation of a run (issue 4): no row is lost or invented. For every row-preserving
 * stage, rows in = out + filtered + skipped + dead-lettered; for an aggregation, rows in = consumed
 * + skipped + dead-lettered; for a sink, rows in = written (its rows out) + skipped + dead-lettered;
 * and each stage's rows in are its upstream's rows out. A run whose summary breaks it is a bug.
 */
import type { RunSummary } from '../../runtime/run.js';

/** Every violation of the equation in `summary`, as sentences; empty when the books balance. */
export function checkAccounting(summary: RunSummary): string[] {
  const problems: string[] = [];
  summary.stages.forEach((s, i) => {
    const where = `${s.place} (${s.type})`;
    for (const [name, value] of Object.entries({ rowsIn: s.rowsIn, rowsOut: s.rowsOut, rowsSkipped: s.rowsSkipped, rowsDeadLettered: s.rowsDeadLettered, retries: s.retries, rowsFiltered: s.rowsFiltered, ...(s.rowsConsumed === undefined ? {} : { rowsConsumed: s.rowsConsumed }) })) {
      // A negative count (rows filtered below 0: rows handed on twice) balances the sum but is a bug.
      if (!Number.isSafeInteger(value) || value < 0) problems.push(`${where}: ${name} is ${value}`);
    }
    if (s.kind === 'source') return;
    const upstream = summary.stages[i - 1]!;
    if (s.rowsIn !== upstream.rowsOut) problems.push(`${where}: ${s.rowsIn} rows in but ${upstream.place} handed on ${upstream.rowsOut}`);
    const lost = s.rowsSkipped + s.rowsDeadLettered;
    if (s.rowsConsumed !== undefined) {
      if (s.rowsIn !== s.rowsConsumed + lost) problems.push(`${where}: rows in ${s.rowsIn} ≠ consumed ${s.rowsConsumed} + skipped ${s.rowsSkipped} + dead-lettered ${s.rowsDeadLettered}`);
    } else if (s.rowsIn !== s.rowsOut + s.rowsFiltered + lost) {
      problems.push(`${where}: rows in ${s.rowsIn} ≠ out ${s.rowsOut} + filtered ${s.rowsFiltered} + skipped ${s.rowsSkipped} + dead-lettered ${s.rowsDeadLettered}`);
    }
  });
  const deadLettered = summary.stages.reduce((n, s) => n + s.rowsDeadLettered, 0);
  if (summary.deadLetter !== undefined && summary.deadLetter.rows !== deadLettered) {
    problems.push(`the dead-letter output received ${summary.deadLetter.rows} rows but stages dead-lettered ${deadLettered}`);
  }
  return problems;
}
