// A complete sluice plugin in plain JavaScript, no build step: a transform that multiplies a
// float64 column by a factor. List it under `plugins:` in a job file to use `type: scale`.
import { BatchTransform, RecordBatch, registerStage, z } from 'sluice';

export class Scale extends BatchTransform {
  static type = 'scale';
  static description = 'Multiplies a float64 column by a factor';
  static options = z.strictObject({
    column: z.string().describe('float64 column to scale'),
    factor: z.number().describe('multiplier'),
  });
  static example = { column: 'value', factor: 0.01 };
  static {
    registerStage(this);
  }

  // Checked before any data flows: a missing or non-float column is reported with its place.
  outputSchema(input, ctx) {
    ctx.requireColumn(input, 'column', this.options.column, ['float64']);
    return input;
  }

  // A pure function of one batch: the runtime may run it anywhere, so it keeps no state.
  processBatch(batch) {
    const index = batch.schema.indexOf(this.options.column);
    const column = batch.columns[index];
    const values = new Float64Array(column.values.length);
    for (let i = 0; i < values.length; i++) values[i] = column.values[i] * this.options.factor;
    const columns = batch.columns.map((c, i) => (i === index ? { ...column, values } : c));
    return new RecordBatch(batch.schema, columns, batch.numRows);
  }
}
