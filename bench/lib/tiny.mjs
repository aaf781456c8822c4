// Turns a finished tinybench run into rows of the common result shape (bench/README.md).
import { writeFileSync } from 'node:fs';
import { benchEnvironment } from './env.mjs';

/** Rows for every task of `bench`, with `ratioToReference` against the task named `reference`. */
export function tinybenchRows(bench, reference, describe = () => ({})) {
  const median = (task) => {
    if (!task.result || task.result.error || task.result.aborted) throw new Error(`task ${task.name} did not complete: ${task.result?.error?.stack ?? 'aborted or not run'}`);
    return task.result.latency.p50;
  };
  const ref = bench.tasks.find((t) => t.name === reference);
  if (!ref) throw new Error(`reference task ${reference} not found`);
  const refMs = median(ref);
  return bench.tasks.map((task) => ({
    name: task.name,
    ...describe(task.name),
    medianMs: median(task),
    ratioToReference: median(task) / refMs,
    samples: task.result.latency.samplesCount,
  }));
}

/** Writes bench/results/<suite>.json in the common shape. */
export function writeResult(suite, description, reference, rows) {
  const result = { suite, environment: benchEnvironment(), description, reference, rows };
  writeFileSync(new URL(`../results/${suite}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** A console table of rows: name, median and ratio. */
export function printRows(rows) {
  for (const r of rows) process.stdout.write(`${(r.group ? `${r.group} / ` : '') + r.name}`.padEnd(52) + `${r.medianMs.toFixed(2).padStart(10)} ms  ${r.ratioToReference.toFixed(2).padStart(7)}×\n`);
}
