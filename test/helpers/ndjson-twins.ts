/** Reads one NDJSON file with the native and the TypeScript parser and compares what they give. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Column, RecordBatch } from '../../src/index.js';
import { jsKernels, selectKernels, type Kernels } from '../../src/kernels/index.js';
import { nativeNdjsonParser } from '../../src/kernels/parse-ndjson.js';
import { NdjsonSource } from '../../src/stages/sources/ndjson.js';
import { testPlanContext, testStageContext } from '../../src/testing/context.js';

export const nativeKernels = selectKernels('native');
// Without the parser in the addon the "native" run would silently be the TypeScript one.
expect(nativeNdjsonParser(nativeKernels.implementation)).not.toBeNull();

export interface NdjsonReadOptions {
  schema?: Record<string, string>;
  batchSize?: number;
  chunkSize?: number;
}

function hex(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex');
}

/** Validity as the rows' bits only (bits past the last row mean nothing), null when all valid. */
function bits(validity: Uint8Array | null, rows: number): string | null {
  if (validity === null) return null;
  let out = '';
  for (let i = 0; i < rows; i++) out += validity[i >>> 3]! & (1 << (i & 7)) ? '1' : '0';
  return out.includes('0') ? out : null;
}

/** A column as bytes, so that NaN, -0, codes and dictionaries all count exactly. */
function plain(column: Column, rows: number): unknown {
  if (column.layout === 'dictionary') {
    return { layout: column.layout, codes: hex(column.codes), validity: bits(column.validity, rows), offsets: hex(column.dictionary.offsets), bytes: hex(column.dictionary.bytes) };
  }
  if (column.layout === 'utf8') return { layout: column.layout, offsets: hex(column.offsets), bytes: hex(column.bytes), validity: bits(column.validity, rows) };
  return { layout: column.layout, values: hex(column.values), validity: bits(column.validity, rows) };
}

export type Outcome = Array<{ rows: number; columns: unknown[] } | { error: string; message: string }> | { planProblems: string[] };

/** Every batch (as bytes) and the error that ended the stream, if any. */
export async function outcome(dir: string, options: NdjsonReadOptions, kernels: Kernels): Promise<Outcome> {
  const source = new NdjsonSource(NdjsonSource.options.parse({ path: 'in.ndjson', ...(options.schema ? { schema: options.schema } : {}) }));
  if (options.chunkSize !== undefined) source.chunkSize = options.chunkSize;
  const plan = testPlanContext({ baseDir: dir });
  const schema = await source.schema(plan);
  if (plan.problems.length > 0) return { planProblems: plan.problems };
  const ctx = testStageContext({ schema, baseDir: dir, batchSize: options.batchSize ?? 65_536, kernels });
  const out: Exclude<Outcome, { planProblems: string[] }> = [];
  try {
    for await (const batch of source.stream(ctx) as AsyncIterable<RecordBatch>) out.push({ rows: batch.numRows, columns: batch.columns.map((c) => plain(c, batch.numRows)) });
  } catch (error) {
    out.push({ error: (error as Error).name, message: (error as Error).message });
  }
  return out;
}

/** Reads `content` with both parsers and expects the same batches and the same error. */
export async function expectNdjsonTwins(content: string | Uint8Array, options: NdjsonReadOptions = {}): Promise<Outcome> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-ndjson-twin-'));
  await writeFile(join(dir, 'in.ndjson'), content);
  const js = await outcome(dir, options, jsKernels);
  const native = await outcome(dir, options, nativeKernels);
  expect(native).toEqual(js);
  return native;
}
