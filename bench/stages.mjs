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

// sort then limit 10 over many rows: with the limit the sort keeps 10 rows (top-k); the full sort
// (same sort, the first 10 rows taken after it) is this group's reference.
const topkRowsArg = process.argv.indexOf('--topk-rows');
const topkRows = topkRowsArg > 0 ? Number(process.argv[topkRowsArg + 1]) : 10_000_000;
const topkSource = { type: 'synthetic', rows: topkRows, seed: 42 };
const sortBy = { type: 'sort', by: [{ column: 'value', desc: true }, { column: 'user_id' }] };
const fullSort = 'source → sort, first 10 rows (full sort)';
const topkBench = new Bench({ iterations: 3, warmupIterations: 1, time: 0 });
const topkMeta = {};
for (const [label, transforms] of [[fullSort, [sortBy]], ['source → sort → limit 10 (top-k)', [sortBy, { type: 'limit', n: 10 }]]]) {
  // threads 0: the pool's start-up (~0.5 s a run) would blur the kernels' difference.
  const pipeline = await Pipeline.fromJob({ threads: 0, source: topkSource, transforms });
  const name = `${label} [${native.implementation}]`;
  topkMeta[name] = { group: `${topkRows.toLocaleString('en-US')} rows, ratio to the full sort`, impl: native.implementation };
  topkBench.add(name, async () => {
    let seen = 0;
    for await (const batch of pipeline.batches({ kernels: native })) if ((seen += batch.numRows) >= 10) break;
  });
}
await topkBench.run();

const result = writeResult(
  'stages',
  `Whole pipelines in process over ${rows.toLocaleString('en-US')} synthetic rows (seed 42), tinybench median of 5 after 1 warm-up; native vs TypeScript kernels. Then sort + limit 10 over ${topkRows.toLocaleString('en-US')} rows, median of 3 after 1 warm-up, threads 0, against the full sort.`,
  'synthetic source',
  [...tinybenchRows(bench, 'synthetic source', (n) => meta[n]), ...tinybenchRows(topkBench, `${fullSort} [${native.implementation}]`, (n) => topkMeta[n])],
);
printRows(result.rows);
