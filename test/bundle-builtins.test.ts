import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageTypes } from '../src/index.js';
import { cliNodeFlags, repoRoot } from './helpers/cli.js';

// A checkout of its own: the sources plus one new stage file, bundled by scripts/bundle.mjs with
// no tsc output beside it, so that everything the run needs comes from the bundle.
const root = mkdtempSync(join(tmpdir(), 'sluice-bundle-root-'));
const probe = `import { isMainThread } from 'node:worker_threads';
import { z } from 'zod';
import type { RecordBatch } from '../../batch/record-batch.js';
import { BatchTransform, registerStage } from '../../registry/index.js';

export class BundleProbe extends BatchTransform<Record<string, never>> {
  static readonly type = 'bundle_probe';
  static readonly description = 'Keeps the rows with an even id (the bundle test)';
  static readonly options = z.strictObject({});
  static {
    registerStage(this);
  }
  processBatch(batch: RecordBatch): RecordBatch {
    // Slow on the main thread, so that the pool, once started, takes splits rather than losing the race.
    if (isMainThread) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    const ids = batch.toRows().map((row) => Number(row['id']));
    return batch.take(Uint32Array.from(ids.flatMap((id, i) => (id % 2 === 0 ? [i] : []))));
  }
}
`;

function node(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
/** A job through the new stage on a pool of 2, writing `name`.json. */
function probeJob(name: string): string {
  const job = join(root, `${name}.yaml`);
  writeFileSync(
    job,
    'threads: 2\nsource: { type: synthetic, rows: 40000, split_rows: 5000, batch_size: 1000 }\n' +
      `transforms:\n  - { type: bundle_probe }\nsink: { type: json_file, path: ${join(root, `${name}.json`)} }\n`,
  );
  return job;
}
const cli = (...args: string[]) => node([...cliNodeFlags(), join(root, 'dist/cli/main.js'), ...args]);

beforeAll(() => {
  for (const item of ['src', 'scripts', 'package.json', 'tsconfig.json']) cpSync(join(repoRoot, item), join(root, item), { recursive: true });
  for (const item of ['node_modules', 'native']) symlinkSync(join(repoRoot, item), join(root, item), 'dir');
  writeFileSync(join(root, 'src/stages/transforms/bundle-probe.ts'), probe);
  const built = node(['scripts/bundle.mjs']);
  expect(built.stderr).toMatch(/^sluice: bundled \d+ modules into \d+ files in dist\/bundle\/$/m);
  expect(built.status).toBe(0);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the bundle (scripts/bundle.mjs)', () => {
  it('lists the built-in stages when it is built: the ones the sources find at run time, and a new file in a stage folder', () => {
    const listed = cli('stages', '--json');
    expect(listed.status).toBe(0);
    const types = (JSON.parse(listed.stdout) as { type: string }[]).map((s) => s.type);
    expect(types).toEqual([...stageTypes().map((cls) => cls.type), 'bundle_probe'].sort());
  });

  it('runs the new stage in the pool workers too, on the native kernels, and knows its version', () => {
    const run = cli('run', probeJob('pool'), '--json', '--log-level', 'warn');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout) as { kernels: string; stages: { type: string; rowsIn: number; rowsOut: number; workerThreads: boolean }[] };
    expect(summary.kernels).toBe('native');
    // A stage type the workers cannot rebuild would run on the main thread (workerThreads: false).
    expect(summary.stages.find((s) => s.type === 'bundle_probe')).toMatchObject({ rowsIn: 40000, rowsOut: 20000, workerThreads: true });
    expect(cli('--version').stdout.trim()).toBe((JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it("carries zod's English locale alone, which stays the default", () => {
    const bundled = readdirSync(join(root, 'dist/bundle')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(root, 'dist/bundle', f), 'utf8')).join('\n');
    expect(bundled).toContain('node_modules/zod/v4/locales/en.js');
    expect(bundled).not.toContain('node_modules/zod/v4/locales/fr.js');
    const probe = node(['--input-type=module', '-e', "import { z } from './dist/index.js'; console.log(JSON.stringify({ locales: Object.keys(z.locales), message: z.number().safeParse('x').error.issues[0].message }));"]);
    expect(probe.stderr).toBe('');
    expect(JSON.parse(probe.stdout)).toEqual({ locales: ['en'], message: 'Invalid input: expected number, received string' });
  });

  it('logs through pino built as one file beside the bundle, never loading the package\'s files', () => {
    // NODE_DEBUG=module: node's CommonJS loader names every file it loads on stderr.
    const run = node([...cliNodeFlags(), join(root, 'dist/cli/main.js'), 'run', probeJob('logged'), '--log-level', 'info'], { NODE_DEBUG: 'module' });
    expect(run.status).toBe(0);
    const loads = [...run.stderr.matchAll(/^MODULE \d+: load "([^"]+)"/gm)].map((m) => m[1]!).filter((file) => file.includes('pino'));
    expect(loads).toEqual([join(root, 'dist/bundle/pino.cjs')]);
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => [l['level'], l['msg']])).toEqual([['info', 'run started'], ['info', 'run finished']]);
  });

  it('loads no piscina file for a run on the main thread (threads: 0)', () => {
    const job = join(root, 'inline.yaml');
    writeFileSync(job, `threads: 0\nsource: { type: synthetic, rows: 40000, split_rows: 5000 }\nsink: { type: json_file, path: ${join(root, 'inline.json')} }\n`);
    const run = node([...cliNodeFlags(), join(root, 'dist/cli/main.js'), 'run', job, '--log-level', 'warn'], { NODE_DEBUG: 'module' });
    expect(run.status).toBe(0);
    const loads = [...run.stderr.matchAll(/^MODULE \d+: load "([^"]+)"/gm)].map((m) => m[1]!);
    expect(loads.some((file) => file.endsWith('native/index.cjs'))).toBe(true); // the capture works
    expect(loads.filter((file) => file.includes('piscina'))).toEqual([]);
  });

  it('starts a worker without node:crypto, which only the main thread uses (run ids, temporary file names)', () => {
    const script = `import { Worker } from 'node:worker_threads';
const w = new Worker(\`import(\${JSON.stringify(process.argv[1])}).then(async () => (await import('node:worker_threads')).parentPort.postMessage(process.moduleLoadList))\`, { eval: true });
w.once('message', (loaded) => { console.log(JSON.stringify(loaded.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)))); w.terminate(); });`;
    const started = node(['--input-type=module', '-e', script, join(root, 'dist/bundle/worker.js')]);
    expect(started.stderr).toBe('');
    const modules = JSON.parse(started.stdout) as string[];
    expect(modules).toContain('internal/worker/io');
    expect(modules.filter((m) => m.includes('crypto'))).toEqual([]);
  });

  it('leaves the command executable, started by its first line with its node flags', () => {
    const direct = spawnSync(join(root, 'dist/cli/main.js'), ['run', probeJob('direct'), '--json', '--log-level', 'warn'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(direct.stderr).toBe('');
    expect(direct.status).toBe(0);
    expect(readFileSync(join(root, 'dist/cli/main.js'), 'utf8').split('\n', 1)[0]).toBe(readFileSync(join(repoRoot, 'src/cli/main.ts'), 'utf8').split('\n', 1)[0]);
  });
});
