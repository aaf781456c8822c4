import { describe, expect, it } from 'vitest';
import { jsKernels, selectKernels } from '../src/kernels/index.js';
import { CsvSource } from '../src/stages/sources/csv.js';
import { cutFile, SPLIT_BYTES } from '../src/stages/sources/csv/splits.js';
import { testStageContext } from '../src/testing/context.js';
import { fileWith } from './csv-helpers.js';
import { plan, readBothWays } from './csv-split-helpers.js';

function maker(options: Record<string, unknown>, splitBytes: number | undefined, chunkSize?: number) {
  return () => {
    const source = new CsvSource(CsvSource.options.parse({ path: 'data.csv', ...options }));
    source.splitBytes = splitBytes;
    if (chunkSize !== undefined) source.chunkSize = chunkSize;
    return source;
  };
}

describe('csv splits: edges', () => {
  it('the byte order mark and the header are read by split 0 only (a later line starting with the same bytes is data)', async () => {
    const text = '\uFEFFname,n\r\na,1\r\n\uFEFFname,2\r\nname,3\r\n';
    const dir = await fileWith(text);
    const both = await readBothWays(maker({}, 5), dir);
    expect(both.stream).toEqual({
      rows: [
        { name: 'a', n: 1n },
        { name: '\uFEFFname', n: 2n },
        { name: 'name', n: 3n },
      ],
    });
    expect(both.splits).toEqual(both.stream);
    expect(both.read!.extents[0]!.start).toBe(0);
  });

  it('a file smaller than one split is one split, read as stream() reads it', async () => {
    const dir = await fileWith('a,b\n1,2\n3,4\n');
    const both = await readBothWays(maker({}, undefined), dir);
    expect(both.read!.splits).toBe(1);
    expect(both.read!.extents).toEqual([{ start: 0, end: 12, lines: 3, firstLine: 1 }]);
    expect(both.splits).toEqual({ rows: [{ a: 1n, b: 2n }, { a: 3n, b: 4n }] });
    expect(SPLIT_BYTES).toBe(16 << 20);
  });

  it('an empty file (header: false, declared schema) is one empty split and zero rows', async () => {
    const dir = await fileWith('');
    const both = await readBothWays(maker({ header: false, schema: { a: 'int64' } }, 4), dir);
    expect(both.read!.splits).toBe(1);
    expect(both.read!.extents).toEqual([{ start: 0, end: 0, lines: 0, firstLine: 1 }]);
    expect(both.splits).toEqual({ rows: [] });
    expect(both.stream).toEqual({ rows: [] });
  });

  it('a file without a trailing line break: the last split reads its last record to the end', async () => {
    const text = 'a,b\n1,x\n2,y\n3,"z\nz"';
    const dir = await fileWith(text);
    for (const split of [1, 2, 3, 5, 8, 100]) {
      const both = await readBothWays(maker({}, split), dir);
      expect(both.splits).toEqual({ rows: [{ a: 1n, b: 'x' }, { a: 2n, b: 'y' }, { a: 3n, b: 'z\nz' }] });
      expect(both.read!.extents.at(-1)!.end).toBe(text.length);
    }
  });

  it('a record longer than several splits is read whole by the split it starts in; the splits it covers are empty', async () => {
    const long = 'x'.repeat(50);
    const dir = await fileWith(`a,b\n1,"${long}\n${long}"\n2,z\n`);
    const both = await readBothWays(maker({}, 16), dir);
    expect(both.splits).toEqual({ rows: [{ a: 1n, b: `${long}\n${long}` }, { a: 2n, b: 'z' }] });
    const extents = both.read!.extents;
    // Split 0 is bytes 0–15: the header and record 1 (bytes 4–109) start there; record 2 starts
    // in the last split (bytes 109–113, the last of the half and two quarters the tail is cut into).
    expect(extents).toHaveLength(9);
    expect(extents[0]).toEqual({ start: 0, end: 110, lines: 3, firstLine: 1 });
    expect(extents.slice(1, -1).every((e) => e.start === 110 && e.end === 110 && e.lines === 0)).toBe(true);
    expect(extents.at(-1)).toMatchObject({ start: 110, end: 114, lines: 1 });
  });

  it('empty lines before the first record (a one-column file without a header) are skipped in split 0 even when they fill several splits', async () => {
    const dir = await fileWith('\n\n\n\n\n\n\na\n\nb\n');
    const both = await readBothWays(maker({ header: false }, 2), dir);
    expect(both.stream).toEqual({ rows: [{ column_1: 'a' }, { column_1: null }, { column_1: 'b' }] });
    expect(both.splits).toEqual(both.stream);
  });

  for (const [name, kernels] of [
    ['js', jsKernels],
    ['native', selectKernels('native')],
  ] as const) {
    it(`a 3 MB file cut into 40 KB splits with the default window size gives the same rows, ${name} parser`, async () => {
      const lines = ['id,category,value,note'];
      for (let i = 0; i < 60_000; i++) {
        const note = i % 7 === 0 ? '' : i % 11 === 0 ? '"a, ""quoted""\nnote"' : `n${i % 300}`;
        lines.push(`${i},cat_${String(i % 50).padStart(2, '0')},${(i % 100_000) / 1000},${note}`);
      }
      const text = `${lines.join('\r\n')}\r\n`;
      const dir = await fileWith(text);
      const both = await readBothWays(maker({}, 40_000), dir, { kernels });
      expect(both.read!.splits).toBe(Math.ceil(Buffer.byteLength(text) / 40_000) + 1);
      expect(both.splits).toEqual(both.stream);
      expect((both.splits as { rows: unknown[] }).rows).toHaveLength(60_000);
      // A split that completes reports its nominal bytes (one read twice, twice; one that fails, what it passed).
      const read = both.read!;
      const size = Buffer.byteLength(text);
      const again = read.reread.reduce((sum, k) => sum + read.cut[k]!.bytes!, 0);
      expect(both.bytesRead.stream).toBe(size);
      if (read.failedGuesses === 0) expect(both.bytesRead.splits).toBe(size + again);
      expect(both.bytesRead.splits).toBeGreaterThanOrEqual(size);
      expect(both.bytesRead.splits).toBeLessThanOrEqual(size + again);
    });
  }

  it('the cut depends on the file size and the split size only, and splits are plain data', async () => {
    const dir = await fileWith('a\n'.repeat(50));
    const source = maker({}, 30)();
    const ctx = testStageContext({ schema: await plan(source, dir), baseDir: dir });
    const splits = await source.splits(ctx);
    // The last two splits' 40 bytes are cut again: a half and two quarters.
    expect(splits.map((s) => [s['start'], s['end'], s.bytes, s['exact']])).toEqual([
      [0, 30, 30, true],
      [30, 60, 30, false],
      [60, 80, 20, false],
      [80, 90, 10, false],
      [90, 100, 10, false],
    ]);
    expect(structuredClone(splits)).toEqual(splits);
    expect(await maker({}, 30)().splits(ctx)).toEqual(splits);
  });

  it('splits cover the file once, in order; from three splits on the last two are a half and two quarters, so workers end close together', () => {
    for (const bytes of [1, 3, 30, 1000, SPLIT_BYTES]) {
      const sizes = [0, 1, 2, 3, 4, 7, bytes - 1, bytes, bytes + 1, 2 * bytes, 2 * bytes + 1, 3 * bytes - 1, 3 * bytes, 25 * bytes - 7];
      // The canonical 10M-row CSV file: 23 splits of 16 MiB, then 14.2, 7.1 and 7.1 MiB.
      if (bytes === SPLIT_BYTES) sizes.push(415_660_095);
      for (const size of sizes) {
        const splits = cutFile('/data.csv', size, bytes);
        const count = Math.max(1, Math.ceil(size / bytes));
        expect(splits[0]).toMatchObject({ start: 0, exact: true, firstLine: 1 });
        expect(splits.at(-1)!.end).toBe(size);
        splits.forEach((split, i) => {
          expect(split.index).toBe(i);
          expect(split.bytes).toBe(split.end - split.start);
          if (i > 0) expect(split.start).toBe(splits[i - 1]!.end);
          if (size > 0) expect(split.bytes).toBeGreaterThan(0);
        });
        const tail = size - (count - 2) * bytes;
        if (count < 3 || tail < 4) {
          expect(splits.map((s) => s.bytes)).toEqual(Array.from({ length: count }, (_, i) => Math.min(size, (i + 1) * bytes) - i * bytes));
        } else {
          expect(splits).toHaveLength(count + 1);
          expect(splits.slice(0, -3).every((s) => s.bytes === bytes)).toBe(true);
          expect(splits.slice(-3).map((s) => s.bytes)).toEqual([Math.floor(tail / 2), Math.floor((3 * tail) / 4) - Math.floor(tail / 2), tail - Math.floor((3 * tail) / 4)]);
        }
      }
    }
  });
});
