import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RecordBatch, schema } from '../src/index.js';
import { CsvFileSink } from '../src/stages/sinks/csv-file.js';
import { streamOf, testPlanContext, testStageContext } from '../src/testing/context.js';
import { readDir, rowsOf, tempDir, writeCsv } from './csv-helpers.js';

describe('csv_file sink', () => {
  it('writes a header, LF line ends, nulls as empty fields and empty strings as ""', async () => {
    const s = schema({ id: 'int64', name: 'utf8', score: 'float64', ok: 'bool', ts: 'timestamp', n: 'int32' });
    const batch = rowsOf(s, [
      { id: 1n, name: 'plain', score: 1.5, ok: true, ts: 1767225600000, n: -3 },
      { id: null, name: '', score: null, ok: false, ts: null, n: null },
      { id: -9223372036854775808n, name: null, score: NaN, ok: null, ts: -1, n: 2147483647 },
    ]);
    const { text, output } = await writeCsv(s, [batch]);
    expect(text).toBe(['id,name,score,ok,ts,n', '1,plain,1.5,true,1767225600000,-3', ',"",,false,,', '-9223372036854775808,,NaN,,-1,2147483647', ''].join('\n'));
    expect(output).toMatch(/data\.csv$/);
  });

  it('quotes fields holding the delimiter, quotes, CR or LF, doubling the quotes', async () => {
    const s = schema({ a: 'utf8', b: 'utf8' });
    const { text } = await writeCsv(s, [rowsOf(s, [{ a: 'x,y', b: 'say "hi"' }, { a: 'two\nlines', b: 'cr\rhere' }, { a: ' spaced ', b: "it's" }])]);
    expect(text).toBe('a,b\n"x,y","say ""hi"""\n"two\nlines","cr\rhere"\n spaced ,it\'s\n');
  });

  it('writes ±Infinity and NaN by name, and negative zero as -0', async () => {
    const s = schema({ v: 'float64' });
    const { text } = await writeCsv(s, [rowsOf(s, [{ v: Infinity }, { v: -Infinity }, { v: NaN }, { v: -0 }, { v: 0 }, { v: 1e21 }, { v: 5e-324 }])]);
    expect(text).toBe('v\nInfinity\n-Infinity\nNaN\n-0\n0\n1e+21\n5e-324\n');
  });

  it('writes int64 values beyond 2^53 exactly', async () => {
    const s = schema({ v: 'int64' });
    const values = [9223372036854775807n, 9007199254740993n, -9007199254740993n, -1n, 4294967296n, -4294967296n];
    const { text } = await writeCsv(s, [rowsOf(s, values.map((v) => ({ v })))]);
    expect(text).toBe(`v\n${values.join('\n')}\n`);
  });

  it('in a one-column table a null is an empty line, and reads back as null', async () => {
    const s = schema({ v: 'utf8' });
    const { text, dir } = await writeCsv(s, [rowsOf(s, [{ v: 'a' }, { v: null }, { v: '' }, { v: null }])]);
    expect(text).toBe('v\na\n\n""\n\n');
    const { rows } = await readDir(dir, { schema: { v: 'utf8' } });
    expect(rows).toEqual([{ v: 'a' }, { v: null }, { v: '' }, { v: null }]);
  });

  it('quotes header names that need it', async () => {
    const s = schema({ 'a,b': 'int64', 'c"d': 'int64' });
    const { text } = await writeCsv(s, [RecordBatch.empty(s)]);
    expect(text).toBe('"a,b","c""d"\n');
  });

  it('quotes a first column name starting with U+FEFF so it is not read as a byte order mark', async () => {
    const s = schema({ '\uFEFFid': 'int64', b: 'utf8' });
    const { text, dir } = await writeCsv(s, [rowsOf(s, [{ '\uFEFFid': 1n, b: '\uFEFFx' }])]);
    expect(text).toBe('"\uFEFFid",b\n1,\uFEFFx\n');
    expect((await readDir(dir, { schema: { b: 'utf8' } })).schema.names).toEqual(['\uFEFFid', 'b']);
  });

  it('writes int32 and float64 extremes digit by digit', async () => {
    const s = schema({ i: 'int32', f: 'float64' });
    const rows = [
      { i: -2147483648, f: 9007199254740991 },
      { i: 2147483647, f: -9007199254740991 },
      { i: 1000000000, f: 1000000000 },
      { i: -1000000001, f: 123456789012.5 },
      { i: 0, f: 9007199254740992 },
    ];
    const { text } = await writeCsv(s, [rowsOf(s, rows)]);
    expect(text).toBe(`i,f\n${rows.map((r) => `${r.i},${r.f}`).join('\n')}\n`);
  });

  it('writes dictionary columns and several batches', async () => {
    const s = schema({ c: 'utf8' });
    const { text } = await writeCsv(s, [rowsOf(s, [{ c: 'x' }, { c: 'y,z' }]), RecordBatch.empty(s), rowsOf(s, [{ c: 'y,z' }])]);
    expect(text).toBe('c\nx\n"y,z"\n"y,z"\n');
  });

  it('uses another delimiter when asked', async () => {
    const s = schema({ a: 'utf8', b: 'float64' });
    const { text, dir } = await writeCsv(s, [rowsOf(s, [{ a: 'x;y', b: 1.5 }, { a: 'p,q', b: 2 }])], { delimiter: ';' });
    expect(text).toBe('a;b\n"x;y";1.5\np,q;2\n');
    expect((await readDir(dir, { delimiter: ';' })).rows).toEqual([
      { a: 'x;y', b: 1.5 },
      { a: 'p,q', b: 2 },
    ]);
  });

  it('rejects a table with no columns before data flows', () => {
    const plan = testPlanContext();
    new CsvFileSink(CsvFileSink.options.parse({ path: 'x.csv' })).checkInput(schema({}), plan);
    expect(plan.problems).toEqual([': cannot write a table with no columns to CSV']);
  });

  it('leaves no file behind when the input fails', async () => {
    const dir = await tempDir();
    const s = schema({ v: 'int64' });
    const sink = new CsvFileSink(CsvFileSink.options.parse({ path: 'out.csv' }));
    async function* failing() {
      yield rowsOf(s, [{ v: 1n }]);
      throw new Error('upstream failed');
    }
    await expect(sink.consume(failing(), testStageContext({ schema: s, baseDir: dir }))).rejects.toThrow('upstream failed');
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes the header alone for no rows', async () => {
    const s = schema({ a: 'int64', b: 'utf8' });
    const dir = await tempDir();
    const sink = new CsvFileSink(CsvFileSink.options.parse({ path: 'data.csv' }));
    await sink.consume(streamOf([]), testStageContext({ schema: s, baseDir: dir }));
    expect((await readDir(dir, { schema: { a: 'int64', b: 'utf8' } })).rows).toEqual([]);
  });
});
