/**
 * `threshold_filter`: keeps the rows where `column op value` holds. Nulls never pass; NaN passes
 * only `ne` (ARCHITECTURE.md). Numeric columns go through the comparison kernels (native when
 * loaded); utf8 columns support `eq`/`ne` against a string, on bytes, once per dictionary entry.
 */
import { z } from 'zod';
import type { Column } from '../../batch/column.js';
import type { RecordBatch } from '../../batch/record-batch.js';
import type { Schema } from '../../batch/schema.js';
import { COMPARE_OPS, type CompareOp } from '../../kernels/index.js';
import { BatchTransform, registerStage, type PlanContext, type StageContext } from '../../registry/index.js';

const options = z.strictObject({
  column: z.string().min(1).describe('Column to compare'),
  op: z.enum(COMPARE_OPS).describe('Comparison: gt, gte, lt, lte, eq, ne'),
  value: z.union([z.number(), z.string()]).describe('Threshold: a number, or a string for eq/ne on a utf8 column'),
});

type Options = z.infer<typeof options>;

export class ThresholdFilter extends BatchTransform<Options> {
  static readonly type = 'threshold_filter';
  static readonly description = 'Keeps rows where `column op value` holds (nulls never pass; NaN passes only ne)';
  static readonly options = options;
  static readonly example = { column: 'value', op: 'gt', value: 90 };
  static {
    registerStage(this);
  }

  /** Scratch selection, reused across batches: `take` copies the picked rows out of it. */
  private selection = new Uint32Array(0);

  override outputSchema(input: Schema, ctx: PlanContext): Schema {
    const { column, op, value } = this.options;
    const field = ctx.requireColumn(input, 'column', column, ['float64', 'int32', 'int64', 'timestamp', 'utf8']);
    if (field === undefined) return input;
    if (field.type === 'utf8') {
      if (op !== 'eq' && op !== 'ne') ctx.problem('op', `must be eq or ne on utf8 column "${column}" (got "${op}")`);
      if (typeof value !== 'string') ctx.problem('value', `must be a string to compare with utf8 column "${column}" (got ${value})`);
    } else if (typeof value !== 'number') {
      ctx.problem('value', `must be a number to compare with ${field.type} column "${column}" (got ${JSON.stringify(value)})`);
    }
    return input;
  }

  /** Row-preserving: its column, and whatever the stages after it read. */
  override columnsRead(needed: ReadonlySet<string>): Iterable<string> {
    return [...needed, this.options.column];
  }

  processBatch(batch: RecordBatch, ctx: StageContext): RecordBatch {
    const column = batch.column(this.options.column);
    if (this.selection.length < batch.numRows) this.selection = new Uint32Array(ctx.batchSize > batch.numRows ? ctx.batchSize : batch.numRows);
    const count = select(column, this.options.op, this.options.value, this.selection, ctx);
    // A selection as long as the batch is every row in order: nothing to copy.
    return count === batch.numRows ? batch : batch.take(this.selection, count);
  }
}

function select(column: Column, op: CompareOp, value: number | string, out: Uint32Array, ctx: StageContext): number {
  switch (column.layout) {
    case 'float64':
      return ctx.kernels.compareF64(column.values, column.validity, op, value as number, out);
    case 'int32':
      return ctx.kernels.compareI32(column.values, column.validity, op, value as number, out);
    case 'int64':
    case 'timestamp':
      return ctx.kernels.compareI64(column.values, column.validity, op, value as number, out);
    case 'dictionary':
      return ctx.kernels.compareDictionary(column.codes, column.dictionary.offsets, column.dictionary.bytes, column.validity, op, value as string, out);
    case 'utf8':
      return ctx.kernels.compareUtf8(column.offsets, column.bytes, column.validity, op, value as string, out);
    case 'bool':
      throw new TypeError(`threshold_filter cannot compare a bool column`);
  }
}
