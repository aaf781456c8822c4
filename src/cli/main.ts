#!/usr/bin/env -S node --initial-old-space-size=128
/**
 * The `sluice` command line: run, validate, stages, describe (ARCHITECTURE.md, public contract).
 * Results go to the sink; stdout carries only what the user asked to see; errors go to stderr
 * with an exit code from the documented table.
 *
 * The node flag on the first line: a run keeps tens of MiB of column buffers in flight (external
 * memory, freed by V8 only after a collection), and with the engine's modules loaded that pushes
 * V8's initial heap limit, so it ran a full collection every ~100 ms; a larger initial old space
 * (a limit, not memory taken) stops that: CSV Q2 on 10M rows used 18% less CPU (docs/architecture.md).
 * It is process-wide, so the pool's workers get it too. `node dist/cli/main.js` runs without it.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { LevelWithSilent } from 'pino';
import { exitCodeFor, ExitCode, InterruptedError, JobError, StageError, toError } from '../runtime/errors.js';
import { readJobFile, type LoadedJob } from '../runtime/job.js';
import type { OpenedRun, RunSummary } from '../runtime/run.js';
import { configureLogger, LOG_LEVELS, stageLogger } from '../observe/logger.js';
import type { Progress } from '../observe/progress.js';
import { buildReport, sluiceVersion, writeReport, type RunReport } from '../observe/report.js';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { benchCommand } from './bench.js';

// The planner, the engine, the stage modules and zod are imported by the commands that use them,
// not here: `--help` does without them, and `run` starts its workers first (see `startEarly`).

const program = new Command('sluice')
  .description('Run pipelines of stages over columnar record batches')
  .version(sluiceVersion)
  .showHelpAfterError('(run with --help for usage)')
  // Usage errors exit 2 like an invalid job (the README's table), not commander's default 1.
  .exitOverride();

program
  .command('run')
  .description('Run a job file (YAML or JSON) and print a summary')
  .argument('<job>', 'job file')
  .option('-q, --quiet', 'print nothing on success, show no progress, log only warnings and errors')
  .option('--json', 'print the run summary as JSON')
  .option('--report <file>', 'write the run report as JSON (schemas/run-report.v1.schema.json), also when the run fails')
  .option('--metrics-file <file>', "write the final metrics in Prometheus text format (for node_exporter's textfile collector)")
  .option('--sample <n>', 'print the first N rows leaving each stage on stdout', parseCount('--sample'))
  .option('--set <path=value>', 'override an option, e.g. --set transforms[0].value=95 (value read as YAML); repeatable', collect, [])
  .addOption(new Option('--log-level <level>', 'minimum level of log lines (default: info, warn with --quiet)').choices(LOG_LEVELS))
  .option('--log-file <file>', 'write log lines (JSON) to this file instead of stderr')
  .option('--no-progress', 'no progress display')
  .addOption(new Option('--progress-interval <ms>', 'progress refresh period').argParser(parseCount('--progress-interval')).hideHelp())
  .action(async (file: string, opts: RunCommandOptions) => {
    const job = await readJobFile(file, { set: opts.set });
    const pool = await import('../runtime/pool.js');
    startEarly(job, pool.startPoolEarly);
    try {
      // After the workers are spawned: configuring the logger loads pino (~12 ms), which their
      // start now overlaps. Reading the job logs nothing (its errors go to stderr, below).
      configureLogger({ level: opts.logLevel ?? (opts.quiet ? 'warn' : 'info'), ...(opts.logFile === undefined ? {} : { file: opts.logFile }) });
      await runJob(job, opts);
    } finally {
      // Not awaited: a pool the run did not take ends in the background (after its workers'
      // imports, see WorkerPool.close), and an error is printed without waiting for it.
      pool.closeUntakenPool().catch(() => undefined);
    }
  });

/**
 * Starts the workers as soon as the job's `threads:` is known: their start (module import, ~0.3 s
 * each) then overlaps the planner's import, the stage modules' import and the source's header
 * read. Only for an explicit `threads:` (without it, a small job runs on the main thread).
 */
function startEarly(job: LoadedJob, start: (threads: number, plugins: readonly string[], baseDir: string) => void): void {
  const { threads, plugins = [] } = (job.spec ?? {}) as { threads?: unknown; plugins?: unknown };
  if (typeof threads !== 'number' || !Array.isArray(plugins) || !plugins.every((p) => typeof p === 'string')) return;
  start(threads, plugins as string[], job.baseDir);
}

