import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import { collectRows, testPlanContext, testStageContext } from '../src/testing/context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const record = fc.record(
  {
    i: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    f: fc.double(),
    s: fc.string({ unit: 'binary' }),
    b: fc.boolean(),
    n: fc.option(fc.integer(), { nil: null }),
  },
  { requiredKeys: [] },
);

/** JSON text as a writer would produce it: bigints as digits, non-finite doubles as strings, -0 kept, random spacing. */
function line(row: Record<string, unknown>, space: string): string {
  const members = Object.entries(row).map(([k, v]) => {
    const value =
      typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? `"${v}"` : Object.is(v, -0) ? '-0' : JSON.stringify(v);
    return `${JSON.stringify(k)}${space}:${space}${value}`;
  });
  return `${space}{${space}${members.join(`${space},${space}`)}${space}}${space}`;
}

it('reads what JSON.parse would, with int64 exact, for any values, spacing and chunk size', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(record, { maxLength: 40 }), fc.constantFrom('', ' ', '\t', ' \r'), fc.integer({ min: 1, max: 300 }), async (rows, space, chunkSize) => {
      await writeFile(join(dir, 'in.ndjson'), rows.map((r) => line(r, space)).join('\n'));
      const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', schema: { i: 'int64', f: 'float64', s: 'utf8', b: 'bool', n: 'int64' } }));
      source.chunkSize = chunkSize;
      const schema = await source.schema(testPlanContext({ baseDir: dir }));
      const got = await collectRows(source.stream(testStageContext({ schema, baseDir: dir, batchSize: 7 })));
      const expected = rows.map((r) => ({
        i: r.i ?? null,
        f: r.f ?? null,
        s: r.s ?? null,
        b: r.b ?? null,
        n: r.n === undefined || r.n === null ? null : BigInt(r.n),
      }));
      expect(got).toEqual(expected);
    }),
    { numRuns: 150 },
  );
});
