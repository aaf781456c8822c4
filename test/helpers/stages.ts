import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { RecordBatch, type Schema } from '../../src/index.js';
import { NdjsonSource } from '../../src/stages/sources/ndjson.js';
import { Aggregate } from '../../src/stages/transforms/aggregate.js';
import { collectRows, streamOf, testPlanContext, testStageContext } from '../../src/testing/context.js';

/** Writes `text` to `dir`/in.ndjson, plans the ndjson source (no problems expected) and reads every row. */
export async function readNdjson(dir: string, text: string | Uint8Array, options: Record<string, unknown> = {}) {
  await writeFile(join(dir, 'in.ndjson'), text);
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', ...options }));
  const plan = testPlanContext({ baseDir: dir });
  const schema = await source.schema(plan);
  expect(plan.problems).toEqual([]);
  return { schema: schema.toJSON(), rows: await collectRows(source.stream(testStageContext({ schema, baseDir: dir }))) };
}

/** Runs aggregate over `rows` (cut into batches of `batchRows`) and returns the output rows. */
export async function runAggregate(s: Schema, rows: Record<string, unknown>[], options: unknown, batchRows = 3) {
  const stage = new Aggregate(Aggregate.options.parse(options));
  const plan = testPlanContext();
  const out = stage.outputSchema(s, plan);
  expect(plan.problems).toEqual([]);
  const all = RecordBatch.fromRows(s, rows as never);
  const batches = [];
  for (let start = 0; start < all.numRows; start += batchRows) batches.push(all.slice(start, start + batchRows));
  return collectRows(stage.transform(streamOf(batches), testStageContext({ schema: out })));
}