async function runJob(job: LoadedJob, opts: RunCommandOptions): Promise<void> {
  const [{ planJob }, { runPlan, summarize }, { Progress }, { createSampler }, { formatSummary, formatSummaryTable }] = await Promise.all([
    import('../runtime/plan.js'),
    import('../runtime/run.js'),
    import('../observe/progress.js'),
    import('../observe/sample.js'),
    import('./summary.js'),
  ]);
  const plan = await planJob(job, { requireSink: true });
  // Ctrl-C / SIGTERM abort the run, so sinks remove their temporary files before we exit.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    process.exitCode = signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
    controller.abort(new InterruptedError(signal));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const startedAt = new Date();
  const sampler = opts.sample === undefined ? undefined : createSampler(opts.sample, (text) => process.stdout.write(text));
  let opened: OpenedRun | undefined;
  let progress: Progress | undefined;
  const onStart = (run: OpenedRun) => {
    opened = run;
    if (opts.quiet || opts.progress === false) return;
    progress = new Progress(run.metrics[0]!, {
      stream: process.stderr,
      tty: process.stderr.isTTY === true,
      log: run.log,
      ...(opts.progressInterval === undefined ? {} : { intervalMs: opts.progressInterval }),
      ...expectedRows(plan.source.stage.options),
    }).start();
  };
  let summary: RunSummary;
  try {
    summary = await runPlan(plan, { signal: controller.signal, onStart, ...(sampler ? { tap: sampler.tap } : {}) });
  } catch (thrown) {
    progress?.stop();
    const error = toError(thrown);
    if (opened !== undefined) {
      logFailure(opened, error);
      const partial = summarize(plan, opened);
      await writeOutputs(opts, buildReport(partial, { status: error instanceof InterruptedError ? 'interrupted' : 'failed', exitCode: exitCodeFor(error), error, startedAt }));
      // Interrupted: how far it got, on stderr (stdout carries only results), rows per stage until the signal.
      if (error instanceof InterruptedError && !opts.quiet) process.stderr.write(`${formatSummary(partial, 'interrupted')}\n`);
    }
    // A retry's backoff timer may still be pending after the run ended; an interrupted run exits now rather than when it fires.
    if (error instanceof InterruptedError) setTimeout(() => process.exit(), 200).unref();
    throw error;
  }
  progress?.stop();
  sampler?.finish(summary.stages);
  const degraded = summary.degraded.length > 0;
  if (degraded) process.exitCode = ExitCode.degraded;
  await writeOutputs(opts, buildReport(summary, { status: degraded ? 'degraded' : 'succeeded', exitCode: degraded ? ExitCode.degraded : ExitCode.ok, startedAt }));
  if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else if (!opts.quiet) process.stdout.write(`${process.stdout.isTTY ? formatSummaryTable(summary) : formatSummary(summary)}\n`);
}

interface RunCommandOptions {
  quiet?: boolean;
  json?: boolean;
  report?: string;
  metricsFile?: string;
  sample?: number;
  set: string[];
  logLevel?: LevelWithSilent;
  logFile?: string;
  progress: boolean;
  progressInterval?: number;
}

async function writeOutputs(opts: RunCommandOptions, report: RunReport): Promise<void> {
  if (opts.report !== undefined) await writeReport(opts.report, report);
  if (opts.metricsFile !== undefined) await (await import('../observe/prometheus.js')).writeMetricsFile(opts.metricsFile, report);
}

/** A source that says how many rows it will make (`rows`) lets progress show an ETA without a file size. */
function expectedRows(options: unknown): { rowsTotal?: number } {
  const rows = (options as { rows?: unknown } | undefined)?.rows;
  return typeof rows === 'number' && Number.isFinite(rows) ? { rowsTotal: rows } : {};
}

/** One structured line for log collectors; the paragraph on stderr is for the person at the terminal. */
function logFailure(run: OpenedRun, error: Error): void {
  const index = error instanceof StageError ? run.metrics.findIndex((m) => m.place === error.place) : -1;
  const stage = run.metrics[index];
  const log = stage === undefined ? run.log : stageLogger(run.log, { index, place: stage.place, type: stage.type });
  log.error({ error: { name: error.name, message: error.message }, exitCode: exitCodeFor(error) }, 'run failed');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseCount(option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${option} must be a non-negative integer (got ${JSON.stringify(value)})`);
    return n;
  };
}

program
  .command('validate')
  .description('Check a job without reading its data; report every problem with its place')
  .argument('<job>', 'job file')
  .option('--set <path=value>', 'override an option as run would, e.g. --set transforms[0].value=95; repeatable', collect, [])
  .action(async (file: string, opts: { set: string[] }) => {
    const { planJob } = await import('../runtime/plan.js');
    const plan = await planJob(await readJobFile(file, { set: opts.set }), { requireSink: true });
    const stages = [plan.source, ...plan.transforms, ...(plan.sink ? [plan.sink] : [])];
    process.stdout.write(`${file}: ok (${stages.map((s) => s.cls.type).join(' → ')}; output ${plan.outputSchema})\n`);
    // Projection pushdown: the columns the source will read, of those it has.
    const read = plan.source.schema.names;
    const all = plan.projection?.full.names ?? read;
    process.stdout.write(`source reads ${read.length === all.length ? 'every column' : `${read.length} of ${all.length} columns`}: ${read.join(', ')}\n`);
  });

program
  .command('stages')
  .description('List the registered stage types')
  .addOption(new Option('--plugin <module...>', 'also load these plugin modules'))
  .option('--json', 'print as JSON')
  .action(async (opts: { plugin?: string[]; json?: boolean }) => {
    await loadPlugins(opts.plugin);
    const { stageTypes } = await import('../registry/registry.js');
    const all = stageTypes();
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(all.map((s) => ({ type: s.type, kind: s.kind, description: s.description })), null, 2)}\n`);
      return;
    }
    for (const kind of ['source', 'transform', 'sink'] as const) {
      process.stdout.write(`${kind}s:\n`);
      for (const s of all.filter((c) => c.kind === kind)) process.stdout.write(`  ${s.type.padEnd(18)} ${s.description}\n`);
    }
  });

