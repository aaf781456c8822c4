// One `sluice run` as a fresh process, timed three ways: the process's wall time, its CPU (GNU time:
// all its threads; on a shared machine wall time also measures the neighbours), and the run's own
// wall time (`wallMs` of the --json summary: from "run started", so without Node's start and the
// imports). Shared by bench/threads.mjs and profiles/csv-mapped/ab.mjs.
import { spawnSync } from 'node:child_process';
import { cliNodeFlags } from './snapshot.mjs';

/** `env` is added to this process's environment; the kernels are native unless it says otherwise. */
export function timedRun({ cli, job, threads, cwd, env = {} }) {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, ...cliNodeFlags(cli), cli, 'run', job, '--set', `threads=${threads}`, '--json', '--log-level', 'error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, SLUICE_KERNELS: 'native', ...env },
  });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`${job} threads ${threads}: exit ${result.status}\n${result.stderr}`);
  const [, user, system] = /cpu ([\d.]+) ([\d.]+)/.exec(result.stderr) ?? [];
  return { wallMs, cpuMs: (Number(user) + Number(system)) * 1000, runMs: JSON.parse(result.stdout).wallMs };
}
