import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchTransform, JobError, Pipeline, registerStage, selectKernels, z, type JobSpec, type PlanContext, type RecordBatch, type Schema } from '../src/index.js';

/** Declares it reads nothing, yet checks (and uses) `id`: the planner must fall back to every column. */
export class WrongDeclaration extends BatchTransform<{ column: string }> {
  static readonly type = 'test_wrong_declaration';
  static readonly description = 'Declares no columns but reads one (tests only)';
  static readonly options = z.strictObject({ column: z.string() });
  static {
    registerStage(this);
  }
  override columnsRead(needed: ReadonlySet<string>): Iterable<string> {
    return needed;
  }
  override outputSchema(input: Schema, ctx: PlanContext): Schema {
    ctx.requireColumn(input, 'column', this.options.column);
    return input;
  }
  processBatch(batch: RecordBatch): RecordBatch {
    batch.column(this.options.column);
    return batch;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-projection-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A plain-JS plugin whose transform declares no columns (test_thread_probe passes batches through).
const plugin = new URL('./fixtures/parallel/stages.mjs', import.meta.url).pathname;

const rows = Array.from({ length: 3000 }, (_, i) => `${i},${1_700_000_000_000 + i * 1000},${(i * 7919) % 1000},cat_${String((i * 31) % 7).padStart(2, '0')},${((i * 104_729) % 100_000) / 1000}`);
writeFileSync(join(dir, 'events.csv'), `id,ts,user_id,category,value\n${rows.join('\n')}\n`);

const source = { type: 'csv', path: 'events.csv', schema: { ts: 'timestamp' } };
const q2 = [
  { type: 'threshold_filter', column: 'value', op: 'gt', value: 90 },
  { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }] },
];
const probe = { type: 'test_thread_probe', dir };

async function plan(transforms: unknown[], extra: Record<string, unknown> = {}): Promise<Pipeline> {
  return Pipeline.fromJob({ plugins: [plugin], threads: 0, source, transforms, ...extra } as JobSpec, { baseDir: dir });
}

describe('projection pushdown in the planner', () => {
  it('has the source read only the columns of a filter then an aggregation, and later stages see only those', async () => {
    const pipeline = await plan(q2);
    expect(pipeline.plan.projection?.columns).toEqual(['category', 'value']);
    expect(pipeline.plan.projection?.full.names).toEqual(['id', 'ts', 'user_id', 'category', 'value']);
    expect(pipeline.plan.source.schema.names).toEqual(['category', 'value']);
    expect(pipeline.plan.transforms[0]!.schema.names).toEqual(['category', 'value']);
    const [batch] = await (async () => {
      const out = [];
      for await (const b of pipeline.batches()) out.push(b);
      return out;
    })();
    expect(batch!.schema.names).toEqual(['category', 'n', 'total']);
  });

  it('carries what a filter, a sort and a limit read back to the source, in the file order', async () => {
    const chain = [
      { type: 'threshold_filter', column: 'user_id', op: 'lt', value: 500 },
      { type: 'sort', by: [{ column: 'ts', desc: true }] },
      { type: 'limit', n: 40 },
      { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'max', column: 'id', as: 'last' }] },
    ];
    const projected = await plan(chain);
    expect(projected.plan.projection?.columns).toEqual(['id', 'ts', 'user_id', 'category']);
    expect(projected.plan.transforms.map((t) => t.schema.names)).toEqual([
      ['id', 'ts', 'user_id', 'category'],
      ['id', 'ts', 'user_id', 'category'],
      ['id', 'ts', 'user_id', 'category'],
      ['category', 'last'],
    ]);
    const whole = await plan([probe, ...chain]);
    expect(whole.plan.projection).toBeUndefined();
    expect(await projected.rows()).toEqual(await whole.rows());
  });

  it('keeps every column before a plugin transform that declares none', async () => {
    const pipeline = await plan([probe, ...q2]);
    expect(pipeline.plan.projection).toBeUndefined();
    expect(pipeline.plan.source.schema.names).toEqual(['id', 'ts', 'user_id', 'category', 'value']);
    expect(pipeline.plan.transforms[0]!.schema.names).toEqual(['id', 'ts', 'user_id', 'category', 'value']);
  });

  it('keeps every column when a plugin transform that declares none sits between a filter and an aggregation', async () => {
    const pipeline = await plan([q2[0], probe, q2[1]]);
    expect(pipeline.plan.projection).toBeUndefined();
  });

  it('reads every column for the output of the last transform and for a job with no transform', async () => {
    expect((await plan([q2[0]])).plan.projection).toBeUndefined();
    expect((await plan([])).plan.projection).toBeUndefined();
    // A limit passes on what is read after it: with nothing after it, that is every column.
    expect((await plan([{ type: 'limit', n: 3 }])).plan.projection).toBeUndefined();
  });

  it('goes back to every column when a stage rejects its projected input (a declaration that leaves out a column it checks)', async () => {
    const pipeline = await plan([{ type: 'test_wrong_declaration', column: 'id' }, ...q2]);
    expect(pipeline.plan.projection).toBeUndefined();
    expect(pipeline.plan.source.schema.names).toEqual(['id', 'ts', 'user_id', 'category', 'value']);
    expect(pipeline.plan.transforms[1]!.schema.names).toEqual(['id', 'ts', 'user_id', 'category', 'value']);
    expect(await pipeline.rows()).toEqual(await (await plan(q2)).rows());
  });

  it('reads every column a stage sends whole to the dead-letter output', async () => {
    const pipeline = await plan([{ ...q2[0], on_error: 'dead_letter' }, q2[1]], { dead_letter: { type: 'json_file', path: 'rejected.json' } });
    expect(pipeline.plan.projection).toBeUndefined();
  });

  it('keeps one column when no stage reads any (a count of rows), so batches still carry their rows', async () => {
    const pipeline = await plan([{ type: 'aggregate', aggregates: [{ fn: 'count', as: 'n' }] }]);
    expect(pipeline.plan.projection?.columns).toEqual(['id']);
    expect(await pipeline.rows()).toEqual([{ n: 3000n }]);
  });

  it('gives the same rows with and without projection, with either parser', async () => {
    for (const implementation of ['js', 'native'] as const) {
      const kernels = selectKernels(implementation);
      const projected = await (await plan(q2)).rows({ kernels });
      const whole = await (await plan([probe, ...q2])).rows({ kernels });
      expect(projected.length).toBe(7);
      expect(projected).toEqual(whole);
    }
  });

  it('checks options against the whole header: a missing column is reported before data flows, with every column listed', async () => {
    const bad = [q2[0], { type: 'aggregate', group_by: ['category'], aggregates: [{ fn: 'sum', column: 'valeu' }] }];
    const error = await plan(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobError);
    expect((error as JobError).message).toContain('transforms[1].aggregates[0].column: no column "valeu" in the input (did you mean "value"?) (columns: id, ts, user_id, category, value)');
    const wrongType = await plan([{ type: 'threshold_filter', column: 'category', op: 'gt', value: 3 }, q2[1]]).catch((e: unknown) => e);
    expect((wrongType as JobError).message).toContain('transforms[0].op: must be eq or ne on utf8 column "category" (got "gt")');
  });
});
