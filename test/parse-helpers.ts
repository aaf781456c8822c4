/** Helpers for the native-parser twin tests: read one file with both implementations. */
import { expect } from 'vitest';
import { jsKernels, selectKernels, type Kernels } from '../src/kernels/index.js';
import { nativeCsvParser } from '../src/kernels/parse-csv.js';
import type { Column, RecordBatch } from '../src/index.js';
import { testPlanContext, testStageContext } from '../src/testing/context.js';
import { csvSource, fileWith, type ReadOptions } from './csv-helpers.js';

export const nativeKernels = selectKernels('native');
// Without the parser in the addon the "native" run would silently be the TypeScript one.
expect(nativeCsvParser(nativeKernels.implementation)).not.toBeNull();

function bytesOf(view: ArrayBufferView | null): string | null {
  return view === null ? null : Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex');
}

/** A column as bytes, so that NaN, -0 and the buffers' exact contents all count. */
function plain(column: Column): unknown {
  if (column.layout === 'dictionary') {
    return { layout: column.layout, codes: bytesOf(column.codes), validity: bytesOf(column.validity), offsets: bytesOf(column.dictionary.offsets), bytes: bytesOf(column.dictionary.bytes) };
  }
  if (column.layout === 'utf8') return { layout: column.layout, offsets: bytesOf(column.offsets), bytes: bytesOf(column.bytes), validity: bytesOf(column.validity) };
  return { layout: column.layout, values: bytesOf(column.values), validity: bytesOf(column.validity) };
}

export type Outcome = Array<{ rows: number; columns: unknown[] } | { error: string; message: string }>;

/** Every batch (as bytes) and the error that ended the stream, if any. */
export async function outcome(dir: string, options: ReadOptions, kernels: Kernels): Promise<Outcome | 'plan failed'> {
  const plan = testPlanContext({ baseDir: dir });
  const schema = await csvSource(options).schema(plan);
  if (plan.problems.length > 0) return 'plan failed';
  const ctx = testStageContext({ schema, baseDir: dir, batchSize: options.batchSize ?? 65_536, kernels });
  const out: Outcome = [];
  try {
    for await (const batch of csvSource(options).stream(ctx) as AsyncIterable<RecordBatch>) out.push({ rows: batch.numRows, columns: batch.columns.map(plain) });
  } catch (error) {
    out.push({ error: (error as Error).name, message: (error as Error).message });
  }
  return out;
}

/** Reads `content` with both parsers and expects the same batches and the same error. */
export async function expectTwins(content: string | Uint8Array, options: ReadOptions = {}): Promise<Outcome | 'plan failed'> {
  const dir = await fileWith(content);
  const js = await outcome(dir, options, jsKernels);
  const native = await outcome(dir, options, nativeKernels);
  expect(native).toEqual(js);
  return native;
}
