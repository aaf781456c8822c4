/**
 * `sluice bench JOB`: runs a job once per kernel implementation, each as a fresh `sluice run`
 * child process (so one run's heap, JIT state and addon cannot colour another's), checks that
 * every implementation wrote the same bytes to the sink, and prints wall time, rows/s, peak RSS
 * and the ratio to the fastest. `typescript` and `native` run on the main thread alone
 * (`threads=0`); `native+threads` runs with a worker pool of one thread per core.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';

/** One implementation of the job's stages, chosen for the child by environment. */
interface Implementation {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  /** The job's `threads:` for this run (set with --set, whatever the job says). */
  readonly threads: number;
  /** Why it cannot run here; absent when it can. */
  readonly unavailable?: string;
}

const IMPLEMENTATIONS: readonly Implementation[] = [
  { name: 'typescript', env: { SLUICE_KERNELS: 'js' }, threads: 0 },
  { name: 'native', env: { SLUICE_KERNELS: 'native' }, threads: 0 },
  { name: 'native+threads', env: { SLUICE_KERNELS: 'native' }, threads: Math.max(1, availableParallelism()) },
];

/** Reported by the child itself at exit: its own peak RSS, which a parent cannot get from spawnSync. */
const RSS_PRELOAD = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n@@sluice-bench-max-rss '+process.resourceUsage().maxRSS*1024+'\\n'))`;
const RSS_LINE = /\n@@sluice-bench-max-rss (\d+)\n/;

/** The result of one implementation; a discriminated union on `state`. */
export type BenchRow =
  | { readonly state: 'unavailable'; readonly implementation: string; readonly reason: string }
  | { readonly state: 'failed'; readonly implementation: string; readonly exitCode: number | null; readonly error: string }
  | {
      readonly state: 'ok';
      readonly implementation: string;
      readonly kernels: string;
      readonly wallMs: number;
      readonly runsMs: number[];
      readonly rowsIn: number;
      readonly rowsPerSecond: number;
      readonly peakRssBytes: number | null;
      readonly ratioToFastest: number;
      readonly output: string;
      readonly outputSha256: string;
    };

export interface BenchResult {
  readonly job: string;
  readonly runs: number;
  readonly sameOutput: boolean;
  readonly rows: BenchRow[];
}

interface Measured {
  readonly wallMs: number;
  readonly rowsIn: number;
  readonly kernels: string;
  readonly peakRssBytes: number | null;
  readonly output: string;
  readonly sha256: string;
}

const cliPath = fileURLToPath(new URL('./main.js', import.meta.url));

