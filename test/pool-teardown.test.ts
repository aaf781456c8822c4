import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/parallel/many-runs.mjs', import.meta.url));

describe('a process using worker pools', () => {
  it('performs 25 runs with threads: 2 on the native kernels, 5 CSV runs read through mapped windows, a failed and an aborted run, and exits by itself with code 0 and no signal', () => {
    const result = spawnSync(process.execPath, [script, '25'], { env: { ...process.env, SLUICE_KERNELS: 'native' }, encoding: 'utf8', timeout: 240_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('ok 25');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
  }, 250_000);
});
