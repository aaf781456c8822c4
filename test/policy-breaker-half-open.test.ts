import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchTransform, DEFAULT_POLICY, RecordBatch, schema, z, type StagePolicy } from '../src/index.js';
import { processBatchWithPolicy, stageBreakerState } from '../src/flow/policy.js';
import { testStageContext } from '../src/testing/context.js';

const s = schema({ id: 'int64' });

/** Fails while `failing`; when healthy, each call waits for `release` so concurrent calls overlap. */
class Switchable extends BatchTransform<Record<string, never>> {
  static readonly type = 'test_switchable';
  static readonly description = 'fails until switched';
  static readonly options = z.strictObject({});
  failing = true;
  calls = 0;
  private waiting: (() => void)[] = [];
  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
  async processBatch(batch: RecordBatch): Promise<RecordBatch> {
    this.calls++;
    if (this.failing) throw new Error('down');
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return batch;
  }
}

afterEach(() => vi.useRealTimers());

describe('circuit breaker', () => {
  it('opens after failure_threshold failures, refuses units while open, then half-open lets exactly one probe through and closes on its success', async () => {
    vi.useFakeTimers();
    const policy: StagePolicy = { ...DEFAULT_POLICY, onError: 'skip', circuitBreaker: { failureThreshold: 3, halfOpenAfterMs: 1000 } };
    const stage = new Switchable({});
    const ctx = testStageContext({ schema: s });
    const batch = RecordBatch.fromRows(s, [{ id: 1n }]);
    const run = () => processBatchWithPolicy(stage, batch, ctx, policy, { row: 0 });

    for (let i = 0; i < 3; i++) expect((await run()).rowsSkipped).toBe(1);
    expect(stage.calls).toBe(3);
    expect(stageBreakerState(stage)).toBe('open');

    // Open: units are refused without calling the stage.
    expect((await run()).rowsSkipped).toBe(1);
    expect(stage.calls).toBe(3);

    await vi.advanceTimersByTimeAsync(1000);
    stage.failing = false;
    const concurrent = [run(), run(), run(), run(), run()];
    await vi.advanceTimersByTimeAsync(0);
    expect(stage.calls).toBe(4); // exactly one probe reached the stage; the other four wait for its verdict
    expect(stageBreakerState(stage)).toBe('half_open');
    stage.release();
    await vi.advanceTimersByTimeAsync(0);
    // The probe succeeded: the breaker closed and the waiting units went through.
    expect(stageBreakerState(stage)).toBe('closed');
    expect(stage.calls).toBe(8);
    stage.release();
    const outcomes = await Promise.all(concurrent);
    expect(outcomes.every((o) => o.output?.numRows === 1 && o.rowsSkipped === 0)).toBe(true);
  });

  it('re-opens when the half-open probe fails, and the units that waited on the probe are refused', async () => {
    vi.useFakeTimers();
    const policy: StagePolicy = { ...DEFAULT_POLICY, onError: 'skip', circuitBreaker: { failureThreshold: 1, halfOpenAfterMs: 500 } };
    const stage = new Switchable({});
    const ctx = testStageContext({ schema: s });
    const batch = RecordBatch.fromRows(s, [{ id: 1n }]);
    const run = () => processBatchWithPolicy(stage, batch, ctx, policy, { row: 0 });
    await run();
    expect(stageBreakerState(stage)).toBe('open');
    await vi.advanceTimersByTimeAsync(500);
    const outcomes = await Promise.all([run(), run(), run()]);
    expect(stage.calls).toBe(2); // the first failure, then exactly one probe
    expect(outcomes.every((o) => o.rowsSkipped === 1)).toBe(true);
    expect(stageBreakerState(stage)).toBe('open');
  });
});
