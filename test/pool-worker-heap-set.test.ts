import { afterEach, describe, expect, it, vi } from 'vitest';

const setFlagsFromString = vi.fn();
vi.mock('node:v8', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:v8')>()), setFlagsFromString }));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('a worker pool starting in a process that set no initial heap', () => {
  it('sets the initial old space once, before its first workers start', async () => {
    vi.stubEnv('NODE_OPTIONS', '');
    const { WorkerPool, workerHeapFlag } = await import('../src/runtime/pool.js');
    // Under vitest the flag may come from the runner's own command line: then the pool leaves it.
    const expected = workerHeapFlag(process.execArgv, '');
    const first = new WorkerPool({ threads: 1 });
    const second = new WorkerPool({ threads: 1 });
    try {
      if (expected === undefined) expect(setFlagsFromString).not.toHaveBeenCalled();
      else expect(setFlagsFromString.mock.calls).toEqual([[expected]]);
      // The flag is in effect for the workers: they answer.
      await expect(first.run({ kind: 'noop' })).resolves.toBeNull();
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
