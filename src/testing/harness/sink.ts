/**
 * The compliance harness for sinks: every sink type, plugins too, runs through it. Each case runs
 * in its own fresh folder, so that what a failed run leaves behind can be seen.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { RecordBatch } from '../../batch/record-batch.js';
import type { Schema } from '../../batch/schema.js';
import type { Sink, StageClass } from '../../registry/stage.js';
import { testStageContext } from '../context.js';
import {
  construct,
  definitionCheck,
  DescriptorLedger,
  leakProblem,
  noProblems,
  planContext,
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
  added,
  errorChainHas,
  isAbortEnd,
  leakedDescriptors,
  openDescriptors,
  probeInput,
  settle,
  snapshot,
  warmUpFileSystem,
  withTempDir,
  type InputBehaviour,
  type InputProbe,
  type Settled,
} from './probes.js';
import { describeError, fail, Problems, runCheck, type ComplianceResult } from './results.js';

export interface SinkCases {
  /** The stage's options, as a job file would give them; point output paths into the harness's folder. */
  readonly options: StageOptions;
  /** The schema of the input stream. */
  readonly input: Schema;
  /** A few input rows, with nulls; the harness repeats them into many batches and adds rows of nulls. */
  readonly rows: readonly Row[];
  /** The file the sink writes, if it writes one; default: what it reports through `ctx.reportOutput`. */
  readonly output?: string;
}

interface SinkRun {
  readonly outcome: Settled<void>;
  readonly probe: InputProbe;
  /** Files (not folders) that appeared in the case's folder. */
  readonly left: string[];
  readonly leaked: number;
  /** The output file, when known. */
  readonly output: string | undefined;
  readonly dir: string;
}

type BatchesFor = (inputs: Inputs) => RecordBatch[];

class SinkRunner {
  private runs = 0;
  constructor(
    private readonly cls: StageClass,
    private readonly cases: Cases<SinkCases>,
    private readonly dir: string,
    private readonly settings: Settings,
    private readonly fds: DescriptorLedger,
  ) {}

  /** The cases built in a fresh folder. */
  async fresh(label: string): Promise<{ set: SinkCases; dir: string }> {
    const dir = join(this.dir, `${++this.runs}-${label.replace(/[^a-z0-9]+/gi, '-')}`);
    await mkdir(dir, { recursive: true });
    return { set: await resolveCases(this.cases, dir), dir };
  }

  /** Parse, construct, check the input schema: the runtime's order. */
  plan(set: SinkCases, dir: string, label: string): Sink {
    const stage = construct(this.cls, set.options, label) as Sink;
    const ctx = planContext(dir, this.settings.batchSize);
    try {
      stage.checkInput(set.input, ctx);
    } catch (error) {
      fail(`checkInput() threw ${describeError(error)}`);
    }
    noProblems(ctx, label, 'checkInput()');
    return stage;
  }

  async run(label: string, batchesFor: BatchesFor, behaviour: InputBehaviour = {}, signal?: AbortSignal): Promise<SinkRun> {
    const { set, dir } = await this.fresh(label);
    const batches = batchesFor(new Inputs(set.input, set.rows, this.settings.minRows));
    const before = openDescriptors();
    const stage = this.plan(set, dir, label);
    const entries = await snapshot(dir);
    const probe = probeInput(batches, behaviour);
    const ctx = testStageContext({ schema: set.input, batchSize: this.settings.batchSize, baseDir: dir, ...(signal ? { signal } : {}) });
    const outcome = await settle(
      Promise.resolve().then(() => stage.consume(probe.stream, ctx)),
      this.settings.timeoutMs,
    );
    const leaked = await leakedDescriptors(before);
    this.fds.record(`${label} case`, leaked);
    const left = added(entries, await snapshot(dir)).filter((entry) => !entry.endsWith('/'));
    const where = set.output ?? ctx.output;
    const output = where === undefined ? undefined : isAbsolute(where) ? where : resolve(dir, where);
    return { outcome, probe, left, leaked, output, dir };
  }
}

