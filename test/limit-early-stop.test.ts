import { describe, expect, it } from 'vitest';
import { Pipeline, RecordBatch, schema } from '../src/index.js';
import { Limit } from '../src/stages/transforms/limit.js';
import { collectRows, testStageContext } from '../src/testing/context.js';

const s = schema({ i: 'int32' });

/** A stream of `batches` batches of 10 rows that records how far it was pulled and whether it was closed. */
function recordingInput(batches: number) {
  const log = { pulled: 0, finallyRan: false, drained: false };
  async function* generate(): AsyncGenerator<RecordBatch> {
    try {
      for (let b = 0; b < batches; b++) {
        log.pulled++;
        yield RecordBatch.fromRows(s, Array.from({ length: 10 }, (_, r) => ({ i: b * 10 + r })));
      }
      log.drained = true;
    } finally {
      log.finallyRan = true;
    }
  }
  return { log, stream: generate() };
}

const run = (n: number, input: AsyncIterable<RecordBatch>) => collectRows(new Limit(Limit.options.parse({ n })).transform(input, testStageContext({ schema: s })));

describe('limit stops pulling its input once it has n rows', () => {
  it('closes the input (its finally runs) without draining it', async () => {
    const { log, stream } = recordingInput(1000);
    const rows = await run(25, stream);
    expect(rows.map((r) => r.i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(log).toEqual({ pulled: 3, finallyRan: true, drained: false });
  });

  it('closes the input before handing on the last batch', async () => {
    const { log, stream } = recordingInput(1000);
    const out = new Limit(Limit.options.parse({ n: 15 })).transform(stream, testStageContext({ schema: s }))[Symbol.asyncIterator]();
    expect((await out.next()).value.numRows).toBe(10);
    expect(log.finallyRan).toBe(false);
    const last = await out.next();
    expect(last.value.numRows).toBe(5);
    expect(log).toEqual({ pulled: 2, finallyRan: true, drained: false });
    expect((await out.next()).done).toBe(true);
  });

  it('stops at an exact batch boundary without pulling the next batch', async () => {
    const { log, stream } = recordingInput(1000);
    expect(await run(20, stream)).toHaveLength(20);
    expect(log).toEqual({ pulled: 2, finallyRan: true, drained: false });
  });

  it('closes the input when its own consumer stops early', async () => {
    const { log, stream } = recordingInput(1000);
    for await (const batch of new Limit(Limit.options.parse({ n: 500 })).transform(stream, testStageContext({ schema: s }))) {
      expect(batch.numRows).toBe(10);
      break;
    }
    expect(log).toEqual({ pulled: 1, finallyRan: true, drained: false });
  });

  it('stops a 100-million-row synthetic source after the first batch, in a pipeline', async () => {
    const started = performance.now();
    const pipeline = await Pipeline.fromJob({ source: { type: 'synthetic', rows: 100_000_000 }, transforms: [{ type: 'limit', n: 5 }] });
    const { batch, summary } = await pipeline.collect();
    expect(batch.toRows().map((r) => r.id)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(summary.stages[0]!.rowsOut).toBe(65_536);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
