import { describe, expect, it } from 'vitest';
import { WORKER_INITIAL_OLD_SPACE_MB, workerHeapFlag } from '../src/runtime/pool.js';

describe("the workers' initial old space", () => {
  it('is set for the workers when the process did not choose one', () => {
    const flag = `--initial-old-space-size=${WORKER_INITIAL_OLD_SPACE_MB}`;
    expect(workerHeapFlag([], undefined)).toBe(flag);
    expect(workerHeapFlag(['--expose-gc', '--max-old-space-size=4096'], '--enable-source-maps')).toBe(flag);
    // A flag that only starts like it is a different one.
    expect(workerHeapFlag(['--initial-old-space-size-x=1'], '')).toBe(flag);
  });

  it("is left alone when the command line or NODE_OPTIONS set it, in either spelling", () => {
    expect(workerHeapFlag(['--initial-old-space-size=128'], undefined)).toBeUndefined();
    expect(workerHeapFlag(['--initial_old_space_size=32'], undefined)).toBeUndefined();
    expect(workerHeapFlag([], '--enable-source-maps  --initial-old-space-size=256')).toBeUndefined();
    // V8 applies the old-space flag after this one: setting it would cut a larger initial heap.
    expect(workerHeapFlag(['--initial-heap-size=512'], undefined)).toBeUndefined();
  });
});
