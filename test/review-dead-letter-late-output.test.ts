import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULT_PLUGINS, readNdjson, runJob, tempDir } from './resilience-helpers.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const stubborn = new URL('./fixtures/faults/stubborn-slow.mjs', import.meta.url).pathname;

describe('dead-letter isolation under an aggressive timeout', () => {
  it('ignores the output of a piece whose attempt timed out and finished later: no row doubled, input order kept', async () => {
    dir = tempDir();
    // One 1024-row batch with one poison row in its second half. Call 1 (the whole batch) fails on
    // it; call 2 (the first half) takes 250 ms against a 50 ms timeout, so that half is isolated
    // again in quarters while call 2 still runs; the second half's isolation (~9 levels of 20 ms
    // calls) lasts past the moment call 2 returns its 512 rows.
    const summary = await runJob(dir, {
      plugins: [...FAULT_PLUGINS, stubborn],
      source: { type: 'synthetic', rows: 1024, batch_size: 1024, seed: 5 },
      transforms: [{ type: 'stubborn_slow', column: 'id', poison: [700], delay_ms: 20, slow_call: 2, slow_ms: 250, timeout: 50, on_error: 'dead_letter' }],
      sink: { type: 'json_file', path: 'out.ndjson', format: 'ndjson' },
      dead_letter: { type: 'json_file', path: 'rejected.ndjson', format: 'ndjson' },
    });
    const ids = readNdjson(join(dir, 'out.ndjson')).map((row) => Number(row.id));
    expect(ids).toEqual(Array.from({ length: 1024 }, (_, i) => i).filter((i) => i !== 700));
    expect(readNdjson(join(dir, 'rejected.ndjson')).map((r) => r.row)).toEqual([700]);
    expect(summary.stages[1]).toMatchObject({ rowsIn: 1024, rowsOut: 1023, rowsDeadLettered: 1, rowsFiltered: 0 });
  });
});
