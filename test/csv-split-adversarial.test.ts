import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels } from '../src/kernels/index.js';
import { CsvSource } from '../src/stages/sources/csv.js';
import { testStageContext } from '../src/testing/context.js';
import { fileWith } from './csv-helpers.js';
import { plan, readBothWays } from './csv-split-helpers.js';

/**
 * Notes that are quoted fields of many lines, each line CSV-looking text of the same width
 * (`7,fake`): a split whose range begins inside one guesses a start there, and reads those lines
 * as valid records, without any error. Only the verification can tell.
 */
function adversarial(rows: number): { text: string; expected: { id: bigint; note: string }[] } {
  const expected: { id: bigint; note: string }[] = [];
  let text = 'id,note\n';
  for (let i = 0; i < rows; i++) {
    const lines = Array.from({ length: 1 + (i % 9) }, (_, j) => `${1000 + j},fake ${i}.${j}${j % 3 === 2 ? ' "q"' : ''}`);
    const note = lines.join(i % 2 === 0 ? '\n' : '\r\n');
    expected.push({ id: BigInt(i), note });
    text += `${i},"${note.replaceAll('"', '""')}"\n`;
  }
  return { text, expected };
}

describe('csv splits: a file whose quoting defeats the guess still reads right', () => {
  for (const [name, kernels] of [
    ['js', jsKernels],
    ['native', selectKernels('native')],
  ] as const) {
    it(`guesses inside quoted fields are caught and re-read, ${name} parser`, async () => {
      const { text, expected } = adversarial(300);
      const dir = await fileWith(text);
      const make = () => {
        const source = new CsvSource(CsvSource.options.parse({ path: 'data.csv', schema: { id: 'int64', note: 'utf8' } }));
        source.splitBytes = 97;
        source.chunkSize = 61;
        return source;
      };
      const both = await readBothWays(make, dir, { batchSize: 7, kernels });
      expect(both.read!.splits).toBeGreaterThan(100);
      expect(both.read!.wrongGuesses).toBeGreaterThan(10);
      expect(both.splits).toEqual({ rows: expected });
      expect(both.stream).toEqual({ rows: expected });
    });
  }

  it('a guess inside a quoted field that reads on without error is still detected (its start is not the true one)', async () => {
    // Split 1's range begins inside the note of row 0, whose lines look like records.
    const text = 'id,note\n0,"1,a\n2,b\n3,c\n4,d"\n5,e\n';
    const dir = await fileWith(text);
    const make = () => {
      const source = new CsvSource(CsvSource.options.parse({ path: 'data.csv' }));
      source.splitBytes = 12;
      return source;
    };
    const both = await readBothWays(make, dir);
    expect(both.read!.wrongGuesses).toBeGreaterThan(0);
    expect(both.read!.failedGuesses).toBe(0);
    expect(both.splits).toEqual({ rows: [{ id: 0n, note: '1,a\n2,b\n3,c\n4,d' }, { id: 5n, note: 'e' }] });
  });

  it('a guess that opens a quote nothing closes gives up a bounded distance past its split, and is re-read', async () => {
    // Row 5000's note is "a" and a line break: its closing quote starts a line. A guess there
    // opens a quote that only the end of the file (2.8 MB on) would close.
    let text = 'id,note\n';
    const pad = 'n'.repeat(50);
    for (let i = 0; i < 5000; i++) text += `${i},${pad}${i}\n`;
    text += '5000,"a\n"\n';
    const quoteLine = text.length - 2;
    for (let i = 5001; i < 50_000; i++) text += `${i},${pad}${i}\n`;
    const dir = await fileWith(text);
    const make = () => {
      const source = new CsvSource(CsvSource.options.parse({ path: 'data.csv' }));
      source.splitBytes = quoteLine - 2; // split 1 begins inside "a", so it guesses the quote's line
      return source;
    };
    const stage = make();
    const ctx = testStageContext({ schema: await plan(stage, dir), baseDir: dir });
    const split1 = (await stage.splits(ctx))[1]!;
    const read = async () => {
      for await (const _ of stage.streamSplit(split1, ctx));
    };
    await expect(read()).rejects.toMatchObject({ name: 'GuessAbandoned' });
    const both = await readBothWays(make, dir);
    expect(both.read!.failedGuesses).toBeGreaterThanOrEqual(1);
    expect(both.splits).toEqual(both.stream);
    expect((both.splits as { rows: unknown[] }).rows).toHaveLength(50_000);
  });
});
