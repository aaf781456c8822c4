import { describe, expect, it } from 'vitest';
import { RecordBatch, schema } from '../src/index.js';
import { forTransfer, keptForResend } from '../src/runtime/parallel/transfer.js';

const S = schema({ id: { type: 'int64', nullable: false }, value: 'float64', name: 'utf8' });

function batchOf(rows: number): RecordBatch {
  return RecordBatch.fromRows(S, Array.from({ length: rows }, (_, i) => ({ id: BigInt(i), value: i % 7 === 0 ? null : i / 4, name: `n${i % 3}` })));
}

function buffersOf(batch: RecordBatch): ArrayBufferLike[] {
  return batch.columns.flatMap((c) => Object.values(c).filter((v): v is ArrayBufferView => ArrayBuffer.isView(v)).map((v) => v.buffer));
}

/** Posts the batch as the pool does, detaching the transferred buffers. */
function send(batch: RecordBatch): RecordBatch {
  const { data, transferList } = forTransfer(batch);
  const kept = keptForResend(batch, transferList);
  structuredClone(data, { transfer: transferList });
  return kept;
}

describe('the copy a sender keeps of a batch dispatched to the pool', () => {
  it('holds the rows after the send detached the original, in buffers of its own', () => {
    const batch = batchOf(1000);
    const rows = batch.toRows();
    const { transferList } = forTransfer(batch);
    const kept = send(batch);
    expect(batch.columns.some((c) => (c as { values?: Float64Array }).values?.byteLength === 0)).toBe(true);
    expect(kept.toRows()).toEqual(rows);
    expect(buffersOf(kept).filter((b) => transferList.includes(b as ArrayBuffer))).toEqual([]);
    // A second attempt sends the kept copy the same way.
    expect(send(kept).toRows()).toEqual(rows);
  });

  it('copies only what the send detaches: views into a parent are shared, and the parent stays intact', () => {
    const parent = batchOf(1000);
    const slice = parent.slice(100, 300);
    const { transferList } = forTransfer(slice);
    const kept = send(slice);
    let shared = 0;
    for (const [i, column] of kept.columns.entries()) {
      for (const [key, value] of Object.entries(column)) {
        if (!ArrayBuffer.isView(value)) continue;
        const original = (slice.columns[i] as unknown as Record<string, ArrayBufferView>)[key]!;
        if (transferList.includes(original.buffer as ArrayBuffer)) expect(value === original).toBe(false);
        else {
          expect(value === original).toBe(true);
          shared++;
        }
      }
    }
    // id, value and the dictionary codes are views into the parent's buffers.
    expect(shared).toBe(3);
    expect(kept.toRows()).toEqual(batchOf(1000).slice(100, 300).toRows());
    expect(parent.toRows()).toEqual(batchOf(1000).toRows());
  });

  it('shares a dictionary (sent as a copy) and copies its codes', () => {
    const D = schema({ category: 'utf8' });
    const dictionary = { layout: 'utf8', offsets: Int32Array.from([0, 1, 2]), bytes: Uint8Array.from([97, 98]), validity: null } as const;
    const codes = Int32Array.from([0, 1, 1, 0]);
    const batch = new RecordBatch(D, [{ layout: 'dictionary', codes, dictionary, validity: null }], 4);
    const kept = send(batch);
    const column = kept.columns[0]!;
    expect(column.layout === 'dictionary' && column.dictionary).toBe(dictionary);
    expect(column.layout === 'dictionary' && column.codes === codes).toBe(false);
    expect(codes.byteLength).toBe(0);
    expect(kept.toRows()).toEqual([{ category: 'a' }, { category: 'b' }, { category: 'b' }, { category: 'a' }]);
  });
});
