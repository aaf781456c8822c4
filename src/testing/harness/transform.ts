/**
 * The compliance harness for transforms (Vector's `assert_transform_compliance`, for sluice): every
 * transform type, plugins too, runs through it with its author's options and rows.
 */
import { RecordBatch } from '../../batch/record-batch.js';
import type { Schema } from '../../batch/schema.js';
import type { StageClass, Transform } from '../../registry/stage.js';
import { testStageContext } from '../context.js';
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
import { Inputs, type Row } from './inputs.js';
import {
  abortReason,
  batchProblem,
  describeEnd,
  drain,
  errorChainHas,
  isAbortEnd,
  leakedDescriptors,
  openDescriptors,
  pause,
  probeInput,
  rowsDifference,
  rowsOf,
  settle,
  warmUpFileSystem,
  withTempDir,
  type Drained,
  type InputBehaviour,
  type InputProbe,
} from './probes.js';
import { describeError, fail, Problems, runCheck, skip, type ComplianceResult } from './results.js';

export interface TransformCases {
  /** The stage's options, as a job file would give them. */
  readonly options: StageOptions;
  /** The schema of the input stream. */
  readonly input: Schema;
  /**
   * A few input rows, with nulls, that make the transform produce output. The harness repeats them
   * into a 1,000-row input cut into many uneven batches, and adds rows of nulls for the nulls case.
   */
  readonly rows: readonly Row[];
  /**
   * Relative difference allowed between float64 outputs when the same rows arrive in one batch or in
   * many (partial sums may be added in a different order). Default 1e-9; 0 demands identical bits.
   */
  readonly floatTolerance?: number;
}

interface TransformRun {
  readonly schema: Schema;
  readonly probe: InputProbe;
  readonly drained: Drained;
  readonly leaked: number;
}

class TransformRunner {
  constructor(
    private readonly cls: StageClass,
    private readonly cases: TransformCases,
    private readonly dir: string,
    private readonly settings: Settings,
    private readonly fds: DescriptorLedger,
  ) {}

  /** Parse, construct, ask for the output schema: the runtime's order. A fresh stage per run. */
  plan(label: string): { stage: Transform; schema: Schema } {
    const stage = construct(this.cls, this.cases.options, label) as Transform;
    const ctx = planContext(this.dir, this.settings.batchSize);
    let output: unknown;
    try {
      output = stage.outputSchema(this.cases.input, ctx);
    } catch (error) {
      fail(`outputSchema() threw ${describeError(error)}`);
    }
    noProblems(ctx, label, 'outputSchema()');
    return { stage, schema: requireSchema(output, label, 'outputSchema()') };
  }

  start(label: string, batches: readonly RecordBatch[], behaviour: InputBehaviour = {}, signal?: AbortSignal) {
    const { stage, schema } = this.plan(label);
    const probe = probeInput(batches, behaviour);
    const ctx = testStageContext({ schema, batchSize: this.settings.batchSize, baseDir: this.dir, ...(signal ? { signal } : {}) });
    return { schema, probe, stream: () => stage.transform(probe.stream, ctx) };
  }

  async run(label: string, batches: readonly RecordBatch[], extra: { behaviour?: InputBehaviour; signal?: AbortSignal; afterItem?: (index: number) => boolean | void } = {}): Promise<TransformRun> {
    const before = openDescriptors();
    const { schema, probe, stream } = this.start(label, batches, extra.behaviour, extra.signal);
    let drained: Drained;
    try {
      drained = await drain(stream(), { timeoutMs: this.settings.timeoutMs, ...(extra.afterItem ? { afterItem: extra.afterItem } : {}) });
    } catch (error) {
      drained = { items: [], end: { state: 'error', error } };
    }
    const leaked = await leakedDescriptors(before);
    this.fds.record(`${label} case`, leaked);
    return { schema, probe, drained, leaked };
  }
}

function normalRunProblems(run: TransformRun, label: string, timeoutMs: number): Problems {
  const problems = new Problems();
  if (run.drained.end.state !== 'done') problems.add(`with the ${label} input the stream ${describeEnd(run.drained.end, timeoutMs)}`);
  problems.add(batchProblem(run.drained.items, run.schema));
  problems.add(leakProblem(run.leaked));
  return problems;
}

/**
 * Runs a transform class through every transform check; returns one result per check (see
 * {@link assertCompliant}). The stage is built and asked for `outputSchema()` exactly as the
 * runtime does, once per run; input batches are built from the author's rows.
 */
