import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Column, RecordBatch } from '../src/index.js';
import { jsKernels, type Kernels } from '../src/kernels/index.js';
import { forTransfer } from '../src/runtime/parallel/transfer.js';
import { NativeColumns } from '../src/stages/sources/native-columns.js';
import { testPlanContext, testStageContext } from '../src/testing/context.js';
import { csvSource, fileWith, type ReadOptions } from './csv-helpers.js';
import { nativeKernels, outcome } from './parse-helpers.js';

// Both CSV parsers fill columns allocated uninitialised (Buffer.allocUnsafeSlow): a slot left
// unwritten would hold whatever the memory held, and a batch would differ between runs and threads.
// Here that memory is poisoned, and every slot of every row read must still be the same bits.

const allocUnsafeSlow = Buffer.allocUnsafeSlow;
/** Makes every uninitialised allocation hold `byte`s; returns the spy. */
const poison = (byte: number) => vi.spyOn(Buffer, 'allocUnsafeSlow').mockImplementation((size) => allocUnsafeSlow(size).fill(byte));

afterEach(() => {
  vi.restoreAllMocks();
});

const schema = { i32: 'int32', i64: 'int64', ts: 'timestamp', f64: 'float64', flag: 'bool', cat: 'utf8' };
/**
 * Nulls in every column type, by every path of the parsers: plain records (the native one-pass
 * reader), `""` and quoted text (the general path), a record the one-pass reader gives up on after
 * a null (the doubled quote at its end), and a trailing delimiter; `rows` of them cycled.
 */
function table(rows: number): string {
  const shapes = [
    '1,2,3,4.5,true,cat_1',
    ',,,,,',
    '7,,9,,false,',
    '"","","","","",""',
    ',8,,0.25,,"quoted"',
    ',,,,,"x""y"',
    '-1,-2,-3,-4.5,FALSE,',
  ];
  const lines = ['i32,i64,ts,f64,flag,cat'];
  for (let r = 0; r < rows; r++) lines.push(shapes[r % shapes.length]!);
  return `${lines.join('\n')}\n`;
}

async function batches(dir: string, options: ReadOptions, kernels: Kernels): Promise<RecordBatch[]> {
  const plan = testPlanContext({ baseDir: dir });
  const planned = await csvSource(options).schema(plan);
  expect(plan.problems).toEqual([]);
  const ctx = testStageContext({ schema: planned, baseDir: dir, batchSize: options.batchSize ?? 65_536, kernels });
  const out: RecordBatch[] = [];
  for await (const batch of csvSource(options).stream(ctx) as AsyncIterable<RecordBatch>) out.push(batch);
  return out;
}

function valuesOf(column: Column): Int32Array | BigInt64Array | Float64Array | Uint8Array {
  if (column.layout === 'dictionary') return column.codes;
  if (column.layout === 'utf8') throw new Error('the csv source dictionary-encodes utf8');
  return column.values;
}

/** The rows of `batches` whose slot in some column is null but not all zero bytes. */
function nonZeroNulls(batches: RecordBatch[]): string[] {
  const bad: string[] = [];
  let nulls = 0;
  for (const batch of batches) {
    batch.columns.forEach((column, c) => {
      const values = valuesOf(column);
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      const width = values.BYTES_PER_ELEMENT;
      for (let r = 0; r < batch.numRows; r++) {
        if (column.validity === null || (column.validity[r >>> 3]! & (1 << (r & 7))) !== 0) continue;
        nulls++;
        if (bytes.subarray(r * width, (r + 1) * width).some((b) => b !== 0)) bad.push(`column ${c} row ${r}`);
      }
    });
  }
  expect(nulls).toBeGreaterThan(1000);
  return bad;
}

describe('csv columns allocated uninitialised', () => {
  for (const [name, kernels] of [['native', nativeKernels], ['TypeScript', jsKernels]] as const) {
    it(`the ${name} parser writes every slot of every row it reads, 0 under a null`, async () => {
      // 70,000 rows in batches of 100,000: the columns are first sized for 65,536 rows, then grown.
      const dir = await fileWith(table(70_000));
      for (const batchSize of [100_000, 4_096]) {
        const options = { schema, batchSize };
        poison(0);
        const zeroed = await outcome(dir, options, kernels);
        for (const byte of [0xa5, 0xff]) {
          const spy = poison(byte);
          expect(await outcome(dir, options, kernels)).toEqual(zeroed);
          expect(spy).toHaveBeenCalled();
          expect(nonZeroNulls(await batches(dir, options, kernels))).toEqual([]);
        }
      }
    });
  }

  it('both parsers give the same bytes from poisoned memory', async () => {
    const dir = await fileWith(table(10_000));
    poison(0x5a);
    expect(await outcome(dir, { schema }, nativeKernels)).toEqual(await outcome(dir, { schema }, jsKernels));
  });

  it('a full batch still crosses to a worker by transfer: each column owns its whole buffer', async () => {
    const dir = await fileWith(table(8_192));
    for (const kernels of [nativeKernels, jsKernels]) {
      const [batch] = await batches(dir, { schema, batchSize: 8_192 }, kernels);
      expect(batch!.numRows).toBe(8_192);
      const { transferList } = forTransfer(batch!);
      for (const column of batch!.columns) expect(transferList).toContain(valuesOf(column).buffer);
    }
  });

  it('a parser that does not promise to write every slot gets zeroed columns', () => {
    const spy = poison(0xa5);
    const dictionaries = { dictionarySize: (): [number, number] => [0, 0], copyDictionary: () => {}, clearDictionaries: () => {} };
    const loose = new NativeColumns(['float64', 'int64', 'int32', 'bool', 'utf8'], dictionaries);
    loose.reserve(1_000, 0);
    expect(spy).not.toHaveBeenCalled();
    for (const values of loose.values) expect(new Uint8Array(values.buffer).every((b) => b === 0)).toBe(true);
    const strict = new NativeColumns(['float64'], { ...dictionaries, writesEveryValue: true });
    strict.reserve(1_000, 0);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
