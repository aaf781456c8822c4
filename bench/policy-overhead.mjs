// The resilience layer's cost when nothing fails (tinybench, in process, threads: 0): the main job
// (synthetic → threshold_filter value > 90 → aggregate by category) at 1M rows with the default
// policy (the reference), with a policy that never fires (timeout: 60000, retry: 3 attempts: every
// batch goes through cockatiel's executor; and each alone), and one 64K-row batch through threshold_filter called
// directly vs through processBatchWithPolicy with the default and with a non-default policy.
// Usage: npm run bench -- --suite policy-overhead   (needs dist/: npx tsc -p .)
import { Bench } from 'tinybench';
// tsc's modules one by one, not the bundled package entry: this bench also needs modules the entry
// does not export, and they must be the same module instances (scripts/bundle.mjs).
import { DEFAULT_POLICY } from '../dist/flow/outcome.js';
import { processBatchWithPolicy } from '../dist/flow/policy.js';
import { selectKernels } from '../dist/kernels/index.js';
import { Pipeline } from '../dist/runtime/pipeline.js';
import { testStageContext } from '../dist/testing/context.js';
import { printRows, tinybenchRows, writeResult } from './lib/tiny.mjs';

const rows = Number(process.argv.find((a) => a.startsWith('--rows='))?.slice(7) ?? 1_000_000);
const job = (policy) => ({
  threads: 0,
  source: { type: 'synthetic', rows, seed: 42 },
  transforms: [
    { type: 'threshold_filter', column: 'value', op: 'gt', value: 90, ...policy },
    { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }, { fn: 'mean', column: 'value', as: 'mean' }] },
  ],
});
const plain = await Pipeline.fromJob(job({}));
const guarded = await Pipeline.fromJob(job({ timeout: 60_000, retry: { attempts: 3 } }));
const retried = await Pipeline.fromJob(job({ retry: { attempts: 3 } }));
const timed = await Pipeline.fromJob(job({ timeout: 60_000 }));
const batch = (await (await Pipeline.fromJob({ threads: 0, source: { type: 'synthetic', rows: 65_536, seed: 42 } })).collect()).batch;
const filter = plain.plan.transforms[0];
const ctx = testStageContext({ schema: filter.schema, kernels: selectKernels() });
const nonDefault = { ...DEFAULT_POLICY, timeoutMs: 60_000, retry: { attempts: 3, initialDelayMs: 100, maxDelayMs: 10_000 } };

const bench = new Bench({ time: 3000, warmupTime: 500 });
bench
  .add('main job, default policy', async () => void (await plain.collect()))
  .add('main job, timeout + retry that never fire', async () => void (await guarded.collect()))
  .add('main job, retry only', async () => void (await retried.collect()))
  .add('main job, timeout only', async () => void (await timed.collect()))
  .add('64K batch: processBatch direct', async () => void (await filter.stage.processBatch(batch, ctx)))
  .add('64K batch: processBatchWithPolicy, default policy', async () => void (await processBatchWithPolicy(filter.stage, batch, ctx, DEFAULT_POLICY, { row: 0 })))
  .add('64K batch: processBatchWithPolicy, timeout + retry', async () => void (await processBatchWithPolicy(filter.stage, batch, ctx, nonDefault, { row: 0 })));
await bench.run();

const main = tinybenchRows(bench, 'main job, default policy', (name) => ({ group: name.startsWith('main') ? `main job ${rows} rows` : '64K batch' }));
// The batch rows are compared with the direct call, their own reference.
const direct = main.find((r) => r.name === '64K batch: processBatch direct').medianMs;
const result = main.map((r) => (r.group === '64K batch' ? { ...r, ratioToReference: r.medianMs / direct } : r));
printRows(result);
writeResult('policy-overhead', 'The resilience layer when nothing fails: the main job with the default policy vs a timeout + retry that never fire; one 64K batch through threshold_filter directly vs through processBatchWithPolicy. Batch rows are relative to the direct call.', 'main job, default policy', result);
