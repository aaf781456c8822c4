import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsKernels, RecordBatch, schema, selectKernels, type Kernels } from '../src/index.js';
import { sortKeyOf } from '../src/stages/transforms/sort.js';
import { armKernelPanic } from './helpers/native-panic.js';

// Twin tests of top-k: the native topKF64 and its TypeScript twin (topKRows) give the same rows,
// and both equal the head of a full stable sort by the same keys.
const native = selectKernels('native');
const value = fc.oneof(fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 5e-324, 1, -1), fc.integer({ min: -4, max: 4 }), fc.double());

/** Rows 0..n-1 in the order of a full stable sort: (class, number) per key, NaN above numbers, -0 = 0. */
function fullSort(ords: Float64Array[], classes: (Uint8Array | null)[], n: number): number[] {
  const rows = Array.from({ length: n }, (_, i) => i);
  return rows.sort((a, b) => {
    for (let j = 0; j < ords.length; j++) {
      const c = classes[j];
      if (c != null && c[a] !== c[b]) return c[a]! - c[b]!;
      const x = ords[j]![a]!;
      const y = ords[j]![b]!;
      const nx = x !== x ? 1 : 0;
      const ny = y !== y ? 1 : 0;
      if (nx !== ny) return nx - ny;
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  });
}

function topK(kernels: Kernels, ords: Float64Array[], classes: (Uint8Array | null)[], n: number, sorted: number, k: number): number[] {
  const out = new Uint32Array(Math.min(k, n) + 2).fill(0xdead);
  const count = kernels.topKF64(ords, classes, n, sorted, k, out);
  expect(Array.from(out.subarray(count))).toEqual([0xdead, 0xdead]);
  return Array.from(out.subarray(0, count));
}

/** `ords`/`classes` with rows 0..prefix-1 replaced by themselves in sorted order, as sort keeps them. */
function withSortedPrefix(ords: Float64Array[], classes: (Uint8Array | null)[], prefix: number) {
  const head = fullSort(ords, classes, prefix);
  const reorder = <T extends Float64Array | Uint8Array>(a: T): T => {
    const b = a.slice() as T;
    head.forEach((r, i) => (b[i] = a[r]!));
    return b;
  };
  return { ords: ords.map(reorder), classes: classes.map((c) => (c === null ? null : reorder(c))) };
}

describe('topKF64: native kernel and TypeScript twin', () => {
  it('equal each other and the head of a full stable sort (NaN, ±0, ±Infinity, classes, ties, 1-3 keys, k = 0, 1, > n, sorted prefixes)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((nkeys) =>
          fc.array(fc.array(fc.tuple(value, fc.integer({ min: 0, max: 2 })), { minLength: nkeys, maxLength: nkeys }), { maxLength: 3000 }).map((rows) => ({ nkeys, rows })),
        ),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        fc.oneof(fc.constantFrom(0, 1, 2, 10), fc.integer({ min: 0, max: 4000 })),
        fc.nat(),
        ({ nkeys, rows }, withClasses, k, prefixSeed) => {
          const n = rows.length;
          let ords: Float64Array[] = Array.from({ length: nkeys }, (_, j) => Float64Array.from(rows, (r) => r[j]![0]));
          let classes: (Uint8Array | null)[] = Array.from({ length: nkeys }, (_, j) => (withClasses[j] ? Uint8Array.from(rows, (r) => r[j]![1]) : null));
          const sorted = n === 0 ? 0 : prefixSeed % (n + 1);
          ({ ords, classes } = withSortedPrefix(ords, classes, sorted));
          const expected = fullSort(ords, classes, n).slice(0, k);
          expect(topK(native, ords, classes, n, sorted, k)).toEqual(expected);
          expect(topK(jsKernels, ords, classes, n, sorted, k)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equal each other on the keys sort builds from columns with nulls and NaN, ascending and descending, batch after batch', () => {
    const s = schema({ v: 'float64', c: 'utf8' });
    fc.assert(
      fc.property(
        fc.array(fc.record({ v: fc.option(value, { nil: null }), c: fc.option(fc.constantFrom('a', 'b', 'é', ''), { nil: null }) }), { maxLength: 400 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 30 }),
        (rows, descV, descC, k) => {
          const batch = RecordBatch.fromRows(s, rows as never);
          const keys = [sortKeyOf(batch.column('c'), batch.numRows, descC), sortKeyOf(batch.column('v'), batch.numRows, descV)];
          const ords = keys.map((key) => key.ord!);
          const classes = keys.map((key) => key.cls);
          const expected = fullSort(ords, classes, batch.numRows).slice(0, k);
          expect(topK(native, ords, classes, batch.numRows, 0, k)).toEqual(expected);
          expect(topK(jsKernels, ords, classes, batch.numRows, 0, k)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('tighten the threshold over a long input: k = 10 of 200,000 rows, ascending and reversed', () => {
    const n = 200_000;
    for (const ord of [Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 10_007) - 5000), Float64Array.from({ length: n }, (_, i) => n - i)]) {
      const expected = fullSort([ord], [null], n).slice(0, 10);
      expect(topK(native, [ord], [null], n, 0, 10)).toEqual(expected);
      expect(topK(jsKernels, [ord], [null], n, 0, 10)).toEqual(expected);
    }
  });

  it('reject bad arguments with a TypeError or RangeError naming the argument, before writing', () => {
    const ord = new Float64Array([3, 1, 2]);
    for (const k of [native, jsKernels]) {
      const out = new Uint32Array(3).fill(7);
      expect(() => k.topKF64([ord], [], 3, 0, 2, out)).toThrow(/classes must have one entry per key/);
      expect(() => k.topKF64([ord], [null], 3, 4, 2, out)).toThrow(RangeError);
      expect(() => k.topKF64([ord], [null], 3, 4, 2, out)).toThrow(/sorted must be at most n/);
      expect(() => k.topKF64([ord], [null], 4, 0, 2, out)).toThrow(/ords\[0\] must have at least n \(4\) elements/);
      expect(() => k.topKF64([ord], [new Uint8Array(2)], 3, 0, 2, out)).toThrow(/classes\[0\] must have at least n \(3\) elements/);
      expect(() => k.topKF64([ord], [null], 3, 0, 3, out.subarray(0, 2))).toThrow(/out must have at least min\(k, n\) \(3\) elements/);
      expect(Array.from(out)).toEqual([7, 7, 7]);
    }
    const out = new Uint32Array(3);
    expect(() => native.topKF64([new Int32Array(3) as unknown as Float64Array], [null], 3, 0, 2, out)).toThrow(TypeError);
    expect(() => native.topKF64([new Int32Array(3) as unknown as Float64Array], [null], 3, 0, 2, out)).toThrow(/ords\[0\] must be a Float64Array/);
    expect(() => native.topKF64([ord], [new Float64Array(3) as unknown as Uint8Array], 3, 0, 2, out)).toThrow(/classes\[0\] must be a Uint8Array or null/);
    expect(() => native.topKF64(ord as unknown as Float64Array[], [null], 3, 0, 2, out)).toThrow(/ords must be an Array/);
    expect(() => native.topKF64([ord], [null], 3, 0, -1, out)).toThrow(/k must be an integer/);
    const shared = new Float64Array(4);
    expect(() => native.topKF64([shared], [null], 3, 0, 2, new Uint32Array(shared.buffer))).toThrow(/out must not share memory with ords\[0\]/);
  });
});

describe('a sort + limit whose native top-k panics', () => {
  it('is redone on the twin: the output equals the all-twin run and the summary says native+js', async () => {
    const { Pipeline } = await import('../src/index.js');
        const pipeline = await Pipeline.fromJob({
      threads: 0,
      source: { type: 'synthetic', rows: 20_000, batch_size: 4_096, seed: 5 },
      transforms: [{ type: 'sort', by: [{ column: 'category' }, { column: 'value', desc: true }] }, { type: 'limit', n: 25 }],
    });
    const twin = await pipeline.collect({ kernels: jsKernels });
    // One call per input batch: the third batch's panics.
    armKernelPanic('topKF64', 3);
    const { batch, summary } = await pipeline.collect({ kernels: native });
    armKernelPanic('topKF64', 0);
    expect(batch.numRows).toBe(25);
    expect(batch.toRows()).toEqual(twin.batch.toRows());
    expect(summary.stages[1]).toMatchObject({ implementation: 'native+js', degradedToTwin: 1 });
  });
});