/** A run that must succeed: resolved, read its whole input, wrote its output, closed its files. */
function successProblems(run: SinkRun, label: string, timeoutMs: number): Problems {
  const problems = new Problems();
  if (run.outcome.state === 'timeout') problems.add(`consume() did not settle within ${timeoutMs} ms for the ${label} input`);
  if (run.outcome.state === 'rejected') problems.add(`consume() threw ${describeError(run.outcome.error)} for the ${label} input`);
  if (run.outcome.state === 'fulfilled') {
    if (!run.probe.exhausted) problems.add(`consume() resolved before reading its whole input (${run.probe.yielded} batch(es) read)`);
    if (run.output !== undefined && !existsSync(run.output)) problems.add(`no file at ${relative(run.dir, run.output) || run.output} after consume() resolved`);
  }
  problems.add(leakProblem(run.leaked));
  return problems;
}

/** A run that failed: nothing may be left in its folder, no descriptor open. */
function cleanupProblems(run: SinkRun): Problems {
  const problems = new Problems();
  if (run.left.length > 0) problems.add(`left ${run.left.join(', ')} in the output folder`);
  problems.add(leakProblem(run.leaked));
  return problems;
}

/**
 * Runs a sink class through every sink check; returns one result per check (see
 * {@link assertCompliant}). `cases` is called once per case with a fresh folder.
 */
export async function checkSinkCompliance(cls: StageClass, cases: Cases<SinkCases>, options: HarnessOptions = {}): Promise<ComplianceResult[]> {
  const s = settings(options);
  const results: ComplianceResult[] = [await definitionCheck(cls, 'sink')];
  if (!usable(cls, 'sink')) return results;
  return withTempDir(async (dir) => {
    await warmUpFileSystem(dir);
    const fds = new DescriptorLedger();
    const runner = new SinkRunner(cls, cases, dir, s, fds);

    results.push(await unknownOptionsCheck(cls, (await runner.fresh('options')).set.options));

    results.push(
      await runCheck('plan', async () => {
        const { set, dir: caseDir } = await runner.fresh('plan');
        runner.plan(set, caseDir, 'given');
        new Inputs(set.input, set.rows, s.minRows);
      }),
    );

    results.push(
      await runCheck('empty input', async () => {
        const none = await runner.run('empty (no batch)', () => []);
        const problems = successProblems(none, 'empty (no batch)', s.timeoutMs);
        const emptyBatch = await runner.run('empty (one empty batch)', (i) => [RecordBatch.empty(i.schema)]);
        problems.merge(successProblems(emptyBatch, 'empty (one empty batch)', s.timeoutMs));
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('one row', async () => {
        const run = await runner.run('one row', (i) => [i.one(i.rows.slice(0, 1))]);
        successProblems(run, 'one row', s.timeoutMs).verdict();
      }),
    );

    results.push(
      await runCheck('many batches', async () => {
        const run = await runner.run('many batches', (i) => i.split(i.manyRows));
        successProblems(run, 'many batches', s.timeoutMs).verdict();
      }),
    );

    results.push(
      await runCheck('nulls', async () => {
        const run = await runner.run('nulls', (i) => i.split(i.nullRows));
        successProblems(run, 'nulls', s.timeoutMs).verdict();
      }),
    );

    results.push(
      await runCheck('error inside the stream', async () => {
        const error = new Error('input failed (thrown by the compliance harness)');
        const run = await runner.run('failing input', (i) => i.split(i.manyRows), { failAt: { at: 1, error } });
        const problems = new Problems();
        const { outcome } = run;
        if (outcome.state === 'fulfilled') problems.add('consume() resolved after its input threw: the error was swallowed');
        else if (outcome.state === 'timeout') problems.add(`consume() did not settle within ${s.timeoutMs} ms after its input threw`);
        else if (!errorChainHas(outcome.error, error)) problems.add(`consume() threw ${describeError(outcome.error)}, which is neither the input's error nor caused by it`);
        problems.merge(cleanupProblems(run));
        problems.verdict();
      }),
    );

    results.push(
      await runCheck('cleanup on abort', async () => {
        const controller = new AbortController();
        const reason = abortReason();
        const run = await runner.run('aborted', (i) => i.split(i.manyRows), { abortAt: { at: 1, controller, reason } }, controller.signal);
        const problems = new Problems();
        const { outcome } = run;
        if (outcome.state === 'timeout') problems.add(`consume() did not settle within ${s.timeoutMs} ms after ctx.signal was aborted`);
        else if (outcome.state === 'rejected' && !isAbortEnd(outcome.error, reason)) problems.add(`consume() threw ${describeError(outcome.error)} instead of the signal's reason or an AbortError`);
        problems.merge(cleanupProblems(run));
        problems.verdict();
      }),
    );

    results.push(await fds.result());
    return results;
  });
}
