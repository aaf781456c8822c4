/**
 * `sluice run --sample N`: the first N rows leaving each stage, printed as they pass (like
 * `vector tap`), so a user sees where rows change or vanish. Only the first N rows of each
 * stage are converted to row objects; after that a stage costs one comparison per batch.
 */
import type { RecordBatch } from '../batch/record-batch.js';
import type { StageMetrics, Tap } from '../flow/meter.js';

export interface Sampler {
  readonly tap: Tap;
  /** Says which stages let no row through, once the run is over. */
  finish(stages: readonly Pick<StageMetrics, 'place' | 'type' | 'kind'>[]): void;
}

/** JSON with int64 as digits: exact when beyond 2^53, where a number would be rounded. */
function rowJson(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value));
}

export function createSampler(n: number, write: (text: string) => void): Sampler {
  const shown = new Map<string, number>();
  const tap: Tap = (metrics, batch: RecordBatch) => {
    const already = shown.get(metrics.place) ?? 0;
    if (already >= n || batch.numRows === 0) return;
    const take = Math.min(n - already, batch.numRows);
    const rows = batch.slice(0, take).toRows();
    shown.set(metrics.place, already + take);
    const lines = rows.map((row, i) => `${metrics.place} (${metrics.type}) #${already + i + 1}: ${rowJson(row)}`);
    write(`${lines.join('\n')}\n`);
  };
  return {
    tap,
    finish(stages) {
      for (const stage of stages) {
        if (stage.kind === 'sink' || shown.has(stage.place)) continue;
        write(`${stage.place} (${stage.type}): no rows\n`);
      }
    },
  };
}
