import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels } from '../src/kernels/index.js';
import { CsvSource } from '../src/stages/sources/csv.js';
import type { SplitExtent } from '../src/registry/stage.js';
import { testStageContext } from '../src/testing/context.js';
import { fileWith } from './csv-helpers.js';
import { plan, readBothWays } from './csv-split-helpers.js';

/** 40 records of 2 lines each (a quoted note with a line break); one bad value. */
/** Where record `r` starts: after the 9-byte header, 17 bytes per record (ids of 4 characters). */
const recordStart = (r: number) => 9 + 17 * r;

function withBadValue(badRecord: number, bad: string): string {
  let text = 'id,note\r\n';
  for (let i = 0; i < 40; i++) text += `${i === badRecord ? bad : String(1000 + i)},"note\n${String(i).padStart(3, '0')}"\r\n`;
  return text;
}

const SPLIT = 64;

function source(): CsvSource {
  const s = new CsvSource(CsvSource.options.parse({ path: 'data.csv', schema: { id: 'int64', note: 'utf8' } }));
  s.splitBytes = SPLIT;
  s.chunkSize = 16;
  return s;
}

describe('csv splits: errors name the same file:line:field as stream()', () => {
  for (const [name, kernels] of [
    ['js', jsKernels],
    ['native', selectKernels('native')],
  ] as const) {
    it(`a bad value in the 5th split, ${name} parser`, async () => {
      const text = withBadValue(15, 'x15x');
      expect(text.indexOf('x15x')).toBe(recordStart(15));
      expect(Math.floor(recordStart(15) / SPLIT)).toBe(4);
      const dir = await fileWith(text);
      const both = await readBothWays(source, dir, { kernels });
      expect(both.read).toBeUndefined(); // it failed
      // Line 2 + 2 × 15 = 32: physical lines, counting the breaks inside the quoted notes.
      expect(both.stream).toEqual({ error: 'data.csv:32:1: value "x15x" in column "id" is not an int64' });
      expect(both.splits).toEqual(both.stream);
    });

    it(`a grammar error (wrong field count) in a later split, ${name} parser`, async () => {
      const text = withBadValue(25, '1,2,');
      expect(Math.floor(recordStart(25) / SPLIT)).toBe(6);
      const dir = await fileWith(text);
      const both = await readBothWays(source, dir, { kernels });
      expect(both.stream).toEqual({ error: 'data.csv:52: expected 2 fields, found 4' });
      expect(both.splits).toEqual(both.stream);
    });
  }

  it('an exact split that does not know its first line counts it from the start of the file', async () => {
    const dir = await fileWith(withBadValue(15, 'x15x'));
    const schema = await plan(source(), dir);
    const ctx = testStageContext({ schema, baseDir: dir });
    const stage = source();
    const splits = await stage.splits(ctx);
    // The predecessor's extent as a runtime that lost the line numbers would pass it.
    const start = recordStart(15);
    const previous: SplitExtent = { start: recordStart(11), end: start };
    const exact = stage.continueSplit(splits[4]!, previous);
    expect(exact).toMatchObject({ index: 4, start, exact: true });
    expect(exact['firstLine']).toBeUndefined();
    const read = async () => {
      for await (const _ of stage.streamSplit(exact, ctx));
    };
    await expect(read()).rejects.toThrow('data.csv:32:1: value "x15x" in column "id" is not an int64');
  });
});
