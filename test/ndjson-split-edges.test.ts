import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels } from '../src/kernels/index.js';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import type { SplitExtent } from '../src/registry/stage.js';
import { testStageContext } from '../src/testing/context.js';
import { fileWith } from './csv-helpers.js';
import { plan, readBothWays } from './csv-split-helpers.js';

function maker(options: Record<string, unknown>, splitBytes: number | undefined, chunkSize?: number) {
  return () => {
    const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', ...options }));
    source.splitBytes = splitBytes;
    if (chunkSize !== undefined) source.chunkSize = chunkSize;
    return source;
  };
}

/** `count` lines of 20 bytes, a blank line after every 4th; record `bad` (0-based) holds `value` for `id`. */
function lines(bad: number, value: string, count = 40): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    text += `{"id":${i === bad ? value : String(1000 + i)},"s":"ab"}\n`;
    if (i % 4 === 3) text += '\r\n';
  }
  return text;
}

describe('ndjson splits: edges', () => {
  for (const [name, kernels] of [
    ['js', jsKernels],
    ['native', selectKernels('native')],
  ] as const) {
    it(`an error in a later split names the same file:line:column as stream(), ${name} parser`, async () => {
      const text = lines(22, '"x"');
      expect(Math.floor(text.indexOf('"x"') / 64)).toBe(7);
      const dir = await fileWith(text, 'in.ndjson');
      const both = await readBothWays(maker({ schema: { id: 'int64', s: 'utf8' } }, 64, 16), dir, { kernels });
      // Record 22 is physical line 23 + 5 blank lines before it.
      expect(both.stream).toEqual({ error: expect.stringContaining('in.ndjson:28:7: key "id": expected an integer for an int64 column, found the string "x"') });
      expect(both.splits).toEqual(both.stream);
    });

    it(`an inferred schema's sample size reaches a split read by a stage that never planned, ${name} parser`, async () => {
      // Record 1100 is line 1101 + 275 blank lines; the sample is the first 1000 lines.
      const text = lines(1100, '1.5', 1200);
      const dir = await fileWith(text, 'in.ndjson');
      const both = await readBothWays(maker({}, 4096), dir, { kernels });
      expect(both.read).toBeUndefined(); // it failed
      expect(both.stream).toEqual({ error: expect.stringContaining('in.ndjson:1376:7:') });
      expect((both.stream as { error: string }).error).toContain('the first 1000 non-blank lines');
      expect(both.splits).toEqual(both.stream);
    });

    it(`invalid UTF-8 in a later split names the line, ${name} parser`, async () => {
      const text = Buffer.concat([Buffer.from(lines(-1, '')), Buffer.from('{"id":7,"s":"\xff"}\n', 'latin1')]);
      const dir = await fileWith(text, 'in.ndjson');
      const both = await readBothWays(maker({ schema: { id: 'int64', s: 'utf8' } }, 100), dir, { kernels });
      expect(both.stream).toEqual({ error: 'in.ndjson:51:14: invalid UTF-8' });
      expect(both.splits).toEqual(both.stream);
    });
  }

  it('the byte order mark is skipped in split 0 only, and every split starts at a line start', async () => {
    const text = '\uFEFF{"a":1}\n{"a":2}\n\uFEFF{"a":3}\n';
    const dir = await fileWith(text, 'in.ndjson');
    const both = await readBothWays(maker({ schema: { a: 'int64' } }, 3), dir);
    expect(both.stream).toEqual({ error: expect.stringContaining('in.ndjson:3:1:') });
    expect(both.splits).toEqual(both.stream);
    const ok = await readBothWays(maker({ schema: { a: 'int64' } }, 3), await fileWith('\uFEFF{"a":1}\n{"a":2}\n{"a":3}', 'in.ndjson'));
    expect(ok.splits).toEqual({ rows: [{ a: 1n }, { a: 2n }, { a: 3n }] });
    // Bytes 0–2 are the mark: line 1 ends at 11, line 2 at 19; a split owns the lines starting in
    // its 3 bytes (the last two splits' 5 bytes are cut into 2, 1 and 2).
    expect(ok.read!.extents.map((e) => [e.start, e.end])).toEqual([
      [0, 11],
      [11, 11],
      [11, 11],
      [11, 19],
      [19, 19],
      [19, 19],
      [19, 26],
      [26, 26],
      [26, 26],
      [26, 26],
    ]);
  });

  it('a file smaller than one split, an empty file, a file without a trailing line break', async () => {
    const small = await readBothWays(maker({}, undefined), await fileWith('{"a":1}\n{"a":2}\n', 'in.ndjson'));
    expect(small.read!.extents).toEqual([{ start: 0, end: 16, lines: 2, firstLine: 1 }]);
    expect(small.splits).toEqual({ rows: [{ a: 1n }, { a: 2n }] });
    const empty = await readBothWays(maker({ schema: { a: 'int64' } }, 4), await fileWith('', 'in.ndjson'));
    expect(empty.read!.splits).toBe(1);
    expect(empty.splits).toEqual({ rows: [] });
    const text = '{"a":1}\r\n\n{"a":2}\n{"a":3}';
    for (const split of [1, 2, 5, 9, 100]) {
      const both = await readBothWays(maker({}, split, 3), await fileWith(text, 'in.ndjson'));
      expect(both.splits).toEqual({ rows: [{ a: 1n }, { a: 2n }, { a: 3n }] });
      expect(both.read!.extents.at(-1)!.end).toBe(text.length);
      expect(both.bytesRead).toEqual({ stream: text.length, splits: text.length });
    }
  });

  it('continueSplit carries the first line; an exact split without it counts lines from the start of the file', async () => {
    const dir = await fileWith(lines(22, '"x"'), 'in.ndjson');
    const stage = maker({ schema: { id: 'int64', s: 'utf8' } }, 64)();
    const ctx = testStageContext({ schema: await plan(stage, dir), baseDir: dir });
    const splits = await stage.splits(ctx);
    const withLine: SplitExtent = { start: 0, end: 448, lines: 25, firstLine: 1 };
    expect(stage.continueSplit(splits[7]!, withLine)).toMatchObject({ start: 448, firstLine: 26, exact: true });
    const exact = stage.continueSplit(splits[7]!, { start: 0, end: 448 });
    const read = async () => {
      for await (const _ of stage.streamSplit(exact, ctx));
    };
    await expect(read()).rejects.toThrow('in.ndjson:28:7: key "id": expected an integer');
  });
});
