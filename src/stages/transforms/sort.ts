/**
 * `sort`: orders all rows by `by` keys, column by column, each ascending or (`desc: true`)
 * descending. Stable: rows with equal keys keep their input order.
 *
 * Order (ARCHITECTURE.md): strings by Unicode code point (UTF-8 byte order), numbers and
 * timestamps numerically (-0 equals 0), false before true; nulls last in either direction; NaN is
 * greater than every number, so it comes after +Infinity ascending and first descending, but
 * always before nulls.
 *
 * It needs every row: batches are collected and concatenated, a stable permutation is computed
 * once over typed arrays (each key turned into a Float64Array of order-preserving numbers where
 * exact — dictionary ranks for strings —, int64 words otherwise; see {@link sortPermutation}) by
 * the run's `sortStableF64` kernel (native radix sort or its TypeScript twin), and rows are
 * emitted in batches of the run's batch size.
 */
import { z } from 'zod';
import { dictionaryStrings, type Column } from '../../batch/column.js';
import { concatBatches } from '../../batch/concat.js';
import { RecordBatch } from '../../batch/record-batch.js';
import { Schema } from '../../batch/schema.js';
import type { Kernels } from '../../kernels/index.js';
import { sortRows, topKRows } from '../../kernels/topk.js';
import { registerStage, Transform, type PlanContext, type StageContext } from '../../registry/index.js';
import { dictionaryEncode, stringRanks } from './aggregate/strings.js';

const sortKey = z.strictObject({
  column: z.string().min(1).describe('Column to sort by'),
  desc: z.boolean().default(false).describe('Descending (default: ascending); nulls are last either way'),
});

const options = z.strictObject({
  by: z.array(sortKey).min(1).describe('Sort keys, most significant first: { column, desc }'),
});

type Options = z.infer<typeof options>;

export class Sort extends Transform<Options> {
  static readonly type = 'sort';
  static readonly description = 'Sorts all rows by key columns (stable; nulls last; NaN above every number)';
  static readonly options = options;
  static readonly example = { by: [{ column: 'category' }, { column: 'value', desc: true }] };
  static {
    registerStage(this);
  }

  override outputSchema(input: Schema, ctx: PlanContext): Schema {
    this.options.by.forEach((key, i) => ctx.requireColumn(input, `by[${i}].column`, key.column));
    return input;
  }

  /** Row-preserving: its key columns, and whatever the stages after it read. */
  override columnsRead(needed: ReadonlySet<string>): Iterable<string> {
    return [...needed, ...this.options.by.map((key) => key.column)];
  }

  /** Set by {@link absorbLimit}: only this many first rows of the order are wanted. */
  private keep: number | undefined;

  /**
   * A `limit n` follows: keep only the best n rows while reading (top-k), O(n) rows held instead
   * of the whole input. The limit stays in the plan and still cuts; the output is the same.
   */
  override absorbLimit(n: number): void {
    this.keep = Math.min(n, this.keep ?? Infinity);
  }

  async *transform(input: AsyncIterable<RecordBatch>, ctx: StageContext): AsyncGenerator<RecordBatch> {
    if (this.keep !== undefined) {
      yield* this.topK(input, this.keep, ctx);
      return;
    }
    const batches: RecordBatch[] = [];
    for await (const batch of input) if (batch.numRows > 0) batches.push(batch);
    if (batches.length === 0) return;
    const all = concatBatches(batches[0]!.schema, batches);
    batches.length = 0;
    const keys = this.options.by.map((key) => sortKeyOf(all.column(key.column), all.numRows, key.desc));
    const permutation = sortPermutation(keys, all.numRows, ctx.kernels);
    for (let start = 0; start < all.numRows; start += ctx.batchSize) {
      const end = Math.min(all.numRows, start + ctx.batchSize);
      yield all.take(permutation.subarray(start, end));
    }
  }

  private async *topK(input: AsyncIterable<RecordBatch>, k: number, ctx: StageContext): AsyncGenerator<RecordBatch> {
    // The limit after us never pulls with n = 0, so neither do we.
    if (k === 0) return;
    const names = [...new Set(this.options.by.map((key) => key.column))];
    let keySchema: Schema | undefined;
    // Only the key columns are concatenated per batch: copying whole batches cost more than the selection.
    const keysOf = (batch: RecordBatch) => {
      keySchema ??= new Schema(names.map((name) => batch.schema.field(name)!));
      return new RecordBatch(keySchema, names.map((name) => batch.column(name)), batch.numRows);
    };
    let kept: RecordBatch | undefined;
    let keptKeys: RecordBatch | undefined;
    for await (const batch of input) {
      if (batch.numRows === 0) continue;
      const before = kept?.numRows ?? 0;
      // Kept rows first: they came earlier, so among equal keys they stay ahead.
      const allKeys = keptKeys === undefined ? keysOf(batch) : concatBatches(keySchema!, [keptKeys, keysOf(batch)]);
      const keys = this.options.by.map((key) => sortKeyOf(allKeys.column(key.column), allKeys.numRows, key.desc));
      const order = topKOf(keys, allKeys.numRows, before, k, ctx.kernels);
      // Rows of `order` from this batch, taken in that order, land after the kept ones.
      const fromBatch: number[] = [];
      const remap = new Uint32Array(order.length);
      for (let j = 0; j < order.length; j++) {
        const row = order[j]!;
        if (row < before) remap[j] = row;
        else remap[j] = before + fromBatch.push(row - before) - 1;
      }
      if (fromBatch.length === 0) continue;
      const taken = batch.take(fromBatch);
      // take() copies, so the kept rows never pin a whole input batch.
      kept = (kept === undefined ? taken : concatBatches(batch.schema, [kept, taken])).take(remap);
      keptKeys = keysOf(kept);
    }
    if (kept === undefined) return;
    for (let start = 0; start < kept.numRows; start += ctx.batchSize) yield kept.slice(start, Math.min(kept.numRows, start + ctx.batchSize));
  }

}

