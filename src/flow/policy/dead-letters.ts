/**
 * The job's dead-letter output: rejected records become rows of one fixed schema and flow into
 * the job-level `dead_letter:` sink (any registered sink) while the run goes on. The sink runs
 * beside the pipeline, fed through a small bounded queue; if it fails, the run fails.
 */
import { RecordBatch } from '../../batch/record-batch.js';
import { schema } from '../../batch/schema.js';
import type { RejectedRecord } from '../outcome.js';

/**
 * One row per rejected record (or per rejected batch, for a whole-batch rejection such as an open
 * circuit breaker): the stage's place and type, the error message, the input file when the source
 * reads one, the row's position in the stage's input, how many rows the entry covers, and the
 * record itself as a JSON object text (int64 values as decimal strings; null for a whole batch).
 */
export const DEAD_LETTER_SCHEMA = schema({
  place: { type: 'utf8', nullable: false },
  type: { type: 'utf8', nullable: false },
  error: { type: 'utf8', nullable: false },
  file: 'utf8',
  row: { type: 'int64', nullable: false },
  rows: { type: 'int64', nullable: false },
  record: 'utf8',
});

export function deadLetterBatch(records: readonly RejectedRecord[]): RecordBatch {
  return RecordBatch.fromRows(
    DEAD_LETTER_SCHEMA,
    records.map((r) => ({
      place: r.place,
      type: r.type,
      error: r.error,
      file: r.position.file ?? null,
      row: BigInt(r.position.row),
      rows: BigInt(r.rows),
      record: r.record === undefined ? null : JSON.stringify(r.record),
    })),
  );
}

const HIGH_WATER = 8;

/** An async queue of dead-letter batches: the pipeline pushes, the dead-letter sink pulls. */
export class DeadLetterQueue implements AsyncIterable<RecordBatch> {
  private readonly buffered: RecordBatch[] = [];
  private waiting: (() => void) | undefined;
  private drained: (() => void) | undefined;
  private closed = false;
  private failure: Error | undefined;
  rows = 0;

  /** Queues `records`; waits while the sink is more than a few batches behind. */
  async push(records: readonly RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.closed) throw new Error('dead-letter output already closed');
    this.buffered.push(deadLetterBatch(records));
    this.rows += records.reduce((n, r) => n + r.rows, 0);
    this.wake();
    while (this.buffered.length > HIGH_WATER && this.failure === undefined && !this.closed) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  /** No more records: the sink finishes and commits. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** The run failed: the sink's stream throws, so it aborts and leaves no partial file. */
  fail(error: Error): void {
    this.failure ??= error;
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
    const drained = this.drained;
    this.drained = undefined;
    drained?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordBatch> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const next = this.buffered.shift();
      if (next !== undefined) {
        this.wake();
        yield next;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}
