/**
 * The stage contract: what a stage author writes against (a public API, documented in the README
 * and docs/architecture.md).
 *
 * A stage type is a class extending {@link Source}, {@link Transform} or {@link Sink} that declares
 * its job-file name (`static type`), a one-line description and an options schema, and registers
 * itself when the class is defined with `static { registerStage(this); }`. The runtime validates
 * options against the schema, constructs the stage with the parsed options, asks it for its
 * output schema before any data flows, and only then pulls batches.
 *
 * Stages meet only through `stream()`, `transform(stream)` and `consume(stream)`. Timing, metrics
 * and the error policy are applied around them by the runtime; a stage never does that itself.
 */
import type { z } from 'zod';
import type { RecordBatch } from '../batch/record-batch.js';
import type { DataType, Field, Schema } from '../batch/schema.js';
import type { Implementation, Kernels } from '../kernels/index.js';

export type StageKind = 'source' | 'transform' | 'sink';

/** What a stage may use while the pipeline is checked, before any data flows. */
export interface PlanContext {
  /** A path option made absolute: relative paths are relative to the job file's folder. */
  resolvePath(path: string): string;
  /** Target rows per batch for the run (job `batch_size`, default 65,536). */
  readonly batchSize: number;
  /**
   * Records a problem with option `option` of this stage; checking goes on, so that every
   * problem of the job is reported at once, each with its place (`transforms[1].column`).
   */
  problem(option: string, message: string): void;
  /**
   * The field `name` of `input` when it exists with one of `types`; otherwise records a problem at
   * `option` (naming the column, with a did-you-mean) and returns undefined.
   */
  requireColumn(input: Schema, option: string, name: string, types?: readonly DataType[]): Field | undefined;
}

/** What a running stage gets. */
export interface StageContext {
  /** Aborted when the run is cancelled or fails elsewhere: stop, release resources, return. */
  readonly signal: AbortSignal;
  readonly batchSize: number;
  /** The kernels chosen for this run (native or the TypeScript twins); usage is recorded per stage. */
  readonly kernels: Kernels;
  /** This stage's place in the job: `source`, `transforms[1]`, `sink`. */
  readonly place: string;
  /** The schema this stage produces (sources, transforms) or receives (sinks), fixed before the run. */
  readonly schema: Schema;
  resolvePath(path: string): string;
  /** Sources report the bytes they read, for progress and the run summary. */
  addBytesRead(bytes: number): void;
  /** Sinks say where the output went (a path), for the run summary. */
  reportOutput(where: string): void;
  /** Stages that choose an implementation themselves (a parser) say which one ran, for the summary. */
  recordImplementation(implementation: Implementation): void;
}

/** The static side every stage class has; `registerStage` checks it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- options differ per class; the registry holds them all
export interface StageClass<O = any, I extends AnyStage = AnyStage> {
  new (options: O): I;
  readonly kind: StageKind;
  /** The name used in job files (`type: threshold_filter`): lower snake case. */
  readonly type: string;
  /** One line for `sluice stages` and `sluice describe`. */
  readonly description: string;
  /** Options schema (zod): validation, defaults, documentation and JSON Schema all come from it. */
  readonly options: z.ZodType<O>;
  /** Example options, shown by `sluice describe` and checked against the schema by the tests. */
  readonly example?: Record<string, unknown>;
  readonly requiredMethods: readonly string[];
  readonly name: string;
  readonly prototype: I;
}

export abstract class StageBase<O = unknown> {
  static readonly kind: StageKind;
  /** Methods a concrete class must define; checked by `registerStage` when the class is defined. */
  static readonly requiredMethods: readonly string[] = [];
  readonly options: O;
  constructor(options: O) {
    this.options = options;
  }
}

/**
 * A Source produces the stream.
 *
 * Contract (the DataFusion `ExecutionPlan::execute` standard): `schema()` is answered before any
 * data flows; `stream()` does no I/O until the first batch is pulled; errors are thrown from inside
 * the iteration (naming file, line and column for bad data); when the consumer stops early the
 * iterator's `return()` runs and every handle is released (hold them with `await using`); long
 * loops check `ctx.signal`.
 */
