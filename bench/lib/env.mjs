// What every committed benchmark result records about where and when it was measured.
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

function tryRun(command) {
  try {
    return execSync(command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function benchEnvironment() {
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    rustc: tryRun('rustc --version'),
    commit: tryRun('git rev-parse --short HEAD'),
    // Changes not committed, outside bench/results and bench/RESULTS.md (what a run writes): the
    // code measured is then HEAD plus them, not HEAD.
    uncommitted: (tryRun('git status --porcelain') ?? '').split('\n').filter((line) => line.trim() !== '' && !/ bench\/(results\/|RESULTS\.md)/.test(line)).length,
  };
}
