/**
 * The compliance harness: one per stage kind, like Vector's `assert_transform_compliance`. Every
 * built-in stage runs through it, and a plugin author runs their own stages through it from any
 * test framework (it imports none):
 *
 * ```ts
 * const results = await checkTransformCompliance(MyFilter, {
 *   options: { column: 'v', op: 'gt', value: 1 },
 *   input: schema({ v: 'float64' }),
 *   rows: [{ v: 1 }, { v: null }, { v: 5 }],
 * });
 * assertCompliant(results, 'my_filter'); // throws, listing every failed check
 * ```
 *
 * Checks (each reported by name, see {@link ComplianceCheck}):
 * - `definition`: static kind, type (lower_snake_case), description, options schema, required
 *   methods; `static example`, if any, parses with the options schema.
 * - `unknown options rejected`: a misspelt option is an error, not silently ignored.
 * - `plan`: every valid case parses, constructs and passes `schema()` / `outputSchema()` /
 *   `checkInput()` with no problem recorded, as the runtime calls them.
 * - `lazy start` (sources, transforms): nothing is opened, read or pulled before the first pull.
 * - `empty input`, `one row`, `nulls`: the stream ends normally and every item is a RecordBatch of
 *   the declared schema (sources: 0 rows, 1 row, a null out of every column; sinks: consume
 *   resolves, reads its whole input, and the output file exists).
 * - `many batches`: sources give the same rows in several batches at a small `ctx.batchSize` as at
 *   a large one; transforms give the same rows for 1,000 rows in one batch or in many uneven ones.
 * - `early stop` (sources, transforms): the consumer takes one batch then calls `return()`: it
 *   ends the stream promptly, transforms close their input and pull no more, no descriptor leaks.
 * - `error inside the stream`: sources' failing case throws an Error from inside the iteration;
 *   transforms and sinks propagate their input's error (itself or as `cause`), sinks leave no file
 *   at their path and no temporary file.
 * - `cleanup on abort`: after `ctx.signal` is aborted the stage ends promptly with the signal's
 *   reason (or an AbortError) or returns; sinks leave no file behind.
 * - `file handles`: in every case the process holds as many file descriptors after as before
 *   (Linux `/proc/self/fd`, macOS `/dev/fd`; skipped elsewhere).
 */
export { assertCompliant, ComplianceError, type ComplianceCheck, type ComplianceResult } from './harness/results.js';
export type { Cases, HarnessOptions, StageOptions } from './harness/common.js';
export type { Row } from './harness/inputs.js';
export { checkSourceCompliance, type SourceCases } from './harness/source.js';
export { checkTransformCompliance, type TransformCases } from './harness/transform.js';
export { checkSinkCompliance, type SinkCases } from './harness/sink.js';
