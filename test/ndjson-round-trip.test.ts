import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Pipeline } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ROWS = 25_000;

async function writeSynthetic(): Promise<Record<string, unknown>[]> {
  const synthetic = { type: 'synthetic', rows: ROWS, seed: 7, batch_size: 4096 };
  await (await Pipeline.fromJob({ source: synthetic, sink: { type: 'json_file', path: 'events.ndjson', format: 'ndjson' } }, { baseDir: dir })).run();
  return (await Pipeline.fromJob({ source: synthetic }, { baseDir: dir })).rows();
}

it('synthetic → json_file (ndjson) → ndjson gives the same rows, ts inferred as int64', async () => {
  const expected = await writeSynthetic();
  const pipeline = await Pipeline.fromJob({ source: { type: 'ndjson', path: 'events.ndjson' } }, { baseDir: dir });
  expect(pipeline.schema.toJSON()).toEqual({ id: 'int64', ts: 'int64', user_id: 'int64', category: 'utf8', value: 'float64' });
  const rows = await pipeline.rows();
  expect(rows).toEqual(expected.map((r) => ({ ...r, ts: BigInt(r.ts as number), user_id: BigInt(r.user_id as number) })));
});

it('with the synthetic schema declared, the rows are identical', async () => {
  const expected = await writeSynthetic();
  const schema = { id: 'int64', ts: 'timestamp', user_id: 'int32', category: 'utf8', value: 'float64' };
  const pipeline = await Pipeline.fromJob({ batch_size: 1000, source: { type: 'ndjson', path: 'events.ndjson', schema } }, { baseDir: dir });
  expect(await pipeline.rows()).toEqual(expected);
});

it('ndjson → json_file (ndjson) writes the same bytes back', async () => {
  await writeSynthetic();
  const schema = { id: 'int64', ts: 'timestamp', user_id: 'int32', category: 'utf8', value: 'float64' };
  await (
    await Pipeline.fromJob({ source: { type: 'ndjson', path: 'events.ndjson', schema }, sink: { type: 'json_file', path: 'again.ndjson', format: 'ndjson' } }, { baseDir: dir })
  ).run();
  expect(await readFile(join(dir, 'again.ndjson'), 'utf8')).toBe(await readFile(join(dir, 'events.ndjson'), 'utf8'));
});
