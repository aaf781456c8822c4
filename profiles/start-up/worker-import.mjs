// How long a bare worker thread takes to import one module (7 workers in turn): total from
// \`new Worker\` to its answer, and the import alone. Usage: node profiles/start-up/worker-import.mjs <module path or specifier>
import { Worker } from 'node:worker_threads';
const target = process.argv[2];
const code = `const t0 = performance.now(); import(${JSON.stringify(target)}).then(() => { require('node:worker_threads').parentPort.postMessage(performance.now() - t0); });`;
const res = [];
for (let i = 0; i < 7; i++) {
  const s = performance.now();
  const w = new Worker(code, { eval: true });
  const imp = await new Promise((r) => w.once('message', r));
  res.push([Math.round(performance.now() - s), Math.round(imp)]);
  await w.terminate();
}
console.log(target.split('/').pop(), 'total/import ms', res.map((r) => r.join('/')).join(' '));
