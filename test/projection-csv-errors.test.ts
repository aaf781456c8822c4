import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, Pipeline, selectKernels, StageError } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-projection-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plugin = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;

const PARSERS = ['js', 'native'] as const;
const GOOD = ['1,cat_a,plain,10.5', '2,cat_b,plain,95.25', '3,cat_a,plain,91'];

/** A file whose 4th line (3rd record) has `note` and `id` as given; only category and value are used. */
function file(name: string, id: string, note: string | Buffer): string {
  const head = Buffer.from(`id,category,note,value\n${GOOD.slice(0, 2).join('\n')}\n${id},cat_b,`);
  const tail = Buffer.from(`,92\n${GOOD[2]}\n`);
  writeFileSync(join(dir, name), Buffer.concat([head, Buffer.from(note), tail]));
  return name;
}

/** value > 90 by category (the schema declared, so no sample is read before data flows): reads category and value only; `whole` puts a pass-through plugin first, so every column is read. */
async function run(path: string, implementation: (typeof PARSERS)[number], whole = false): Promise<unknown> {
  const transforms = [
    ...(whole ? [{ type: 'test_thread_probe', dir }] : []),
    { type: 'threshold_filter', column: 'value', op: 'gt', value: 90 },
    { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }] },
  ];
  const pipeline = await Pipeline.fromJob({ plugins: [plugin], threads: 0, source: { type: 'csv', path, schema: { id: 'int64', category: 'utf8', note: 'utf8', value: 'float64' } }, transforms }, { baseDir: dir });
  expect(pipeline.plan.projection?.columns ?? pipeline.plan.source.schema.names).toEqual(whole ? ['id', 'category', 'note', 'value'] : ['category', 'value']);
  try {
    return await pipeline.rows({ kernels: selectKernels(implementation) });
  } catch (error) {
    // The run names the stage around the source's DataError: keep the DataError.
    expect(error).toBeInstanceOf(StageError);
    expect((error as StageError).place).toBe('source');
    return (error as StageError).cause;
  }
}

describe('a projected csv source and the fields it does not use', () => {
  it('no longer fails on a value of the wrong type in an unused column, which fails the run when every column is read', async () => {
    const path = file('bad-id.csv', 'abc', 'plain');
    for (const parser of PARSERS) {
      expect(await run(path, parser)).toEqual([
        { category: 'cat_a', n: 1n },
        { category: 'cat_b', n: 2n },
      ]);
      const error = await run(path, parser, true);
      expect(error).toBeInstanceOf(DataError);
      expect((error as DataError).message).toBe('bad-id.csv:4:1: value "abc" in column "id" is not an int64');
    }
  });

  it('no longer fails on invalid UTF-8 in an unused text column', async () => {
    const path = file('bad-utf8.csv', '3', Buffer.from([0x61, 0xff, 0x62]));
    for (const parser of PARSERS) {
      expect(await run(path, parser)).toEqual([
        { category: 'cat_a', n: 1n },
        { category: 'cat_b', n: 2n },
      ]);
      expect(((await run(path, parser, true)) as DataError).message).toBe('bad-utf8.csv:4:3: the value in column "note" is not valid UTF-8');
    }
  });

  it('still fails on a grammar error in an unused field, at the same line and field with both parsers', async () => {
    const cases = [
      { name: 'after-quote.csv', note: '"quoted"x', at: 'after-quote.csv:4:3:' },
      { name: 'unterminated.csv', note: '"never closed', at: 'unterminated.csv:4:3:' },
    ];
    for (const { name, note, at } of cases) {
      const path = file(name, '3', note);
      const messages = [];
      for (const parser of PARSERS) {
        const projected = await run(path, parser);
        expect(projected).toBeInstanceOf(DataError);
        // The same error as when the field is read.
        expect((projected as DataError).message).toBe(((await run(path, parser, true)) as DataError).message);
        messages.push((projected as DataError).message);
      }
      expect(messages[0]).toMatch(new RegExp(`^${at.replaceAll('.', '\\.')}`));
      expect(messages[1]).toBe(messages[0]);
    }
  });

  it('still fails on a record with too few fields, though the missing one is unused', async () => {
    writeFileSync(join(dir, 'short.csv'), `id,category,note,value\n${GOOD[0]}\n2,cat_b,95\n`);
    for (const parser of PARSERS) {
      expect(((await run('short.csv', parser)) as DataError).message).toBe('short.csv:3: expected 4 fields, found 3');
    }
  });
});
