import { describe, expect, it } from 'vitest';
import { newMetrics } from '../src/flow/meter.js';
import { liveProgress } from '../src/runtime/parallel/engine.js';

// The source's counts while units run in workers: merged counts plus what running units have
// written into their shared slots. Workers write those slots at any moment, also between the
// read and the write of the main thread's `+=`.
describe('live progress of the units running in workers', () => {
  it('keeps an addition to the merged count whole when a worker writes its slot in the middle of it', () => {
    const metrics = newMetrics('source', 'csv', 'source');
    const live = liveProgress(metrics, 2);
    const slots = new Float64Array(live.buffer);
    live.start(1);
    slots[2] = 500; // unit 1 has read 500 rows so far
    // `metrics.rowsOut += 1000` for a merged unit, with unit 1's worker writing 800 in between:
    const read = metrics.rowsOut;
    slots[2] = 800;
    metrics.rowsOut = read + 1000;
    expect(metrics.rowsOut).toBe(1000 + 800);
    live.end(1); // unit 1 merged: its rows come in through its own counts
    expect(metrics.rowsOut).toBe(1000);
    const bytesRead = metrics.bytesRead;
    live.start(0);
    slots[1] = 4096;
    metrics.bytesRead = bytesRead + 10;
    live.close(false);
    expect([metrics.rowsOut, metrics.bytesRead]).toEqual([1000, 10]);
  });

  it('counts what running units read, and keeps it when a stopped run says how far they got', () => {
    const metrics = newMetrics('source', 'csv', 'source');
    const live = liveProgress(metrics, 1);
    const slots = new Float64Array(live.buffer);
    live.start(0);
    slots[0] = 300;
    slots[1] = 9000;
    expect([metrics.rowsOut, metrics.bytesRead]).toEqual([300, 9000]);
    live.close(true);
    slots[0] = 999;
    expect([metrics.rowsOut, metrics.bytesRead]).toEqual([300, 9000]);
  });
});
