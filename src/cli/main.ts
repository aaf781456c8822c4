#!/usr/bin/env node
/**
 * The `sluice` command line: run, validate, stages, describe (ARCHITECTURE.md, public contract).
 * Results go to the sink; stdout carries only what the user asked to see; errors go to stderr
 * with an exit code from the documented table.
 */
import { Command, Option } from 'commander';
import { z } from 'zod';
import { builtinsLoaded } from '../stages/builtins.js';
import { lookupStage, stageTypes } from '../registry/registry.js';
import { exitCodeFor, ExitCode, InterruptedError, JobError, toError } from '../runtime/errors.js';
import { readJobFile } from '../runtime/job.js';
import { planJob } from '../runtime/plan.js';
import { runPlan } from '../runtime/run.js';
import { formatSummary } from './summary.js';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { benchCommand } from './bench.js';

const program = new Command('sluice')
  .description('Run pipelines of stages over columnar record batches')
  .version(process.env.npm_package_version ?? '0.1.0')
  .showHelpAfterError('(run with --help for usage)');

program
  .command('run')
  .description('Run a job file (YAML or JSON) and print a summary')
  .argument('<job>', 'job file')
  .option('-q, --quiet', 'print nothing on success')
  .option('--json', 'print the run summary as JSON')
  .action(async (file: string, opts: { quiet?: boolean; json?: boolean }) => {
    const plan = await planJob(await readJobFile(file), { requireSink: true });
    // Ctrl-C / SIGTERM abort the run, so sinks remove their temporary files before we exit.
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      process.exitCode = signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
      controller.abort(new InterruptedError(signal));
    };
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    const summary = await runPlan(plan, { signal: controller.signal });
    if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else if (!opts.quiet) process.stdout.write(`${formatSummary(summary)}\n`);
  });

program
  .command('validate')
  .description('Check a job without reading its data; report every problem with its place')
  .argument('<job>', 'job file')
  .action(async (file: string) => {
    const plan = await planJob(await readJobFile(file), { requireSink: true });
    const stages = [plan.source, ...plan.transforms, ...(plan.sink ? [plan.sink] : [])];
    process.stdout.write(`${file}: ok (${stages.map((s) => s.cls.type).join(' → ')}; output ${plan.outputSchema})\n`);
  });

program
  .command('stages')
  .description('List the registered stage types')
  .addOption(new Option('--plugin <module...>', 'also load these plugin modules'))
  .option('--json', 'print as JSON')
  .action(async (opts: { plugin?: string[]; json?: boolean }) => {
    await loadPlugins(opts.plugin);
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
    const looked = lookupStage(type);
    if ('error' in looked) throw new JobError([{ path: '', message: looked.error }]);
    const cls = looked.found;
    const jsonSchema = z.toJSONSchema(cls.options, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ ...jsonSchema, title: cls.type, description: cls.description }, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${cls.type} (${cls.kind}): ${cls.description}\n\noptions:\n`);
    const required = new Set(jsonSchema.required ?? []);
    for (const [name, prop] of Object.entries(jsonSchema.properties ?? {})) {
      const flags = required.has(name) ? 'required' : prop.default !== undefined ? `default ${JSON.stringify(prop.default)}` : 'optional';
      process.stdout.write(`  ${name.padEnd(12)} ${typeName(prop).padEnd(30)} ${flags.padEnd(18)} ${prop.description ?? ''}\n`);
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
  await builtinsLoaded;
  for (const plugin of plugins) await import(pathToFileURL(resolve(plugin)).href);
}

program.addCommand(benchCommand);

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  const error = toError(thrown);
  process.stderr.write(`sluice: ${error.message}\n`);
  process.exitCode = exitCodeFor(error) || ExitCode.failure;
}