program
  .command('describe')
  .description("Show a stage type's options: types, defaults, one-line docs")
  .argument('<type>', 'stage type, e.g. threshold_filter')
  .addOption(new Option('--plugin <module...>', 'also load these plugin modules'))
  .option('--json', 'print the options as JSON Schema')
  .action(async (type: string, opts: { plugin?: string[]; json?: boolean }) => {
    await loadPlugins(opts.plugin);
    const [{ lookupStage }, { z }, { policyOptionsSchema }] = await Promise.all([import('../registry/registry.js'), import('zod'), import('../flow/policy/keys.js')]);
    const looked = lookupStage(type);
    if ('error' in looked) throw new JobError([{ path: '', message: looked.error }]);
    const cls = looked.found;
    const jsonSchema = z.toJSONSchema(cls.options, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject;
    if (opts.json) {
      // The stage's own example goes in `examples`, so a schema-aware editor can offer it and tests can check it validates.
      process.stdout.write(`${JSON.stringify({ ...jsonSchema, title: cls.type, description: cls.description, ...(cls.example ? { examples: [cls.example] } : {}) }, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${cls.type} (${cls.kind}): ${cls.description}\n\noptions:\n`);
    const required = new Set(jsonSchema.required ?? []);
    for (const [name, prop] of Object.entries(jsonSchema.properties ?? {})) {
      const flags = required.has(name) ? 'required' : prop.default !== undefined ? `default ${JSON.stringify(prop.default)}` : 'optional';
      process.stdout.write(`  ${name.padEnd(12)} ${typeName(prop).padEnd(30)} ${flags.padEnd(18)} ${prop.description ?? ''}\n`);
    }
    // The keys any stage accepts beside its type (retry, timeout, ...), from the same schema the planner checks them with.
    const common = z.toJSONSchema(policyOptionsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject;
    process.stdout.write(`\ncommon options (any stage; times in ms; see the README's Resilience section):\n`);
    for (const [name, prop] of Object.entries(common.properties ?? {})) {
      const flags = prop.default !== undefined ? `default ${JSON.stringify(prop.default)}` : 'optional';
      process.stdout.write(`  ${name.padEnd(16)} ${typeName(prop).padEnd(26)} ${flags.padEnd(18)} ${prop.description ?? ''}\n`);
    }
    if (cls.example) process.stdout.write(`\nexample:\n  { type: ${cls.type}, ${Object.entries(cls.example).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ')} }\n`);
  });

interface JsonSchemaObject {
  properties?: Record<string, JsonSchemaProp>;
  required?: string[];
}
interface JsonSchemaProp {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchemaProp[];
  items?: JsonSchemaProp;
  default?: unknown;
  description?: string;
}

function typeName(prop: JsonSchemaProp): string {
  if (prop.enum) return prop.enum.join(' | ');
  if (prop.anyOf) return prop.anyOf.map(typeName).join(' | ');
  if (prop.type === 'array' && prop.items) return `list of ${typeName(prop.items)}`;
  return Array.isArray(prop.type) ? prop.type.join(' | ') : (prop.type ?? 'any');
}

async function loadPlugins(plugins: string[] = []): Promise<void> {
  await (await import('../stages/builtins.js')).builtinsLoaded;
  for (const plugin of plugins) await import(pathToFileURL(resolve(plugin)).href);
}

program.addCommand(benchCommand);

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  if (thrown instanceof CommanderError) {
    // commander has already printed the message (or the help).
    process.exitCode = thrown.exitCode === 0 ? ExitCode.ok : ExitCode.invalidJob;
  } else {
    const error = toError(thrown);
    process.stderr.write(`sluice: ${error.message}\n`);
    process.exitCode = exitCodeFor(error) || ExitCode.failure;
  }
}
