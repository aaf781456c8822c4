// A batch in which a utf8 column is null in every row still has codes in range of its dictionary
// (null rows hold code 0, so the dictionary gets one entry, as the batch builder gives it): before,
// the csv source gave an empty dictionary and a utf8 filter on the column failed with
// "codes[0] (0) must index the dictionary of 0 entries", on both kernel sets.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsKernels, Pipeline, selectKernels } from '../src/index.js';
import { tempDir } from './csv-helpers.js';

const kernelSets = [
  ['native', selectKernels('native')],
  ['js', jsKernels],
] as const;

const files = {
  csv: 'a,c\n1,\n2,\n3,x\n',
  ndjson: '{"a":1,"c":null}\n{"a":2}\n{"a":3,"c":"x"}\n',
};

describe.each(Object.keys(files) as (keyof typeof files)[])('%s source, a utf8 column null in a whole batch', (format) => {
  it.each(kernelSets)('keeps codes in range and filters and groups it (%s kernels)', async (_, kernels) => {
    const dir = await tempDir();
    const path = join(dir, `data.${format}`);
    await writeFile(path, files[format]);
    const source = { type: format, path, schema: { a: 'int64', c: 'utf8' } };
    const job = { threads: 0, batch_size: 2, source };

    const batches = [];
    for await (const batch of (await Pipeline.fromJob(job)).batches({ kernels })) batches.push(batch);
    expect(batches.map((b) => b.numRows)).toEqual([2, 1]);
    for (const batch of batches) {
      const column = batch.columns[1]!;
      if (column.layout !== 'dictionary') throw new Error(`c is ${column.layout}`);
      const entries = column.dictionary.offsets.length - 1;
      for (const code of column.codes) expect(code).toBeLessThan(entries);
    }

    const filtered = await Pipeline.fromJob({ ...job, transforms: [{ type: 'threshold_filter', column: 'c', op: 'ne', value: 'y' }] });
    expect(await filtered.rows({ kernels })).toEqual([{ a: 3n, c: 'x' }]);
    const grouped = await Pipeline.fromJob({ ...job, transforms: [{ type: 'aggregate', group_by: ['c'], aggregates: [{ fn: 'count', as: 'n' }] }] });
    expect(await grouped.rows({ kernels })).toEqual([
      { c: 'x', n: 1n },
      { c: null, n: 2n },
    ]);
  });
});
