/**
 * Every built-in stage passes the compliance harness. A new built-in is one entry in one of the
 * tables below; an entry whose type is not registered (yet) is skipped, and a registered built-in
 * with no entry shows up as a todo. A check a built-in is known to fail is listed with the entry,
 * with the reason: the test then demands that it still fails, so whoever fixes the stage is told to
 * remove it from the list.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupStage, schema, stageTypes, type StageClass } from '../src/index.js';
import {
  assertCompliant,
  checkSinkCompliance,
  checkSourceCompliance,
  checkTransformCompliance,
  type Cases,
  type ComplianceCheck,
  type ComplianceResult,
  type SinkCases,
  type SourceCases,
  type TransformCases,
} from '../src/testing/harness.js';

/** Input for transforms and sinks: every type, a null in every column, NaN, repeated groups. */
const events = schema({ id: 'int64', ts: 'timestamp', user_id: 'int32', category: 'utf8', value: 'float64', flag: 'bool' });
const T0 = 1_767_225_600_000;
const rows = [
  { id: 1n, ts: T0, user_id: 7, category: 'cat_01', value: 95.5, flag: true },
  { id: 2n, ts: T0 + 1000, user_id: 8, category: 'cat_02', value: 12.25, flag: false },
  { id: 3n, ts: null, user_id: null, category: 'cat_01', value: 91, flag: null },
  { id: null, ts: T0 + 3000, user_id: 9, category: null, value: null, flag: true },
  { id: 5n, ts: T0 + 4000, user_id: 7, category: 'cat_03', value: Number.NaN, flag: false },
  { id: 6n, ts: T0 + 5000, user_id: 10, category: 'ünïcödé', value: 99.999, flag: true },
  { id: 7n, ts: T0 + 6000, user_id: -3, category: 'cat_02', value: -0.5, flag: false },
];

/** A check a built-in fails today, and why (found by this harness; the stage's owner fixes it). */
interface KnownFailure {
  readonly check: ComplianceCheck;
  readonly why: string;
}

type Entry<C> = [type: string, cases: Cases<C>, known?: readonly KnownFailure[]];

const sources: Entry<SourceCases>[] = [
  ['synthetic', { empty: { rows: 0 }, oneRow: { rows: 1 }, manyBatches: { rows: 1500, seed: 7 } }],
  [
    'csv',
    async (dir) => {
      const declared = { id: 'int64', name: 'utf8', value: 'float64', ok: 'bool' };
      const line = (i: number) => `${i},name ${i % 13},${(i * 0.125).toFixed(3)},${i % 2 === 0}\n`;
      const header = 'id,name,value,ok\n';
      await writeFile(join(dir, 'empty.csv'), header);
      await writeFile(join(dir, 'one.csv'), header + line(1));
      await writeFile(join(dir, 'many.csv'), header + Array.from({ length: 1500 }, (_, i) => line(i)).join(''));
      await writeFile(join(dir, 'nulls.csv'), `${header}1,a,1.5,true\n,,,\n3,"",,false\n`);
      const bad = Array.from({ length: 1500 }, (_, i) => (i === 700 ? '700,x,not a number,true\n' : line(i))).join('');
      await writeFile(join(dir, 'bad.csv'), header + bad);
      return {
        empty: { path: 'empty.csv', schema: declared },
        oneRow: { path: 'one.csv' },
        manyBatches: { path: 'many.csv' },
        nulls: { path: 'nulls.csv', schema: declared },
        failing: { path: 'bad.csv', schema: declared },
      };
    },
  ],
  [
    'ndjson',
    async (dir) => {
      const declared = { id: 'int64', name: 'utf8', value: 'float64', ok: 'bool' };
      const line = (i: number) => `${JSON.stringify({ id: i, name: `name ${i % 13}`, value: i * 0.125, ok: i % 2 === 0 })}\n`;
      await writeFile(join(dir, 'empty.ndjson'), '');
      await writeFile(join(dir, 'one.ndjson'), line(1));
      await writeFile(join(dir, 'many.ndjson'), Array.from({ length: 1500 }, (_, i) => line(i)).join(''));
      await writeFile(join(dir, 'nulls.ndjson'), `${line(1)}{"id":null,"name":null,"value":null,"ok":null}\n`);
      await writeFile(join(dir, 'bad.ndjson'), Array.from({ length: 1500 }, (_, i) => (i === 700 ? '{"id": 700, "name": \n' : line(i))).join(''));
      return {
        empty: { path: 'empty.ndjson', schema: declared },
        oneRow: { path: 'one.ndjson' },
        manyBatches: { path: 'many.ndjson' },
        nulls: { path: 'nulls.ndjson', schema: declared },
        failing: { path: 'bad.ndjson', schema: declared },
      };
    },
  ],
];

