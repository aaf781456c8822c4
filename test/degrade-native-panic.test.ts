import { describe, expect, it } from 'vitest';
import { checkAccounting, jsKernels, Pipeline, selectKernels, type JobSpec } from '../src/index.js';
import { configureLogger } from '../src/observe/logger.js';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { armKernelPanic } from './helpers/native-panic.js';

const job: JobSpec = {
  threads: 0,
  source: { type: 'synthetic', rows: 50_000, batch_size: 10_000, seed: 9 },
  transforms: [
    { type: 'threshold_filter', column: 'value', op: 'gt', value: 42.5 },
    { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }] },
  ],
};

describe('a native kernel that panics', () => {
  it('has that call redone on the TypeScript twin: output equal to the all-twin run, stage shown native+js, one warning per kernel', async () => {
    const lines: string[] = [];
    configureLogger(pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) })));
    const pipeline = await Pipeline.fromJob(job);
    const twin = await pipeline.collect({ kernels: jsKernels });

    // A real Rust panic (caught by #[napi(catch_unwind)]) in the 2nd and then the 4th compareF64 call.
    armKernelPanic('compareF64', 2);
    const { batch, summary } = await pipeline.collect({ kernels: selectKernels('native') });
    armKernelPanic('compareF64', 2);
    expect(batch.toRows()).toEqual(twin.batch.toRows());
    const filter = summary.stages[1]!;
    expect(filter).toMatchObject({ implementation: 'native+js', degradedToTwin: 1 });
    expect(checkAccounting(summary)).toEqual([]);
    expect(summary.degraded).toEqual(['transforms[0] (threshold_filter) redid 1 native kernel calls on the TypeScript twins']);

    // A second failure of the same kernel in another run of the same process is warned about in that run only once.
    const again = await pipeline.collect({ kernels: selectKernels('native') });
    armKernelPanic('compareF64', 0);
    expect(again.batch.toRows()).toEqual(twin.batch.toRows());
    const warnings = lines.map((l) => JSON.parse(l) as { msg: string; kernel?: string; error?: { message: string } }).filter((l) => l.kernel === 'compareF64');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]!.msg).toMatch(/^native kernel compareF64 failed; the call was redone on its TypeScript twin/);
    expect(warnings[0]!.error?.message).toBe('sluice test hook: kernel compareF64 panicked as armed');
  });

  it('without an armed panic runs native only', async () => {
    const pipeline = await Pipeline.fromJob(job);
    const { summary } = await pipeline.collect({ kernels: selectKernels('native') });
    expect(summary.stages[1]).toMatchObject({ implementation: 'native', degradedToTwin: 0 });
    expect(summary.degraded).toEqual([]);
  });
});
