import { Pipeline, selectKernels } from '../../dist/index.js';
const p = await Pipeline.fromJob({ source: { type: 'csv', path: new URL('../../bench/data/events-10000000.csv', import.meta.url).pathname } });
const k = selectKernels(process.env.K === 'js' ? 'js' : 'native');
const t = performance.now(); let n = 0;
for await (const b of p.batches({ kernels: k })) n += b.numRows;
console.log(n, performance.now() - t);