function runChild(job: string, impl: Implementation): Measured | { exitCode: number | null; error: string } {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', RSS_PRELOAD, cliPath, 'run', job, '--json', '--set', `threads=${impl.threads}`], {
    env: { ...process.env, ...impl.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - started;
  const stderr = child.stderr.replace(RSS_LINE, '').trim();
  if (child.status !== 0) return { exitCode: child.status, error: stderr || `exited by ${child.signal}` };
  const summary = JSON.parse(child.stdout) as { rowsIn: number; kernels: string; stages: { output?: string }[] };
  const output = summary.stages.map((s) => s.output).find((o) => o !== undefined);
  if (output === undefined) return { exitCode: child.status, error: 'the run reported no output file to compare' };
  const rss = RSS_LINE.exec(child.stderr);
  const sha256 = createHash('sha256').update(readFileSync(output)).digest('hex');
  return { wallMs, rowsIn: summary.rowsIn, kernels: summary.kernels, peakRssBytes: rss ? Number(rss[1]) : null, output, sha256 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs every available implementation `runs` times (round robin, so drift hits all alike). */
export function benchJob(job: string, runs: number): BenchResult {
  const available = IMPLEMENTATIONS.filter((i) => i.unavailable === undefined);
  const measured = new Map<string, Measured[]>(available.map((i) => [i.name, []]));
  const failed = new Map<string, { exitCode: number | null; error: string }>();
  for (let r = 0; r < runs; r++) {
    for (const impl of available) {
      if (failed.has(impl.name)) continue;
      const result = runChild(job, impl);
      if ('error' in result) failed.set(impl.name, result);
      else measured.get(impl.name)!.push(result);
    }
  }
  const medians = new Map([...measured].filter(([name]) => !failed.has(name)).map(([name, ms]) => [name, median(ms.map((m) => m.wallMs))]));
  const fastest = Math.min(...medians.values());
  const hashes = new Set([...measured].filter(([name]) => !failed.has(name)).flatMap(([, ms]) => ms.map((m) => m.sha256)));
  const rows: BenchRow[] = IMPLEMENTATIONS.map((impl): BenchRow => {
    if (impl.unavailable !== undefined) return { state: 'unavailable', implementation: impl.name, reason: impl.unavailable };
    const failure = failed.get(impl.name);
    if (failure) return { state: 'failed', implementation: impl.name, ...failure };
    const ms = measured.get(impl.name)!;
    const wallMs = medians.get(impl.name)!;
    const last = ms[ms.length - 1]!;
    return {
      state: 'ok',
      implementation: impl.name,
      kernels: last.kernels,
      wallMs,
      runsMs: ms.map((m) => m.wallMs),
      rowsIn: last.rowsIn,
      rowsPerSecond: wallMs > 0 ? (last.rowsIn / wallMs) * 1000 : 0,
      peakRssBytes: last.peakRssBytes === null ? null : median(ms.map((m) => m.peakRssBytes ?? 0)),
      ratioToFastest: wallMs / fastest,
      output: last.output,
      outputSha256: last.sha256,
    };
  });
  return { job, runs, sameOutput: hashes.size <= 1 && failed.size === 0, rows };
}

/** The human table: one line per implementation, then the verdict on the outputs. */
export function formatBench(result: BenchResult): string {
  const lines = [
    `sluice bench ${result.job}: whole-process runs (sluice run), median of ${result.runs}`,
    `  ${'implementation'.padEnd(16)}${'wall'.padStart(10)}${'rows/s'.padStart(12)}${'peak RSS'.padStart(11)}${'ratio'.padStart(8)}`,
  ];
  for (const row of result.rows) {
    if (row.state === 'ok') {
      const rss = row.peakRssBytes === null ? '?' : `${(row.peakRssBytes / 2 ** 20).toFixed(0)} MiB`;
      lines.push(`  ${row.implementation.padEnd(16)}${`${(row.wallMs / 1000).toFixed(2)} s`.padStart(10)}${`${(row.rowsPerSecond / 1e6).toFixed(2)} M`.padStart(12)}${rss.padStart(11)}${`${row.ratioToFastest.toFixed(2)}×`.padStart(8)}`);
    } else if (row.state === 'failed') {
      lines.push(`  ${row.implementation.padEnd(16)}failed (exit ${row.exitCode}): ${row.error.split('\n')[0]}`);
    } else {
      lines.push(`  ${row.implementation.padEnd(16)}${row.reason}`);
    }
  }
  const ok = result.rows.filter((r) => r.state === 'ok');
  if (result.sameOutput) lines.push(`  output: identical from every implementation (${ok[0]?.output ?? 'none'}, sha256 ${ok[0]?.outputSha256.slice(0, 12) ?? '-'})`);
  else if (ok.length > 0) lines.push(`  output: DIFFERS: ${ok.map((r) => `${r.implementation} sha256 ${r.outputSha256.slice(0, 12)}`).join(', ')}`);
  return lines.join('\n');
}

function parseRuns(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--runs must be a positive integer');
  return n;
}

export const benchCommand = new Command('bench')
  .description("Run a job with each kernel implementation in fresh processes; check outputs agree; compare wall time, rows/s, peak RSS")
  .argument('<job>', 'job file (must have a sink: its output files are compared)')
  .option('--runs <n>', 'runs per implementation (median reported)', parseRuns, 3)
  .option('--json', 'print the result as JSON')
  .action((job: string, opts: { runs: number; json?: boolean }) => {
    const result = benchJob(job, opts.runs);
    process.stdout.write(`${opts.json ? JSON.stringify(result, null, 2) : formatBench(result)}\n`);
    const failure = result.rows.find((r) => r.state === 'failed');
    if (failure) {
      process.stderr.write(`sluice: bench: ${failure.implementation} failed: ${failure.error}\n`);
      process.exitCode = failure.exitCode === 2 || failure.exitCode === 3 ? failure.exitCode : 1;
    } else if (!result.sameOutput) {
      process.stderr.write('sluice: bench: the implementations wrote different output; timings are not comparable\n');
      process.exitCode = 1;
    }
  });
