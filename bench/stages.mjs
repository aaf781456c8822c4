// Stages in process (tinybench): 1M synthetic rows, seed 42, through the main job's stages with
// native and TypeScript kernels. The reference is the synthetic source alone, so each ratio says
// what a stage adds on top of producing the data.
// Usage: npm run bench -- --suite stages [--rows N]
import { Bench } from 'tinybench';
import { Pipeline, selectKernels, jsKernels } from '../dist/index.js';
import { printRows, tinybenchRows, writeResult } from './lib/tiny.mjs';

const rowsArg = process.argv.indexOf('--rows');
const rows = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
const source = { type: 'synthetic', rows, seed: 42 };
const filter = { type: 'threshold_filter', column: 'value', op: 'gt', value: 90 };
const aggregate = {
  type: 'aggregate',
  group_by: ['category'],
  aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }, { fn: 'mean', column: 'value', as: 'mean' }, { fn: 'min', column: 'value', as: 'min' }, { fn: 'max', column: 'value', as: 'max' }],
};
const groupByUser = { type: 'aggregate', group_by: ['user_id'], aggregates: [{ fn: 'sum', column: 'value', as: 'total' }] };
const native = selectKernels('auto');

const pipelines = {
  'synthetic source': [],
  'source → threshold_filter': [filter],
  'source → threshold_filter → aggregate(category)': [filter, aggregate],
  'source → aggregate(user_id) → sort → limit 10': [groupByUser, { type: 'sort', by: [{ column: 'total', desc: true }, { column: 'user_id' }] }, { type: 'limit', n: 10 }],
};
const bench = new Bench({ iterations: 5, warmupIterations: 1, time: 0 });
const meta = {};
for (const [label, transforms] of Object.entries(pipelines)) {
  const pipeline = await Pipeline.fromJob({ source, transforms });
  const kernelSets = transforms.length === 0 ? [native] : [native, jsKernels];
  for (const kernels of kernelSets) {
    const name = transforms.length === 0 ? label : `${label} [${kernels.implementation}]`;
    meta[name] = { group: `${rows.toLocaleString('en-US')} rows`, impl: kernels.implementation };
    bench.add(name, async () => {
      // Drained, not collected: collecting would add a copy of the output to every row.
      for await (const batch of pipeline.batches({ kernels })) void batch;
    });
  }
}
await bench.run();
const result = writeResult('stages', `Whole pipelines in process over ${rows.toLocaleString('en-US')} synthetic rows (seed 42), tinybench median of 5 after 1 warm-up; native vs TypeScript kernels.`, 'synthetic source', tinybenchRows(bench, 'synthetic source', (n) => meta[n]));
printRows(result.rows);