export async function checkTransformCompliance(cls: StageClass, cases: Cases<TransformCases>, options: HarnessOptions = {}): Promise<ComplianceResult[]> {
  const s = settings(options);
  const results: ComplianceResult[] = [await definitionCheck(cls, 'transform')];
  if (!usable(cls, 'transform')) return results;
  return withTempDir(async (dir) => {
    await warmUpFileSystem(dir);
    const set = await resolveCases(cases, dir);
    const fds = new DescriptorLedger();
    const runner = new TransformRunner(cls, set, dir, s, fds);
    let built: Inputs | undefined;
    const inputs = (): Inputs => (built ??= new Inputs(set.input, set.rows, s.minRows));

    results.push(await unknownOptionsCheck(cls, set.options));

    results.push(
      await runCheck('plan', () => {
        runner.plan('given');
        inputs();
      }),
    );

    results.push(
      await runCheck('lazy start', async () => {
        const { probe, stream } = runner.start('lazy start', inputs().split(inputs().manyRows));
        let output: AsyncIterable<RecordBatch>;
        try {
          output = stream();
        } catch (error) {
          fail(`transform() threw ${describeError(error)} before the first pull; errors belong inside the iteration`);
        }
        await pause(50);
        const pulled = probe.yielded;
        await settle(Promise.resolve(output[Symbol.asyncIterator]().return?.()), s.timeoutMs);
        await settle(probe.stream.return(undefined), s.timeoutMs);
        if (pulled > 0) fail(`pulled ${pulled} input batch(es) before its own first batch was pulled`);
      }),
    );

    results.push(
      await runCheck('empty input', async () => {
        const none = await runner.run('empty (no batch)', []);
        const emptyBatch = await runner.run('empty (one empty batch)', [RecordBatch.empty(set.input)]);
        const problems = normalRunProblems(none, 'empty (no batch)', s.timeoutMs);
        problems.merge(normalRunProblems(emptyBatch, 'empty (one empty batch)', s.timeoutMs));
        problems.verdict();
        const difference = rowsDifference(rowsOf(none.drained.items), rowsOf(emptyBatch.drained.items));
        if (difference !== undefined) fail(`one empty input batch gives other output than no batch at all: ${difference}`);
      }),
    );

    results.push(
      await runCheck('one row', async () => {
        const run = await runner.run('one row', [inputs().one(set.rows.slice(0, 1))]);
        normalRunProblems(run, 'one row', s.timeoutMs).verdict();
      }),
    );

    results.push(
      await runCheck('many batches', async () => {
        const rows = inputs().manyRows;
        const split = inputs().split(rows);
        const one = await runner.run('many rows in one batch', [inputs().one(rows)]);
        normalRunProblems(one, 'many rows in one batch', s.timeoutMs).verdict();
        const many = await runner.run('many batches', split);
        normalRunProblems(many, 'many batches', s.timeoutMs).verdict();
        const difference = rowsDifference(rowsOf(one.drained.items), rowsOf(many.drained.items), set.floatTolerance ?? 1e-9);
        if (difference !== undefined) fail(`the output depends on how the input is batched: the same ${rows.length} rows in ${split.length} batches instead of one give ${difference}`);
      }),
    );

    results.push(
      await runCheck('nulls', async () => {
        const run = await runner.run('nulls', inputs().split(inputs().nullRows));
        normalRunProblems(run, 'nulls', s.timeoutMs).verdict();
      }),
    );

    results.push(
      await runCheck('early stop', async () => {
        const before = openDescriptors();
        const { probe, stream } = runner.start('early stop', inputs().split(inputs().manyRows));
        const iterator = stream()[Symbol.asyncIterator]();
        const first = await settle(iterator.next(), s.timeoutMs);
        if (first.state !== 'fulfilled') fail(`the first pull ${first.state === 'timeout' ? `did not settle within ${s.timeoutMs} ms` : `threw ${describeError(first.error)}`}`);
        if (first.value.done) fail('yielded no batch for the many-batches input, so early stop cannot be checked; give rows that produce output');
        const problems = new Problems();
        const pulledBefore = probe.yielded;
        if (typeof iterator.return !== 'function') {
          problems.add('the iterator has no return(), so a consumer cannot stop it early');
        } else {
          const closed = await settle(iterator.return(undefined), s.timeoutMs);
          if (closed.state === 'timeout') problems.add(`return() did not settle within ${s.timeoutMs} ms`);
          else if (closed.state === 'rejected') problems.add(`return() threw ${describeError(closed.error)}`);
          else if (closed.value.done !== true) problems.add('return() did not end the stream (it yielded again)');
        }
        await pause();
        if (probe.yielded > pulledBefore) problems.add(`kept pulling its input after the consumer stopped (${probe.yielded - pulledBefore} more batch(es))`);
        if (!probe.closed) problems.add('did not close its input when the consumer stopped (the input generator\'s finally never ran)');
        const leaked = await leakedDescriptors(before);
        fds.record('early stop', leaked);
        problems.add(leakProblem(leaked));
        if (!probe.closed) await settle(probe.stream.return(undefined), s.timeoutMs);
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('error inside the stream', async () => {
        const error = new Error('input failed (thrown by the compliance harness)');
        const run = await runner.run('failing input', inputs().split(inputs().manyRows), { behaviour: { failAt: { at: 1, error } } });
        const end = run.drained.end;
        if (!run.probe.failed && end.state === 'done') skip('the transform ended before pulling past the first input batch, so the input never failed');
        const problems = new Problems();
        if (end.state === 'done') problems.add('ended normally after its input threw: the error was swallowed');
        else if (end.state === 'timeout') problems.add(`did not settle within ${s.timeoutMs} ms after its input threw`);
        else if (end.state === 'error' && !errorChainHas(end.error, error)) problems.add(`threw ${describeError(end.error)}, which is neither the input's error nor caused by it`);
        problems.add(batchProblem(run.drained.items, run.schema));
        problems.add(leakProblem(run.leaked));
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('cleanup on abort', async () => {
        const controller = new AbortController();
        const reason = abortReason();
        let afterAbort = 0;
        const run = await runner.run('aborted', inputs().split(inputs().manyRows), {
          behaviour: { abortAt: { at: 1, controller, reason } },
          signal: controller.signal,
          afterItem: () => controller.signal.aborted && ++afterAbort > ABORT_TOLERANCE,
        });
        const problems = new Problems();
        const end = run.drained.end;
        if (end.state === 'cut') problems.add(`kept yielding batches after ctx.signal was aborted (more than ${ABORT_TOLERANCE})`);
        else if (end.state === 'timeout') problems.add(`did not end within ${s.timeoutMs} ms after ctx.signal was aborted`);
        else if (end.state === 'error' && !isAbortEnd(end.error, reason)) problems.add(`ended with ${describeError(end.error)} instead of the signal's reason or an AbortError`);
        if (!run.probe.closed) problems.add('left its input open');
        problems.add(leakProblem(run.leaked));
        problems.verdict();
      }),
    );

    results.push(await fds.result());
    return results;
  });
}
