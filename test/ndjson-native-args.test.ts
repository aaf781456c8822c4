import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeNdjsonParser } from '../src/kernels/parse-ndjson.js';
import { sluice } from './helpers/cli.js';

const NdjsonParser = nativeNdjsonParser('native')!;

describe('native NdjsonParser: bad arguments are TypeErrors and RangeErrors naming the argument', () => {
  it('rejects unknown types, a names/types mismatch and non-string names', () => {
    expect(() => new NdjsonParser(['a', 'b'], 'int64,decimal', true, null)).toThrow(TypeError);
    expect(() => new NdjsonParser(['a', 'b'], 'int64,decimal', true, null)).toThrow(/types must list .*\(got "decimal"\)/);
    expect(() => new NdjsonParser(['a'], 'int64,utf8', true, null)).toThrow(RangeError);
    expect(() => new NdjsonParser([1] as never, 'int64', true, null)).toThrow(/^names\[0\] must be a string/);
    expect(() => new NdjsonParser(['a'], 'int64', 'yes' as never, null)).toThrow(/^declared must be a boolean/);
    expect(() => new NdjsonParser(['a'], 'int64', false, -1)).toThrow(RangeError);
  });

  it('rejects wrong typed arrays, short buffers, bad ranges and aliasing without writing anything', () => {
    const parser = new NdjsonParser(['id', 'v'], 'timestamp,float64', true, null);
    const input = Buffer.from('{"id":1,"v":2}\n');
    const ids = new BigInt64Array(4);
    const ok = [ids, new Float64Array(4)];
    const validity = [new Uint8Array(1).fill(255), new Uint8Array(1).fill(255)];
    const n = input.length;
    expect(() => parser.parse('{}' as never, 0, 2, true, 1, ok, validity, 0, 4)).toThrow(/^input must be a Uint8Array/);
    expect(() => parser.parse(input, 0, n + 1, true, 1, ok, validity, 0, 4)).toThrow(RangeError);
    expect(() => parser.parse(input, 3, 2, true, 1, ok, validity, 0, 4)).toThrow(/^start and end must satisfy/);
    expect(() => parser.parse(input, 0, n, true, 1, [new Float64Array(4), new Float64Array(4)], validity, 0, 4)).toThrow(/^columns\[0\] must be a BigInt64Array/);
    expect(() => parser.parse(input, 0, n, true, 1, ok, validity, 2, 4)).toThrow(/^columns\[0\] must have at least 6 elements/);
    expect(() => parser.parse(input, 0, n, true, 1, ok, [validity[0]!], 0, 4)).toThrow(/^validity must have one bitmap per column/);
    const shared = new Float64Array(4);
    expect(() => parser.parse(input, 0, n, true, 1, [new BigInt64Array(shared.buffer), shared], validity, 0, 4)).toThrow(/must not share memory/);
    expect(() => parser.parse(input, 0, n, true, 0, ok, validity, 0, 4)).toThrow(/^line must be an integer >= 1/);
    expect(() => parser.parse(input, 0, n, 1 as never, 1, ok, validity, 0, 4)).toThrow(/^eof must be a boolean/);
    expect(() => parser.dictionarySize(2)).toThrow(RangeError);
    expect(Array.from(ids)).toEqual([0n, 0n, 0n, 0n]);
    expect(parser.parse(input, 0, n, true, 1, ok, validity, 0, 4)).toMatchObject({ end: n, rows: 1, line: 2 });
    expect(ids[0]).toBe(1n);
  });

  it('parses a byte range of a buffer from a given line, and reports data errors as values', () => {
    const parser = new NdjsonParser(['a'], 'int64', false, 2);
    const input = Buffer.from('junk{"a":5}\n\n{"a":"x"}\n');
    const values = new BigInt64Array(4);
    const validity = [new Uint8Array(1).fill(255)];
    const result = parser.parse(input, 4, input.length, true, 40, [values], validity, 0, 4);
    expect(result).toMatchObject({ end: 13, rows: 1, line: 42 });
    expect(result.error).toEqual({
      line: 42,
      column: 6,
      detail: 'key "a": expected an integer for an int64 column, found the string "x"; the schema was inferred from the first 2 non-blank lines; declare `schema` in the source options to choose the column types',
    });
    expect(values[0]).toBe(5n);
  });
});

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('the run summary of an ndjson source', () => {
  it('names the parser that ran: native by default, js when forced', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-ndjson-impl-'));
    writeFileSync(join(dir, 'd.ndjson'), '{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n');
    writeFileSync(join(dir, 'job.yaml'), 'source: { type: ndjson, path: d.ndjson }\nsink: { type: json_file, path: o.json }\n');
    const native = sluice(['run', join(dir, 'job.yaml'), '--json'], { env: {} });
    const js = sluice(['run', join(dir, 'job.yaml'), '--json'], { env: { SLUICE_KERNELS: 'js' } });
    expect(native.status).toBe(0);
    expect(js.status).toBe(0);
    const sourceOf = (stdout: string) => JSON.parse(stdout).stages.find((s: { place: string }) => s.place === 'source');
    expect(sourceOf(native.stdout).implementation).toBe('native');
    expect(sourceOf(js.stdout).implementation).toBe('js');
  });
});
