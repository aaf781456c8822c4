import { describe, expect, it } from 'vitest';
import { DataError } from '../src/index.js';
import { planProblems, readError } from './csv-helpers.js';

// Every column declared: nothing is sampled, so the errors are met while the data streams.
const AB = { a: 'utf8', b: 'utf8' };
const ALL5 = { a: 'int64', b: 'int64', c: 'int64', d: 'int64', e: 'int64' };

describe('csv field count', () => {
  it('a short row is a DataError naming its line', async () => {
    const lines = ['a,b,c,d,e'];
    for (let i = 0; i < 15; i++) lines.push('1,2,3,4,5');
    lines.push('1,2,3,4');
    const error = await readError(`${lines.join('\n')}\n`, { schema: ALL5 });
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('data.csv:17: expected 5 fields, found 4');
    expect((error as DataError).line).toBe(17);
    expect((error as DataError).column).toBeUndefined();
  });

  it('a long row too', async () => {
    expect((await readError('a,b\n1,2,3\n', { schema: AB })).message).toBe('data.csv:2: expected 2 fields, found 3');
  });

  it('a bad row inside the inference sample is reported before data flows', async () => {
    expect(await planProblems('a,b\n1,2\n3\n')).toEqual(['path: data.csv:3: expected 2 fields, found 1']);
  });

  it('lines are physical: a quoted field spanning lines moves the count on', async () => {
    const error = await readError('a,b\n"x\ny\nz",1\n2\n', { schema: AB });
    expect(error.message).toBe('data.csv:5: expected 2 fields, found 1');
  });

  it('a bad record spanning lines is reported at its first line', async () => {
    const error = await readError('a,b\n1,2\n"x\ny",1,2\n', { schema: AB });
    expect(error.message).toBe('data.csv:3: expected 2 fields, found 3');
  });

  it('the first error in the file wins, whatever its kind or column', async () => {
    // A value error on line 3 (column 2) comes before a field count error on line 4 and a value error on line 5 (column 1).
    const error = await readError('a,b\n1,2\n3,x\n4\nzz,5\n', { schema: { a: 'int64', b: 'int64' } });
    expect(error.message).toBe('data.csv:3:2: value "x" in column "b" is not an int64');
  });

  it('a value in a field after a multi-line field is reported on its own physical line', async () => {
    const error = await readError('a,b\n"x\ny",oops\n', { schema: { a: 'utf8', b: 'int64' } });
    expect(error.message).toBe('data.csv:3:2: value "oops" in column "b" is not an int64');
  });
});
