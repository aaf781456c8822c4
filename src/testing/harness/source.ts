/**
 * The compliance harness for sources: every source type (plugins too) runs through it with the
 * cases its author supplies, and must pass every check.
 */
import type { Schema } from '../../batch/schema.js';
import type { Source, StageClass } from '../../registry/stage.js';
import { testStageContext, type TestStageContext } from '../context.js';
import {
  ABORT_TOLERANCE,
  construct,
  definitionCheck,
  DescriptorLedger,
  leakProblem,
  noProblems,
  planContext,
  requireSchema,
  resolveCases,
  settings,
  unknownOptionsCheck,
  usable,
  type Cases,
  type HarnessOptions,
  type Settings,
  type StageOptions,
} from './common.js';
import {
  abortReason,
  batchProblem,
  countRows,
  describeEnd,
  drain,
  isAbortEnd,
  leakedDescriptors,
  openDescriptors,
  pause,
  rowsDifference,
  rowsOf,
  settle,
  warmUpFileSystem,
  withTempDir,
  type Drained,
} from './probes.js';
import { describeError, fail, Problems, runCheck, skip, type ComplianceResult } from './results.js';

/**
 * Options for each case of a source, as a job file would give them (paths may be absolute, or
 * relative to the harness's temporary folder). Build fixtures in that folder by passing a function.
 */
export interface SourceCases {
  /** A stream with no rows: an empty file, `rows: 0`. */
  readonly empty: StageOptions;
  /** A stream of exactly one row. */
  readonly oneRow: StageOptions;
  /** A stream of 1,000 rows or more, enough for many batches at the harness's small `ctx.batchSize`. */
  readonly manyBatches: StageOptions;
  /** A stream holding a null in every column. Omit only if the source cannot produce nulls (the check is reported skipped). */
  readonly nulls?: StageOptions;
  /** A stream that must fail part-way (a malformed line). Omit only if the source's data cannot be malformed (reported skipped). */
  readonly failing?: StageOptions;
}

/** Large enough that the many-batches case fits in one batch, for the batch-size independence comparison. */
const LARGE_BATCH = 65_536;

interface SourceRun {
  readonly schema: Schema;
  readonly drained: Drained;
  /** `stream()` itself threw instead of returning a stream. */
  readonly threwSynchronously: boolean;
  readonly leaked: number;
  readonly ctx: TestStageContext;
}

class SourceRunner {
  constructor(
    private readonly cls: StageClass,
    private readonly dir: string,
    private readonly settings: Settings,
    private readonly fds: DescriptorLedger,
  ) {}

  /** Parse, construct, ask for the schema: the runtime's order. */
  async plan(label: string, options: StageOptions, batchSize: number): Promise<{ stage: Source; schema: Schema }> {
    const stage = construct(this.cls, options, label) as Source;
    const ctx = planContext(this.dir, batchSize);
    const answer = await settle(Promise.resolve().then(() => stage.schema(ctx)), this.settings.timeoutMs);
    if (answer.state === 'timeout') fail(`schema() did not settle within ${this.settings.timeoutMs} ms for the ${label} case`);
    if (answer.state === 'rejected') fail(`schema() threw ${describeError(answer.error)} for the ${label} case`);
    noProblems(ctx, label, 'schema()');
    return { stage, schema: requireSchema(answer.value, label, 'schema()') };
  }

  context(schema: Schema, batchSize: number, signal?: AbortSignal): TestStageContext {
    return testStageContext({ schema, batchSize, baseDir: this.dir, ...(signal ? { signal } : {}) });
  }

  /** Plans and drains one case, counting descriptors around both. */
  async run(label: string, options: StageOptions, batchSize: number, extra: { signal?: AbortSignal; afterItem?: (index: number) => boolean | void } = {}): Promise<SourceRun> {
    const before = openDescriptors();
    const { stage, schema } = await this.plan(label, options, batchSize);
    const ctx = this.context(schema, batchSize, extra.signal);
    let drained: Drained;
    let threwSynchronously = false;
    try {
      const stream = stage.stream(ctx);
      drained = await drain(stream, { timeoutMs: this.settings.timeoutMs, ...(extra.afterItem ? { afterItem: extra.afterItem } : {}) });
    } catch (error) {
      threwSynchronously = true;
      drained = { items: [], end: { state: 'error', error } };
    }
    const leaked = await leakedDescriptors(before);
    this.fds.record(`${label} case`, leaked);
    return { schema, drained, threwSynchronously, leaked, ctx };
  }
}

