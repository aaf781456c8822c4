/**
 * `limit`: the first `n` rows, in input order. Once it has them it stops pulling its input and
 * closes it (the for-await loop is left, which calls the input's `return()`), so everything
 * upstream — a file being read, a generator — stops early and releases what it holds. The last
 * batch is sliced (sharing buffers). With `n: 0` the input is never pulled at all.
 */
import { z } from 'zod';
import type { RecordBatch } from '../../batch/record-batch.js';
import { registerStage, Transform, type StageContext } from '../../registry/index.js';

const options = z.strictObject({
  n: z.number().int().min(0).describe('Number of rows to keep (>= 0)'),
});

type Options = z.infer<typeof options>;

export class Limit extends Transform<Options> {
  static readonly type = 'limit';
  static readonly description = 'Keeps the first n rows, then stops reading its input';
  static readonly options = options;
  static readonly example = { n: 10 };
  static {
    registerStage(this);
  }

  /** Row-preserving and reads no column itself: what the stages after it read. */
  override columnsRead(needed: ReadonlySet<string>): Iterable<string> {
    return needed;
  }

  async *transform(input: AsyncIterable<RecordBatch>, _ctx: StageContext): AsyncGenerator<RecordBatch> {
    let remaining = this.options.n;
    if (remaining === 0) return;
    let last: RecordBatch | undefined;
    for await (const batch of input) {
      if (batch.numRows >= remaining) {
        last = batch.numRows === remaining ? batch : batch.slice(0, remaining);
        // Leaving the loop closes the input before the last batch is handed on.
        break;
      }
      if (batch.numRows === 0) continue;
      remaining -= batch.numRows;
      yield batch;
    }
    if (last !== undefined) yield last;
  }
}
