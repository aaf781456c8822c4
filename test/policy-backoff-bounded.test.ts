import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExponentialBackoff } from 'cockatiel';
import { BatchTransform, DEFAULT_POLICY, RecordBatch, schema, z, type StagePolicy } from '../src/index.js';
import { boundedJitter, executorFor, processBatchWithPolicy } from '../src/flow/policy.js';
import { testStageContext } from '../src/testing/context.js';

const s = schema({ id: 'int64' });

class AlwaysFails extends BatchTransform<Record<string, never>> {
  static readonly type = 'test_always_fails';
  static readonly description = 'fails every attempt';
  static readonly options = z.strictObject({});
  calls = 0;
  processBatch(): RecordBatch {
    this.calls++;
    throw new Error('down');
  }
}

afterEach(() => vi.useRealTimers());

describe('retry backoff', () => {
  it('over 5000 successive delays is never NaN, never below 1 ms and never above max_delay_ms', () => {
    const backoff = new ExponentialBackoff({ generator: boundedJitter, initialDelay: 100, maxDelay: 10_000 }).next();
    let delay = backoff;
    const seen: number[] = [];
    for (let i = 0; i < 5000; i++) {
      seen.push(delay.duration);
      delay = delay.next(undefined as never);
    }
    const retries = seen.slice(1); // the first entry is the backoff's start, not a delay
    expect(retries.every((d) => Number.isFinite(d) && d >= 1 && d <= 10_000)).toBe(true);
    // Late delays sit at the cap: the raw formula's overflow to Infinity became the maximum, not NaN.
    expect(retries.slice(-100).every((d) => d === 10_000)).toBe(true);
  });

  it('drives thousands of real retries under fake timers with every delay in [1, max] and the unit attempted each time', async () => {
    vi.useFakeTimers();
    const attempts = 2000;
    const policy: StagePolicy = { ...DEFAULT_POLICY, onError: 'skip', retry: { attempts, initialDelayMs: 1, maxDelayMs: 50 } };
    const stage = new AlwaysFails({});
    const delays: number[] = [];
    executorFor(stage, policy).retry!.onRetry((event) => delays.push(event.delay));
    const batch = RecordBatch.fromRows(s, [{ id: 1n }, { id: 2n }]);
    const pending = processBatchWithPolicy(stage, batch, testStageContext({ schema: s }), policy, { row: 0 });
    await vi.advanceTimersByTimeAsync(attempts * 50 + 1000);
    const outcome = await pending;
    expect(stage.calls).toBe(attempts);
    expect(outcome).toMatchObject({ output: null, rowsIn: 2, rowsSkipped: 2, retries: attempts - 1 });
    expect(delays).toHaveLength(attempts - 1);
    expect(delays.filter((d) => !(d >= 1 && d <= 50))).toEqual([]);
    expect(delays.filter((d) => d === 50).length).toBeGreaterThan(attempts / 2);
  });
});