export abstract class Source<O = unknown> extends StageBase<O> {
  static override readonly kind: StageKind = 'source';
  static override readonly requiredMethods: readonly string[] = ['schema', 'stream'];
  abstract schema(ctx: PlanContext): Schema | Promise<Schema>;
  abstract stream(ctx: StageContext): AsyncIterable<RecordBatch>;
  /**
   * Optional, for data parallelism: the source's input cut into splits that can be read
   * independently (a file's byte ranges, a generator's row ranges). The cut must not depend on
   * the thread count, so results are identical for any `threads`; reading every split in order
   * must give exactly the rows `stream()` gives, in the same order.
   */
  splits?(ctx: StageContext): Promise<readonly SourceSplit[]> | readonly SourceSplit[];
  /**
   * Reads one split (possibly in a worker, on a stage rebuilt there from the same options). The
   * generator's return value says what the split actually covered, when the source can only guess
   * where its split starts (a CSV byte range may begin inside a quoted field): see `continueSplit`.
   */
  streamSplit?(split: SourceSplit, ctx: StageContext): AsyncGenerator<RecordBatch, SplitExtent | void, undefined>;
  /**
   * Verification of speculative splits. Given split `next` and the extent its predecessor really
   * covered, returns `next` made exact (its true start, its first line number for error
   * messages). The runtime compares it with the extent `next` was read with and re-reads `next`
   * as the exact split when they differ, or when reading it failed (so a data error is reported
   * with its true line). Absent: splits are exact as cut.
   */
  continueSplit?(next: SourceSplit, previous: SplitExtent): SourceSplit;
  /**
   * Optional, projection pushdown: after every schema is checked, the planner says which columns
   * of `full` (what `schema()` returned) the pipeline reads: `columns`, in `full`'s order (all of
   * them: read every column again). Returns true when the source will yield batches of just those columns, in that
   * order, from then on (`ctx.schema` is then the projected schema); false, or absent, and it
   * yields every column. A worker rebuilding the source from its options calls it again with the
   * same arguments, so what a source reads must follow from its options and this call alone.
   */
  project?(columns: readonly string[], full: Schema): boolean;
}

/** What reading a split really covered (plain data). */
export interface SplitExtent {
  /** Where the split's first record started (a byte offset, for file sources). */
  readonly start: number;
  /** Where the record after the split's last one starts: the next split's true start. */
  readonly end: number;
  /** Physical lines the split covered, for the line numbers of later splits' errors. */
  readonly lines?: number;
  /** The line number (1-based) the split started at, or undefined when it was a guess. */
  readonly firstLine?: number;
}

/**
 * One independently readable piece of a source's input. Plain data only (it is sent to worker
 * threads and, later, to other machines): numbers, strings, arrays and plain objects.
 */
export interface SourceSplit {
  /** Position of the split in the source's order, from 0; outputs and partials merge in this order. */
  readonly index: number;
  /** Bytes the split covers, when the source reads bytes (for progress). */
  readonly bytes?: number;
  readonly [detail: string]: unknown;
}

/**
 * A Transform turns one stream into another, lazily: it pulls from `input` only as it is pulled,
 * and stops pulling (which closes everything upstream) when it needs no more.
 */
export abstract class Transform<O = unknown> extends StageBase<O> {
  static override readonly kind: StageKind = 'transform';
  static override readonly requiredMethods: readonly string[] = ['transform'];
  /** The schema produced from `input`, or problems recorded through `ctx`. Default: unchanged. */
  outputSchema(input: Schema, _ctx: PlanContext): Schema {
    return input;
  }
  abstract transform(input: AsyncIterable<RecordBatch>, ctx: StageContext): AsyncIterable<RecordBatch>;
  /**
   * Optional, for decomposable aggregations: a fresh accumulator (one per split, possibly in a
   * worker). The runtime may then skip `transform` and instead feed each split's batches to an
   * accumulator, send `toPartial()` to the main thread and call `finishPartials` with the partials
   * in split order — which must give exactly what `transform` gives over the same splits.
   */
  accumulator?(ctx: StageContext): Accumulator;
  /**
   * Optional plan-time hint: a `limit n` directly follows this stage, so only the first `n` rows
   * of its output will be read. A stage whose output order is its own (a sort) may then hold
   * only what those rows need (top-k). The limit stays in the plan and still cuts, so a stage
   * may ignore the hint; it must not change which first `n` rows come out.
   */
  absorbLimit?(n: number): void;
  /**
   * Optional plan-time hint for projection pushdown: the columns of `input` this stage reads,
   * given `needed`, the columns of its output that the stages after it read. A row-preserving
   * stage (a filter, a sort) answers its own columns plus `needed`; a stage whose output is new
   * (an aggregation) only its own. Absent: every input column (the safe default). Names not in
   * `input` are ignored. The planner walks back from the sink with it and tells the source
   * (`Source.project`); every later stage then sees only the columns that are read.
   */
  columnsRead?(needed: ReadonlySet<string>, input: Schema): Iterable<string>;
  /** Merges partials in the order given (split order) and emits the result. */
  finishPartials?(partials: readonly unknown[], ctx: StageContext): Iterable<RecordBatch> | AsyncIterable<RecordBatch>;
}

