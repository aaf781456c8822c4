import { describe, expect, it } from 'vitest';
import { nativeCsvParser } from '../src/kernels/parse-csv.js';

const CsvParser = nativeCsvParser('native')!;

describe('native CsvParser: bad arguments are TypeErrors and RangeErrors naming the argument', () => {
  it('rejects an unknown type and a delimiter the grammar uses', () => {
    expect(() => new CsvParser('int64,decimal', 44)).toThrow(TypeError);
    expect(() => new CsvParser('int64,decimal', 44)).toThrow(/types must list .*\(got "decimal"\)/);
    expect(() => new CsvParser('int64', 34)).toThrow(RangeError);
    expect(() => new CsvParser('int64', 34)).toThrow(/^delimiter must be/);
  });

  it('rejects wrong typed arrays, short buffers and aliasing without writing anything', () => {
    const parser = new CsvParser('int64,float64', 44);
    const input = Buffer.from('1,2\n');
    const ids = new BigInt64Array(4);
    const ok = [ids, new Float64Array(4)];
    const validity = [new Uint8Array(1).fill(255), new Uint8Array(1).fill(255)];
    expect(() => parser.parse('1,2' as never, 0, 3, true, 1, ok, validity, 0, 4)).toThrow(/^input must be a Uint8Array/);
    expect(() => parser.parse(input, 0, 9, true, 1, ok, validity, 0, 4)).toThrow(RangeError);
    expect(() => parser.parse(input, 0, 4, true, 1, [new Float64Array(4), new Float64Array(4)], validity, 0, 4)).toThrow(/^columns\[0\] must be a BigInt64Array/);
    expect(() => parser.parse(input, 0, 4, true, 1, ok, validity, 2, 4)).toThrow(/^columns\[0\] must have at least 6 elements/);
    const shared = new Float64Array(4);
    expect(() => parser.parse(input, 0, 4, true, 1, [new BigInt64Array(shared.buffer), shared], validity, 0, 4)).toThrow(/must not share memory/);
    expect(() => parser.parse(input, 0, 4, true, -1, ok, validity, 0, 4)).toThrow(/^line must be a non-negative integer/);
    expect(Array.from(ids)).toEqual([0n, 0n, 0n, 0n]);
    expect(parser.parse(input, 0, 4, true, 1, ok, validity, 0, 4)).toMatchObject({ end: 4, rows: 1, line: 2 });
    expect(ids[0]).toBe(1n);
  });
});

describe('native CsvParser: skipped columns', () => {
  it('takes buffers for the kept columns only, numbers errors by the field of the file, and indexes dictionaries by kept column', () => {
    const parser = new CsvParser('skip,utf8,skip,float64', 44);
    const input = Buffer.from('x,"b",not a number,1.5\ny,c,7,oops\n');
    const codes = new Int32Array(4);
    const values = new Float64Array(4);
    const validity = [new Uint8Array(1).fill(255), new Uint8Array(1).fill(255)];
    expect(() => parser.parse(input, 0, input.length, true, 1, [codes, values, new Int32Array(4), new Int32Array(4)], [...validity, new Uint8Array(1), new Uint8Array(1)], 0, 4)).toThrow(
      /^columns must have 2 entries \(got 4\)/,
    );
    const result = parser.parse(input, 0, input.length, true, 1, [codes, values], validity, 0, 4);
    // The unparseable third field is skipped; the bad fourth field of line 2 is field 4 of the file.
    expect(result).toMatchObject({ end: 23, rows: 1, line: 2, error: { kind: 'value', line: 2, column: 4, reason: 'syntax' } });
    expect([codes[0], values[0]]).toEqual([0, 1.5]);
    // "c" of the failed record was entered before its bad field was reached, as without skipping.
    expect(parser.dictionarySize(0)).toEqual([2, 2]);
    expect(parser.dictionarySize(1)).toEqual([0, 0]);
    expect(() => parser.dictionarySize(2)).toThrow(/^column must be below 2, the number of columns not skipped \(got 2\)/);
  });

  it('still checks the grammar of a skipped field', () => {
    const parser = new CsvParser('int64,skip', 44);
    const input = Buffer.from('1,"ok"\n2,"bad"x\n');
    const ids = new BigInt64Array(4);
    const result = parser.parse(input, 0, input.length, true, 1, [ids], [new Uint8Array(1).fill(255)], 0, 4);
    expect(result).toMatchObject({ rows: 1, line: 2, error: { kind: 'grammar', line: 2, column: 2 } });
  });
});