/** The problems of a run that should have ended normally with valid batches. */
function normalRunProblems(run: SourceRun, label: string, timeoutMs: number): Problems {
  const problems = new Problems();
  if (run.drained.end.state !== 'done') problems.add(`the ${label} case's stream ${describeEnd(run.drained.end, timeoutMs)}`);
  problems.add(batchProblem(run.drained.items, run.schema));
  problems.add(leakProblem(run.leaked));
  return problems;
}

/**
 * Runs a source class through every source check with the author's cases; returns one result per
 * check (see {@link assertCompliant}). Options are parsed with `cls.options`, the stage is built
 * with `new cls(parsed)` and asked for `schema()` before any batch is pulled, as the runtime does.
 */
export async function checkSourceCompliance(cls: StageClass, cases: Cases<SourceCases>, options: HarnessOptions = {}): Promise<ComplianceResult[]> {
  const s = settings(options);
  const results: ComplianceResult[] = [await definitionCheck(cls, 'source')];
  if (!usable(cls, 'source')) return results;
  return withTempDir(async (dir) => {
    await warmUpFileSystem(dir);
    const set = await resolveCases(cases, dir);
    const fds = new DescriptorLedger();
    const runner = new SourceRunner(cls, dir, s, fds);
    const given = (Object.entries(set) as [keyof SourceCases, StageOptions | undefined][]).filter((e): e is [keyof SourceCases, StageOptions] => e[1] !== undefined);

    results.push(await unknownOptionsCheck(cls, set.oneRow));

    results.push(
      await runCheck('plan', async () => {
        for (const [label, opts] of given) await runner.plan(label, opts, s.batchSize);
      }),
    );

    results.push(
      await runCheck('lazy start', async () => {
        const { stage, schema } = await runner.plan('manyBatches', set.manyBatches, s.batchSize);
        const ctx = runner.context(schema, s.batchSize);
        const before = openDescriptors();
        let stream: AsyncIterable<unknown>;
        try {
          stream = stage.stream(ctx);
        } catch (error) {
          fail(`stream() threw ${describeError(error)} before the first pull; errors belong inside the iteration`);
        }
        await pause(50);
        const opened = (openDescriptors() ?? 0) - (before ?? 0);
        const bytes = ctx.bytesRead;
        await settle(Promise.resolve(stream[Symbol.asyncIterator]().return?.()), s.timeoutMs);
        fds.record('lazy start', await leakedDescriptors(before));
        const problems = new Problems();
        if (opened > 0) problems.add(`stream() opened ${opened} file descriptor(s) before the first batch was pulled`);
        if (bytes > 0) problems.add(`stream() read ${bytes} bytes before the first batch was pulled`);
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('empty input', async () => {
        const run = await runner.run('empty', set.empty, s.batchSize);
        const problems = normalRunProblems(run, 'empty', s.timeoutMs);
        if (run.drained.end.state === 'done' && countRows(run.drained.items) > 0) problems.add(`yielded ${countRows(run.drained.items)} rows, expected none`);
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('one row', async () => {
        const run = await runner.run('oneRow', set.oneRow, s.batchSize);
        const problems = normalRunProblems(run, 'oneRow', s.timeoutMs);
        if (run.drained.end.state === 'done' && countRows(run.drained.items) !== 1) problems.add(`yielded ${countRows(run.drained.items)} rows, expected 1`);
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('many batches', async () => {
        const small = await runner.run('manyBatches', set.manyBatches, s.batchSize);
        const problems = normalRunProblems(small, 'manyBatches', s.timeoutMs);
        problems.verdict();
        const rows = countRows(small.drained.items);
        if (rows <= 2 * s.batchSize) fail(`the manyBatches case holds ${rows} rows; give at least ${2 * s.batchSize + 1} (1,000+ is best) so they span many batches`);
        if (small.drained.items.length < 2) problems.add(`yielded ${rows} rows in one batch at ctx.batchSize ${s.batchSize}; a source cuts its output by ctx.batchSize`);
        const large = await runner.run(`manyBatches (ctx.batchSize ${LARGE_BATCH})`, set.manyBatches, LARGE_BATCH);
        normalRunProblems(large, `manyBatches (ctx.batchSize ${LARGE_BATCH})`, s.timeoutMs).verdict();
        if (!large.schema.equals(small.schema)) problems.add(`the schema depends on ctx.batchSize: {${small.schema}} at ${s.batchSize}, {${large.schema}} at ${LARGE_BATCH}`);
        const difference = rowsDifference(rowsOf(large.drained.items), rowsOf(small.drained.items));
        if (difference !== undefined) problems.add(`the rows depend on ctx.batchSize: at ${s.batchSize} compared with ${LARGE_BATCH}, ${difference}`);
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('nulls', async () => {
        if (set.nulls === undefined) skip('no nulls case given');
        const run = await runner.run('nulls', set.nulls, s.batchSize);
        const problems = normalRunProblems(run, 'nulls', s.timeoutMs);
        problems.verdict();
        const rows = rowsOf(run.drained.items);
        const without = run.schema.names.filter((name) => !rows.some((row) => row[name] === null));
        if (without.length > 0) problems.add(`no null came out in column${without.length === 1 ? '' : 's'} ${without.map((n) => `"${n}"`).join(', ')}; the nulls case must hold a null in every column`);
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('early stop', async () => {
        const before = openDescriptors();
        const { stage, schema } = await runner.plan('manyBatches', set.manyBatches, s.batchSize);
        const iterator = stage.stream(runner.context(schema, s.batchSize))[Symbol.asyncIterator]();
        const first = await settle(iterator.next(), s.timeoutMs);
        if (first.state !== 'fulfilled') fail(`the first pull ${first.state === 'timeout' ? `did not settle within ${s.timeoutMs} ms` : `threw ${describeError(first.error)}`}`);
        if (first.value.done) fail('the manyBatches case yielded no batch, so early stop cannot be checked');
        const problems = new Problems();
        if (typeof iterator.return !== 'function') {
          problems.add('the iterator has no return(), so a consumer cannot stop it early');
        } else {
          const closed = await settle(iterator.return(undefined), s.timeoutMs);
          if (closed.state === 'timeout') problems.add(`return() did not settle within ${s.timeoutMs} ms`);
          else if (closed.state === 'rejected') problems.add(`return() threw ${describeError(closed.error)}`);
          else if (closed.value.done !== true) problems.add('return() did not end the stream (it yielded again)');
        }
        const leaked = await leakedDescriptors(before);
        fds.record('early stop', leaked);
        if (leaked > 0) problems.add(`${leakProblem(leaked)} after the consumer stopped after the first batch`);
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('error inside the stream', async () => {
        if (set.failing === undefined) skip('no failing case given');
        const run = await runner.run('failing', set.failing, s.batchSize);
        const problems = new Problems();
        const end = run.drained.end;
        if (run.threwSynchronously) problems.add(`stream() threw ${describeError(end.state === 'error' ? end.error : undefined)} itself; errors belong inside the iteration`);
        else if (end.state !== 'error') problems.add(`the failing case's stream ${describeEnd(end, s.timeoutMs)}; it must throw`);
        else if (!(end.error instanceof Error)) problems.add(`the failing case's stream threw ${describeError(end.error)}; throw an Error`);
        problems.add(batchProblem(run.drained.items, run.schema));
        if (run.leaked > 0) problems.add(`${leakProblem(run.leaked)} after the stream failed`);
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('cleanup on abort', async () => {
        const controller = new AbortController();
        const reason = abortReason();
        const run = await runner.run('manyBatches (aborted)', set.manyBatches, s.batchSize, {
          signal: controller.signal,
          afterItem: (index) => {
            if (index === 0) controller.abort(reason);
            return index > ABORT_TOLERANCE;
          },
        });
        const problems = new Problems();
        const end = run.drained.end;
        if (end.state === 'cut') problems.add(`kept yielding batches after ctx.signal was aborted (more than ${ABORT_TOLERANCE}); check the signal between batches`);
        else if (end.state === 'timeout') problems.add(`did not end within ${s.timeoutMs} ms after ctx.signal was aborted`);
        else if (end.state === 'error' && !isAbortEnd(end.error, reason)) problems.add(`ended with ${describeError(end.error)} instead of the signal's reason or an AbortError`);
        if (run.leaked > 0) problems.add(`${leakProblem(run.leaked)} after the abort`);
        problems.verdict();
      }),
    );

    results.push(await fds.result());
    return results;
  });
}