const transforms: Entry<TransformCases>[] = [
  ['threshold_filter', { options: { column: 'value', op: 'gt', value: 50 }, input: events, rows }],
  ['threshold_filter', { options: { column: 'category', op: 'eq', value: 'cat_01' }, input: events, rows }],
  [
    'aggregate',
    {
      options: {
        group_by: ['category'],
        aggregates: [
          { fn: 'count', as: 'n' },
          { fn: 'count', column: 'value', as: 'n_value' },
          { fn: 'sum', column: 'value', as: 'total' },
          { fn: 'mean', column: 'value', as: 'mean' },
          { fn: 'min', column: 'user_id', as: 'lo' },
          { fn: 'max', column: 'id', as: 'hi' },
        ],
      },
      input: events,
      rows,
    },
  ],
  ['aggregate', { options: { group_by: [], aggregates: [{ fn: 'count', as: 'n' }, { fn: 'sum', column: 'value', as: 'total' }] }, input: events, rows }],
  ['sort', { options: { by: [{ column: 'category' }, { column: 'value', desc: true }] }, input: events, rows }],
  ['limit', { options: { n: 10 }, input: events, rows }],
];

const sinks: Entry<SinkCases>[] = [
  ['json_file', (dir) => ({ options: { path: join(dir, 'out.json') }, input: events, rows })],
  ['json_file', (dir) => ({ options: { path: join(dir, 'out.ndjson'), format: 'ndjson' }, input: events, rows })],
  ['csv_file', (dir) => ({ options: { path: join(dir, 'out.csv') }, input: events, rows })],
];

function registered(type: string): StageClass | undefined {
  const looked = lookupStage(type);
  return 'found' in looked ? looked.found : undefined;
}

/** Compliant apart from the known failures, which must still fail. */
function expectCompliant(results: ComplianceResult[], type: string, known: readonly KnownFailure[] = []): void {
  const knownChecks = new Set(known.map((k) => k.check));
  assertCompliant(results.filter((r) => !knownChecks.has(r.check)), type);
  const fixed = known.filter((k) => results.find((r) => r.check === k.check)?.ok !== false).map((k) => k.check);
  expect(fixed, `${type} now passes these checks: remove them from its known failures`).toEqual([]);
}

function suite<C>(kind: string, table: Entry<C>[], check: (cls: StageClass, cases: Cases<C>) => Promise<ComplianceResult[]>): void {
  describe(`built-in ${kind}s pass the compliance harness`, () => {
    table.forEach(([type, cases, known], index) => {
      const cls = registered(type);
      it.skipIf(cls === undefined)(`${type} (entry ${index})${known ? ` except known failures: ${known.map((k) => k.check).join(', ')}` : ''}`, async () => {
        expectCompliant(await check(cls!, cases), type, known);
      });
    });
  });
}

suite('source', sources, checkSourceCompliance);
suite('transform', transforms, checkTransformCompliance);
suite('sink', sinks, checkSinkCompliance);

/** The built-in types of the contract (ARCHITECTURE.md): a misspelt entry would be skipped silently. */
const CONTRACT_TYPES = ['synthetic', 'csv', 'ndjson', 'threshold_filter', 'sort', 'limit', 'aggregate', 'json_file', 'csv_file'];

describe('the compliance table', () => {
  it('names only stage types of the contract', () => {
    const named = [...sources, ...transforms, ...sinks].map(([type]) => type);
    expect(named.filter((type) => !CONTRACT_TYPES.includes(type))).toEqual([]);
  });

  const covered = new Set([...sources, ...transforms, ...sinks].map(([type]) => type));
  for (const cls of stageTypes()) {
    if (!covered.has(cls.type)) it.todo(`add compliance cases for ${cls.kind} "${cls.type}" to test/harness-builtins.test.ts`);
  }
});
