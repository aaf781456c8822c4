/**
 * The input batches the harness feeds to transforms and sinks, built from the author's rows: the
 * same rows as one batch or cut into many batches of uneven sizes (each batch built on its own, so
 * each has its own string dictionary, as batches from a parser do), and rows with nulls added.
 */
import { RecordBatch } from '../../batch/record-batch.js';
import type { Schema } from '../../batch/schema.js';
import { describeError, fail } from './results.js';

export type Row = Readonly<Record<string, unknown>>;

/** Batch sizes the many-batches input cycles through: uneven, from 1 row up. */
const SPLIT_SIZES = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89];

export class Inputs {
  /** `rows` repeated to at least `minRows`. */
  readonly manyRows: readonly Row[];
  /** A null in every nullable column between each pair of rows, and three such rows at the end. */
  readonly nullRows: readonly Row[];

  constructor(
    readonly schema: Schema,
    readonly rows: readonly Row[],
    minRows: number,
  ) {
    if (rows.length === 0) fail('the cases give no input rows; give a few, with nulls');
    const copies = Math.ceil(Math.max(minRows, 2 * SPLIT_SIZES.length) / rows.length);
    this.manyRows = Array.from({ length: copies }, () => rows).flat();
    const nullRow = Object.fromEntries(schema.fields.map((f) => [f.name, f.nullable ? null : rows[0]![f.name]]));
    this.nullRows = [...rows.flatMap((row) => [nullRow, row]), nullRow, nullRow, nullRow];
    this.one(rows); // fails the check now if the rows do not fit the schema
  }

  /** `rows` as one batch. */
  one(rows: readonly Row[]): RecordBatch {
    try {
      return RecordBatch.fromRows(this.schema, rows as never);
    } catch (error) {
      fail(`the cases' rows do not fit the input schema {${this.schema}}: ${describeError(error)}`);
    }
  }

  /** `rows` cut into batches of uneven sizes. */
  split(rows: readonly Row[]): RecordBatch[] {
    const batches: RecordBatch[] = [];
    for (let start = 0, i = 0; start < rows.length; i++) {
      const end = Math.min(rows.length, start + SPLIT_SIZES[i % SPLIT_SIZES.length]!);
      batches.push(this.one(rows.slice(start, end)));
      start = end;
    }
    return batches;
  }
}
