import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, Pipeline, RecordBatch, schema, selectKernels, type Kernels } from '../src/index.js';
import { Limit } from '../src/stages/transforms/limit.js';
import { Sort } from '../src/stages/transforms/sort.js';
import { collectRows, streamOf, testStageContext } from '../src/testing/context.js';

const s = schema({ f: 'float64', i: 'int32', t: 'utf8', b: 'int64', seq: 'int32' });

const row = fc.record({
  f: fc.constantFrom<number | null>(NaN, 0, -0, 1, -1, 2.5, Infinity, -Infinity, null),
  i: fc.option(fc.integer({ min: -2, max: 2 }), { nil: null }),
  t: fc.option(fc.constantFrom('', 'a', 'b', 'ab', 'é', 'Z'), { nil: null }),
  // Beyond ±2^53 some of the time, to take the comparator path.
  b: fc.option(fc.constantFrom(0n, 1n, -1n, 2n ** 53n + 1n, 2n ** 53n, -(2n ** 63n), 2n ** 63n - 1n), { nil: null }),
});
const key = fc.record({ column: fc.constantFrom('f', 'i', 't', 'b'), desc: fc.boolean() });

/** Runs sort (told of the limit when `absorb`) then limit over `rows` cut into batches of `batchRows`. */
async function sortLimit(rows: Record<string, unknown>[], by: unknown, n: number, batchRows: number, absorb: boolean, kernels: Kernels) {
  const sort = new Sort(Sort.options.parse({ by }));
  if (absorb) sort.absorbLimit(n);
  const limit = new Limit(Limit.options.parse({ n }));
  const all = RecordBatch.fromRows(s, rows as never);
  const batches = [];
  for (let start = 0; start < all.numRows; start += batchRows) batches.push(all.slice(start, start + batchRows));
  const ctx = testStageContext({ schema: s, batchSize: 4, kernels });
  return collectRows(limit.transform(sort.transform(streamOf(batches), ctx), ctx));
}

describe('sort + limit keeps only the best n rows (top-k), with exactly the output of a full sort', () => {
  for (const kernels of [jsKernels, selectKernels('auto')]) {
    it(`equals the full sort then limit on random batches [${kernels.implementation}]`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(row, { maxLength: 40 }), fc.array(key, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 45 }), fc.integer({ min: 1, max: 9 }), async (rows, by, n, batchRows) => {
          const numbered = rows.map((r, seq) => ({ ...r, seq }));
          const expected = await sortLimit(numbered, by, n, batchRows, false, kernels);
          const actual = await sortLimit(numbered, by, n, batchRows, true, kernels);
          expect(actual.map((r) => r.seq)).toEqual(expected.map((r) => r.seq));
          expect(actual.length).toBe(Math.min(n, rows.length));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('holds at most n rows: with n = 0 it never pulls its input', async () => {
    const sort = new Sort(Sort.options.parse({ by: [{ column: 'f' }] }));
    sort.absorbLimit(0);
    let pulled = false;
    async function* input() {
      pulled = true;
      yield RecordBatch.fromRows(s, [{ f: 1, i: 1, t: 'a', b: 1n, seq: 0 }] as never);
    }
    expect(await collectRows(sort.transform(input(), testStageContext({ schema: s })))).toEqual([]);
    expect(pulled).toBe(false);
  });

  it('is told of the limit by the planner, and the limit stays in the plan', async () => {
    const job = {
      source: { type: 'synthetic', rows: 5000, seed: 7 },
      transforms: [{ type: 'sort', by: [{ column: 'value', desc: true }, { column: 'user_id' }] }, { type: 'limit', n: 3 }],
    };
    const pipeline = await Pipeline.fromJob(job);
    const told = pipeline.plan.transforms[0]!.stage as unknown as { keep?: number };
    expect(told.keep).toBe(3);
    expect(pipeline.plan.transforms.map((t) => t.cls.type)).toEqual(['sort', 'limit']);
    // Not told when another stage stands between them.
    const apart = await Pipeline.fromJob({ source: job.source, transforms: [job.transforms[0]!, { type: 'threshold_filter', column: 'value', op: 'gt', value: 0 }, job.transforms[1]!] });
    expect((apart.plan.transforms[0]!.stage as unknown as { keep?: number }).keep).toBeUndefined();
    const full = await Pipeline.fromJob({ source: job.source, transforms: [job.transforms[0]!] });
    const top = await pipeline.rows();
    const all = await full.rows();
    expect(top).toHaveLength(3);
    expect(top).toEqual(all.slice(0, 3));
  });
});
