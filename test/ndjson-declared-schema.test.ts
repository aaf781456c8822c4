import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { NdjsonSource } from '../src/stages/sources/ndjson.js';
import { testPlanContext } from '../src/testing/context.js';
import { readNdjson } from './helpers/stages.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (text: string | Uint8Array, options: Record<string, unknown> = {}) => readNdjson(dir, text, options);
import { Pipeline } from '../src/index.js';

it('reads the declared columns, in the declared order, with the declared types', async () => {
  const schema = { t: 'timestamp', n: 'int32', id: 'int64', v: 'float64', ok: 'bool', name: 'utf8' };
  const { schema: got, rows } = await read('{"id":1,"n":-5,"v":2,"ok":true,"name":"x","t":1767225600123}\n', { schema });
  expect(got).toEqual(schema);
  expect(Object.keys(rows[0]!)).toEqual(['t', 'n', 'id', 'v', 'ok', 'name']);
  expect(rows).toEqual([{ t: 1767225600123, n: -5, id: 1n, v: 2, ok: true, name: 'x' }]);
});

it('ignores keys the declared schema does not list, whatever their values', async () => {
  const { rows } = await read('{"extra":{"deep":[1,{"x":null}]},"a":1,"more":"s","n":99999999999999999999999}\n{"a":2}\n', { schema: { a: 'int64' } });
  expect(rows).toEqual([{ a: 1n }, { a: 2n }]);
});

it('still checks that ignored values are valid JSON', async () => {
  const error = await read('{"a":1,"extra":[1,}\n', { schema: { a: 'int64' } }).catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'DataError', line: 1, column: 19 });
});

it('accepts int32 and timestamp values written as integral numbers', async () => {
  const { rows } = await read('{"n":2147483647,"t":-1}\n{"n":-2147483648,"t":1.5e3}\n{"n":7.0,"t":0}\n', { schema: { n: 'int32', t: 'timestamp' } });
  expect(rows).toEqual([
    { n: 2147483647, t: -1 },
    { n: -2147483648, t: 1500 },
    { n: 7, t: 0 },
  ]);
});

it('does not read the file at plan time, but reports a missing file and an empty schema', async () => {
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'absent.ndjson', schema: {} }));
  const plan = testPlanContext({ baseDir: dir });
  await source.schema(plan);
  expect(plan.problems).toEqual([
    'schema: declares no columns; list at least one, or leave schema out to infer it',
    'path: cannot read absent.ndjson: no such file',
  ]);
});

it('rejects an unknown type name in the job, naming the place', async () => {
  const failure = await Pipeline.fromJob({ source: { type: 'ndjson', path: 'in.ndjson', schema: { a: 'integer' } } }, { baseDir: dir }).catch((e: unknown) => e);
  expect(String(failure)).toContain('source.schema.a');
});
