/**
 * `synthetic`: a reproducible event stream generated in columns, the built-in data for the main
 * job and the benchmarks. Row i depends only on the seed and i (a counter-based hash, no running
 * state), so the data is the same for any batch size and any split of the rows.
 */
import { setImmediate as eventLoopTurn } from 'node:timers/promises';
import { z } from 'zod';
import { encodeStrings } from '../../batch/builder.js';
import { RecordBatch } from '../../batch/record-batch.js';
import { schema } from '../../batch/schema.js';
import { registerStage, Source, type SourceSplit, type StageContext } from '../../registry/index.js';

export const syntheticSchema = schema({
  id: { type: 'int64', nullable: false },
  ts: { type: 'timestamp', nullable: false },
  user_id: { type: 'int32', nullable: false },
  category: { type: 'utf8', nullable: false },
  value: { type: 'float64', nullable: false },
});

const options = z.strictObject({
  rows: z.number().int().min(0).max(0xffff_ffff).default(1_000_000).describe('Number of rows to generate'),
  seed: z.number().int().min(0).max(0xffff_ffff).default(42).describe('Same seed, same data'),
  batch_size: z.number().int().min(1).optional().describe('Rows per batch (default: the job batch_size, 65,536)'),
  split_rows: z.number().int().min(1).default(262_144).describe('Rows per split for parallel runs (independent of threads, so results are too)'),
});

const USERS = 100_000;
const CATEGORIES = encodeStrings(Array.from({ length: 50 }, (_, i) => `cat_${String(i).padStart(2, '0')}`));
/** 2026-01-01T00:00:00Z: events are one second apart from here, with sub-second jitter. */
const EPOCH_MS = 1_767_225_600_000;

/** A 32-bit avalanche mix (lowbias32): every input bit affects every output bit. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export class SyntheticSource extends Source<z.infer<typeof options>> {
  static readonly type = 'synthetic';
  static readonly description = 'Generates a reproducible event table: id, ts, user_id, category, value';
  static readonly options = options;
  static readonly example = { rows: 10_000_000, seed: 42 };
  static {
    registerStage(this);
  }

  schema(): typeof syntheticSchema {
    return syntheticSchema;
  }

  stream(ctx: StageContext): AsyncGenerator<RecordBatch> {
    return this.rowRange(0, this.options.rows, ctx);
  }

  /** Row ranges of `split_rows`: row i depends only on i, so splits give exactly the rows of stream(). */
  override splits(): SyntheticSplit[] {
    const { rows, split_rows: size } = this.options;
    const splits: SyntheticSplit[] = [];
    for (let start = 0; start < rows; start += size) splits.push({ index: splits.length, start, end: Math.min(rows, start + size) });
    return splits;
  }

  override async *streamSplit(split: SourceSplit, ctx: StageContext): AsyncGenerator<RecordBatch, void, undefined> {
    const { start, end } = split as SyntheticSplit;
    yield* this.rowRange(start, end, ctx);
  }

  private async *rowRange(from: number, to: number, ctx: StageContext): AsyncGenerator<RecordBatch, void, undefined> {
    const batchSize = this.options.batch_size ?? ctx.batchSize;
    const seedMix = mix(this.options.seed ^ 0x9e3779b9);
    for (let start = from; start < to; start += batchSize) {
      // Yield to the event loop between batches so signals and timers are served during CPU-bound runs.
      await eventLoopTurn();
      ctx.signal.throwIfAborted();
      yield generateBatch(start, Math.min(batchSize, to - start), seedMix);
    }
  }
}

/** Rows [start, end) of the table. */
interface SyntheticSplit extends SourceSplit {
  readonly start: number;
  readonly end: number;
}

function generateBatch(start: number, length: number, seedMix: number): RecordBatch<typeof syntheticSchema> {
  const ids = new BigInt64Array(length);
  const timestamps = new BigInt64Array(length);
  // Little-endian 32-bit views: writing two words is far cheaper than converting to BigInt per row.
  const idWords = new Int32Array(ids.buffer);
  const tsWords = new Int32Array(timestamps.buffer);
  const users = new Int32Array(length);
  const categories = new Int32Array(length);
  const values = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const row = start + i;
    const h = mix((row ^ seedMix) >>> 0);
    idWords[2 * i] = row | 0;
    idWords[2 * i + 1] = Math.floor(row / 0x1_0000_0000);
    const ts = EPOCH_MS + row * 1000 + (mix(h ^ 0x5bd1e995) % 1000);
    tsWords[2 * i] = ts | 0;
    tsWords[2 * i + 1] = Math.floor(ts / 0x1_0000_0000);
    users[i] = mix(h ^ 0x27d4eb2f) % USERS;
    categories[i] = mix(h ^ 0x165667b1) % 50;
    // k / 1000 is the double nearest the three-decimal number, so it survives a CSV round trip.
    values[i] = Math.floor((mix(h ^ 0x85ebca6b) / 0x1_0000_0000) * 100_000) / 1000;
  }
  return new RecordBatch(syntheticSchema, [
    { layout: 'int64', values: ids, validity: null },
    { layout: 'timestamp', values: timestamps, validity: null },
    { layout: 'int32', values: users, validity: null },
    { layout: 'dictionary', codes: categories, dictionary: CATEGORIES, validity: null },
    { layout: 'float64', values, validity: null },
  ], length);
}