/**
 * One sort key over all rows. `ord` holds numbers whose ascending order is the key's order
 * (already negated for descending); `cls` (when the column has nulls or NaN) puts whole classes
 * before or after: 0 before 1 before 2. int64/timestamp values beyond ±2^53 are compared by their
 * words instead (`words`, `desc`).
 */
export interface SortKey {
  readonly ord: Float64Array | null;
  readonly words: Int32Array | null;
  readonly cls: Uint8Array | null;
  readonly desc: boolean;
}

const NUMBER = 0;
const NULL = 2;

export function sortKeyOf(column: Column, n: number, desc: boolean): SortKey {
  const validity = column.validity;
  let cls: Uint8Array | null = null;
  const setClass = (i: number, c: number) => {
    cls ??= new Uint8Array(n).fill(desc ? 1 : NUMBER);
    cls[i] = c;
  };
  if (validity !== null) {
    for (let i = 0; i < n; i++) if ((validity[i >>> 3]! & (1 << (i & 7))) === 0) setClass(i, NULL);
  }
  const sign = desc ? -1 : 1;
  const ord = new Float64Array(n);
  switch (column.layout) {
    case 'float64': {
      const values = column.values;
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        // NaN: above every number, so after them ascending (class 1 of 0..2) and first descending (class 0).
        if (v !== v) {
          if (cls === null || cls[i] !== NULL) setClass(i, desc ? 0 : 1);
        } else ord[i] = sign * v;
      }
      break;
    }
    case 'int32':
    case 'bool': {
      const values = column.values;
      for (let i = 0; i < n; i++) ord[i] = sign * values[i]!;
      break;
    }
    case 'int64':
    case 'timestamp': {
      const words = new Int32Array(column.values.buffer, column.values.byteOffset, n * 2);
      for (let i = 0; i < n; i++) {
        const hi = words[2 * i + 1]!;
        // Exact as a double when |value| < 2^53 (high word in [-2^21, 2^21)).
        if (hi >= 0x200000 || hi < -0x200000) {
          if (cls !== null && cls[i] === NULL) continue;
          return { ord: null, words, cls, desc };
        }
        ord[i] = sign * (hi * 4294967296 + (words[2 * i]! >>> 0));
      }
      break;
    }
    case 'utf8':
    case 'dictionary': {
      const dict = column.layout === 'utf8' ? dictionaryEncode(column) : column;
      const ranks = stringRanks(dictionaryStrings(dict.dictionary));
      const codes = dict.codes;
      for (let i = 0; i < n; i++) {
        if (cls !== null && cls[i] === NULL) continue;
        ord[i] = sign * ranks[codes[i]!]!;
      }
      break;
    }
  }
  if (cls !== null) {
    // Rows outside the number class (NaN, null) tie within their class: their numbers must not order them.
    const numbers = desc ? 1 : NUMBER;
    const c: Uint8Array = cls;
    for (let i = 0; i < n; i++) if (c[i] !== numbers) ord[i] = 0;
  }
  return { ord, words: null, cls, desc };
}

/**
 * The first `k` rows of `0..n-1` by `keys`, rows `0..sorted-1` already in order: the run's
 * `topKF64` kernel when every key is exact as doubles; int64 keys beyond ±2^53 (`words`) stay on
 * the TypeScript comparator of {@link topKRows} (rare, and no native kernel takes words).
 */
function topKOf(keys: readonly SortKey[], n: number, sorted: number, k: number, kernels: Pick<Kernels, 'sortStableF64' | 'topKF64'>): Uint32Array {
  if (!keys.every((key) => key.ord !== null)) return topKRows(keys, n, sorted, k, kernels);
  const out = new Uint32Array(Math.min(k, n));
  const count = kernels.topKF64(
    keys.map((key) => key.ord!),
    keys.map((key) => key.cls),
    n,
    sorted,
    k,
    out,
  );
  return out.subarray(0, count);
}

/** The stable order of rows 0..n-1 by `keys` (see {@link sortRows}). */
export function sortPermutation(keys: readonly SortKey[], n: number, kernels: Pick<Kernels, 'sortStableF64'>): Uint32Array {
  const permutation = new Uint32Array(n);
  for (let i = 0; i < n; i++) permutation[i] = i;
  return sortRows(keys, permutation, kernels);
}