/** The per-split state of a decomposable aggregation. */
export interface Accumulator {
  update(batch: RecordBatch): void;
  /** Adds another accumulator's partial (same stage, same options) into this one. */
  merge(partial: unknown): void;
  /** The state as plain data (survives structured clone). */
  toPartial(): unknown;
}

/**
 * A Transform with no state across batches (a filter, a projection, a map): it only writes
 * `processBatch`, a pure function of one batch. That function is what the runtime can ship to
 * worker threads and fuse; `transform` is derived from it.
 */
export abstract class BatchTransform<O = unknown> extends Transform<O> {
  static override readonly requiredMethods: readonly string[] = ['processBatch'];
  /**
   * The output for one input batch; `null` or an empty batch drops it. May be async (a call to a
   * service): the runtime's timeout then applies to it.
   */
  abstract processBatch(batch: RecordBatch, ctx: StageContext): RecordBatch | null | Promise<RecordBatch | null>;

  async *transform(input: AsyncIterable<RecordBatch>, ctx: StageContext): AsyncIterable<RecordBatch> {
    for await (const batch of input) {
      const out = await this.processBatch(batch, ctx);
      if (out !== null && out.numRows > 0) yield out;
    }
  }
}

/**
 * A Sink consumes the stream and resolves when everything is durably written. A sink writing a file
 * must never leave a partial file at its path (write a temporary file, rename on success). A sink
 * gets every column of the last transform's output: projection pushdown never narrows it (that
 * output is also what the embedding API returns).
 */
export abstract class Sink<O = unknown> extends StageBase<O> {
  static override readonly kind: StageKind = 'sink';
  static override readonly requiredMethods: readonly string[] = ['consume'];
  /** Record problems if the sink cannot take `input` (a column type it cannot write, say). */
  checkInput(_input: Schema, _ctx: PlanContext): void {}
  abstract consume(input: AsyncIterable<RecordBatch>, ctx: StageContext): Promise<void>;
}

/**
 * A Sink written as one write per batch: `open`, `write(batch)` for each batch, then `commit` (or
 * `abort` when anything failed or the run stopped). `consume` is derived from them. Because its
 * unit of work is one batch write, the runtime can retry a failed write, time it out, and apply
 * `on_error` to it: write each batch so that a failed write leaves nothing behind (or nothing that
 * a retry of the same batch would duplicate).
 */
export abstract class BatchSink<O = unknown> extends Sink<O> {
  static override readonly requiredMethods: readonly string[] = ['write'];
  /** Called once before the first write (create a temporary file, open a connection). */
  open(_ctx: StageContext): void | Promise<void> {}
  abstract write(batch: RecordBatch, ctx: StageContext): void | Promise<void>;
  /** Makes everything written durable and visible (rename the temporary file into place). */
  commit(_ctx: StageContext): void | Promise<void> {}
  /** Undoes everything written (remove the temporary file); called once, after a failure or an abort. */
  abort(_ctx: StageContext, _error: Error): void | Promise<void> {}

  async consume(input: AsyncIterable<RecordBatch>, ctx: StageContext): Promise<void> {
    await runBatchSink(this, input, ctx, (batch) => this.write(batch, ctx));
  }
}

/** open → write each batch (through `write`, which the runtime may wrap in a policy) → commit; abort on any failure. */
export async function runBatchSink(sink: BatchSink, input: AsyncIterable<RecordBatch>, ctx: StageContext, write: (batch: RecordBatch) => void | Promise<void>): Promise<void> {
  await sink.open(ctx);
  try {
    for await (const batch of input) await write(batch);
    ctx.signal.throwIfAborted();
    await sink.commit(ctx);
  } catch (error) {
    await sink.abort(ctx, error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

export type AnyStage = Source | Transform | Sink;
