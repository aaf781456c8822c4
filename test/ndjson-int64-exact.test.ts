import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readNdjson } from './helpers/stages.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (text: string | Uint8Array, options: Record<string, unknown> = {}) => readNdjson(dir, text, options);

const INT64_MIN = '-9223372036854775808';
const INT64_MAX = '9223372036854775807';

it('reads integers beyond 2^53 and the int64 limits exactly', async () => {
  const values = ['9007199254740993', '-9007199254740993', '9007199254740992', INT64_MIN, INT64_MAX, '1234567890123456789', '0', '-0'];
  const { schema, rows } = await read(values.map((v) => `{"id":${v}}`).join('\n'));
  expect(schema).toEqual({ id: 'int64' });
  expect(rows.map((r) => r.id)).toEqual(values.map((v) => BigInt(v)));
});

it('reads them exactly in a declared int64 or timestamp column', async () => {
  const { rows } = await read(`{"id":9007199254740993,"t":${INT64_MAX}}\n{"id":${INT64_MIN},"t":1}\n`, { schema: { id: 'int64', t: 'int64' } });
  expect(rows).toEqual([
    { id: 9007199254740993n, t: BigInt(INT64_MAX) },
    { id: BigInt(INT64_MIN), t: 1n },
  ]);
});

it('infers float64 for integers outside int64 rather than wrapping them', async () => {
  const { schema, rows } = await read('{"v":9223372036854775808}\n');
  expect(schema).toEqual({ v: 'float64' });
  expect(rows).toEqual([{ v: 9223372036854775808 }]);
});

it.each([
  ['9223372036854775808', 'is outside the int64 range'],
  ['-9223372036854775809', 'is outside the int64 range'],
  ['9007199254740993.0', 'expected an integer for an int64 column, found the number 9007199254740993.0'],
  ['1e19', 'expected an integer for an int64 column, found the number 1e19'],
  ['0.5', 'expected an integer for an int64 column, found the number 0.5'],
])('rejects %s in a declared int64 column rather than round it', async (value, message) => {
  const error = await read(`{"id":${value}}\n`, { schema: { id: 'int64' } }).catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'DataError', line: 1, column: 7 });
  expect(String(error)).toContain(message);
});

it('accepts integral numbers written with a fraction or exponent when a double holds them exactly', async () => {
  const { rows } = await read('{"id":12.0}\n{"id":1.5e3}\n{"id":-9007199254740991.0}\n', { schema: { id: 'int64' } });
  expect(rows.map((r) => r.id)).toEqual([12n, 1500n, -9007199254740991n]);
});
