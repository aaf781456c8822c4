/**
 * The kernel set behind one interface, implemented twice: Rust (native, through napi-rs) and
 * TypeScript (the twins). `SLUICE_KERNELS=js` forces the twins, `SLUICE_KERNELS=native` demands
 * the addon; unset, native is used when it loads, and a failure to load is said once on stderr.
 */
import { warnOnce } from '../observe/log.js';
import { compareBigInts, compareNumbers, type CompareOp } from './compare.js';
import { filterGroupedStatsF64, groupedStatsF64 } from './group.js';
import { internPairs } from './group-multi.js';
import { groupedStatsI32, groupedStatsI64, groupedStatsValidF64 } from './group-typed.js';
import { loadNativeAddon, type NativeAddon } from './native.js';
import { sortStableF64 } from './sort.js';
import { compareDictionary, compareUtf8 } from './strings.js';
import { takeF64, takeI32, takeI64, takeValidity } from './take.js';
import { topKF64 } from './topk.js';

export { COMPARE_OPS, compareBigInts, compareNumbers, type CompareOp } from './compare.js';

export type Implementation = 'native' | 'js';

/**
 * Every kernel writes into memory the caller allocated (JS buffers, so that they can be
 * transferred to a worker); selections are ascending `Uint32Array` row indices and return their
 * count. Nulls never pass a comparison; NaN follows IEEE 754 (only `ne` passes); -0 equals 0.
 */
export interface Kernels {
  readonly implementation: Implementation;
  /** Selection of rows where `values[i] op threshold`; see {@link compareNumbers} for semantics. */
  compareF64(values: Float64Array, validity: Uint8Array | null, op: CompareOp, threshold: number, out: Uint32Array): number;
  /** int32 comparison, exact against a fractional threshold. */
  compareI32(values: Int32Array, validity: Uint8Array | null, op: CompareOp, threshold: number, out: Uint32Array): number;
  /** int64/timestamp comparison, exact (no rounding of values beyond 2^53 nor of the threshold). */
  compareI64(values: BigInt64Array, validity: Uint8Array | null, op: CompareOp, threshold: number, out: Uint32Array): number;
  /** `eq`/`ne` of a plain utf8 column (offsets + bytes) with a string, on bytes. */
  compareUtf8(offsets: Int32Array, bytes: Uint8Array, validity: Uint8Array | null, op: CompareOp, needle: string, out: Uint32Array): number;
  /** `eq`/`ne` of a dictionary column: each entry compared once, then the codes mapped. */
  compareDictionary(codes: Int32Array, dictionaryOffsets: Int32Array, dictionaryBytes: Uint8Array, validity: Uint8Array | null, op: CompareOp, needle: string, out: Uint32Array): number;
  /** `out[j] = values[indices[j]]`; an index out of range is a RangeError before anything is written. */
  takeF64(values: Float64Array, indices: Uint32Array, out: Float64Array): void;
  takeI32(values: Int32Array, indices: Uint32Array, out: Int32Array): void;
  takeI64(values: BigInt64Array, indices: Uint32Array, out: BigInt64Array): void;
  /** The validity bits of rows `indices` into `out`; returns how many of them are null. */
  takeValidity(validity: Uint8Array, rows: number, indices: Uint32Array, out: Uint8Array): number;
  /**
   * Row count, sum, min and max of a null-free float column per group, into `state` (`stride`
   * slots per group; `rowsSlot` < 0 skips the count), in row order: native and twin are
   * bit-identical, so partials do not depend on which ran.
   */
  groupedStatsF64(values: Float64Array, gids: Int32Array, state: Float64Array, stride: number, rowsSlot: number, sumSlot: number, minSlot: number, maxSlot: number): void;
  /** The fused filter + group-by: {@link Kernels.groupedStatsF64} over the valid rows where `values[i] op threshold`. */
  filterGroupedStatsF64(
    values: Float64Array,
    validity: Uint8Array | null,
    gids: Int32Array,
    op: CompareOp,
    threshold: number,
    state: Float64Array,
    stride: number,
    rowsSlot: number,
    sumSlot: number,
    minSlot: number,
    maxSlot: number,
  ): void;
  /**
   * Row count, null count, sum, min and max of a float64 column with nulls, per group, in row
   * order (bit-identical in both implementations). Any slot < 0 skips its accumulator; a null row
   * adds only to the row and null counts.
   */
  groupedStatsValidF64(
    values: Float64Array,
    validity: Uint8Array | null,
    gids: Int32Array,
    state: Float64Array,
    stride: number,
    rowsSlot: number,
    nullsSlot: number,
    sumSlot: number,
    minSlot: number,
    maxSlot: number,
  ): void;
  /** {@link Kernels.groupedStatsValidF64} of an int32 column: the sum exact while fewer than 2^21 rows are added between normalisations. */
  groupedStatsI32(
    values: Int32Array,
    validity: Uint8Array | null,
    gids: Int32Array,
    state: Float64Array,
    stride: number,
    rowsSlot: number,
    nullsSlot: number,
    sumSlot: number,
    minSlot: number,
    maxSlot: number,
  ): void;
  /**
   * {@link Kernels.groupedStatsValidF64} of an int64/timestamp column: the exact sum as unsigned
   * low words and signed high words (fewer than 2^20 rows between normalisations); the min/max
   * slots hold the value's two words (read them through an Int32Array view of the state).
   */
  groupedStatsI64(
    values: BigInt64Array,
    validity: Uint8Array | null,
    gids: Int32Array,
    state: Float64Array,
    stride: number,
    rowsSlot: number,
    nullsSlot: number,
    sumLoSlot: number,
    sumHiSlot: number,
    minSlot: number,
    maxSlot: number,
  ): void;
  /**
   * One step of a stable multi-key sort: reorders `permutation` (row indices into `keys`) in
   * place, stably, by `(classes[row], keys[row])` ascending; -0 equals 0, NaN is above every
   * number. Call it per key, last key first.
   */
  sortStableF64(keys: Float64Array, classes: Uint8Array | null, permutation: Uint32Array): void;
  /**
   * Group ids of several key columns, one pair at a time: interns `(a[i], b[i])` into a
   * `PairTable`'s words `slots` holding `count` keys (the caller reserves room for every row being
   * new), writes each row's id into `out` and returns the new count. New ids are dense, in order
   * of first appearance; with `keysA`/`keysB` each new id's pair is recorded there too.
   */
  internPairs(a: Int32Array, b: Int32Array, slots: Int32Array, count: number, out: Int32Array, keysA: Int32Array | null, keysB: Int32Array | null): number;
  /**
   * Top-k for `sort` + `limit`: writes into `out` the first `min(k, n)` rows of `0..n` in stable
   * key order and returns how many. Key `j` orders rows by `(classes[j][row], ords[j][row])` as a
   * {@link Kernels.sortStableF64} step does (`classes[j]` null: all class 0); keys compare in
   * turn, the row index breaks ties. Rows `0..sorted` must already be in that order.
   */
  topKF64(ords: readonly Float64Array[], classes: readonly (Uint8Array | null)[], n: number, sorted: number, k: number, out: Uint32Array): number;
}

export const jsKernels: Kernels = {
  implementation: 'js',
  compareF64: compareNumbers,
  compareI32: compareNumbers,
  compareI64: compareBigInts,
  compareUtf8,
  compareDictionary,
  takeF64,
  takeI32,
  takeI64,
  takeValidity,
  groupedStatsF64,
  filterGroupedStatsF64,
  groupedStatsValidF64,
  groupedStatsI32,
  groupedStatsI64,
  sortStableF64,
  internPairs,
  topKF64,
};

/** The addon's functions: the generated bindings already have the interface's signatures. */
function nativeKernels(addon: NativeAddon): Kernels {
  return {
    implementation: 'native',
    compareF64: addon.compareF64,
    compareI32: addon.compareI32,
    compareI64: addon.compareI64,
    compareUtf8: addon.compareUtf8,
    compareDictionary: addon.compareDictionary,
    takeF64: addon.takeF64,
    takeI32: addon.takeI32,
    takeI64: addon.takeI64,
    takeValidity: addon.takeValidity,
    groupedStatsF64: addon.groupedStatsF64,
    filterGroupedStatsF64: addon.filterGroupedStatsF64,
    groupedStatsValidF64: newer(addon, 'groupedStatsValidF64'),
    groupedStatsI32: newer(addon, 'groupedStatsI32'),
    groupedStatsI64: newer(addon, 'groupedStatsI64'),
    sortStableF64: newer(addon, 'sortStableF64'),
    internPairs: newer(addon, 'internPairs'),
    topKF64: newer(addon, 'topKF64'),
  };
}

/** Kernels added after the first native set: a stale addon may lack them. */
type NewerKernel = 'groupedStatsValidF64' | 'groupedStatsI32' | 'groupedStatsI64' | 'sortStableF64' | 'internPairs' | 'topKF64';

/**
 * The addon's `name`, or — when the loaded binary predates it — the twin, said once on stderr
 * (the run would otherwise fail on a call of undefined). Under `SLUICE_KERNELS=native` the
 * missing kernel is an error instead, like a missing addon.
 */
function newer<K extends NewerKernel>(addon: NativeAddon, name: K): Kernels[K] {
  const fn = (addon as unknown as Partial<Pick<Kernels, NewerKernel>>)[name];
  if (typeof fn === 'function') return fn as Kernels[K];
  const twin = jsKernels[name];
  return ((...args: Parameters<Kernels[K]>) => {
    if (kernelChoiceFromEnv() === 'native') throw new Error(`SLUICE_KERNELS=native but the loaded native addon has no ${name} (rebuild it: npm run build)`);
    warnOnce(`native-missing-${name}`, `the loaded native addon has no ${name} (rebuild it: npm run build); running its TypeScript twin`);
    return (twin as (...a: unknown[]) => unknown)(...args);
  }) as unknown as Kernels[K];
}

export type KernelChoice = 'auto' | 'js' | 'native';

export function kernelChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): KernelChoice {
  const value = env.SLUICE_KERNELS;
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'js' || value === 'native') return value;
  throw new RangeError(`SLUICE_KERNELS must be one of js, native (got ${JSON.stringify(value)})`);
}

let cachedNative: Kernels | Error | undefined;

function tryNative(): Kernels | Error {
  if (cachedNative === undefined) {
    const load = loadNativeAddon();
    cachedNative = load.state === 'loaded' ? nativeKernels(load.addon) : load.error;
  }
  return cachedNative;
}

/** The kernels to use for `choice`; throws when native is demanded and cannot load. */
export function selectKernels(choice: KernelChoice = kernelChoiceFromEnv()): Kernels {
  if (choice === 'js') return jsKernels;
  const native = tryNative();
  if (!(native instanceof Error)) return native;
  if (choice === 'native') {
    throw new Error(`SLUICE_KERNELS=native but the native addon could not be loaded: ${native.message}`);
  }
  warnOnce('native-missing', `the native addon could not be loaded (${firstLine(native.message)}); running on the TypeScript kernels`);
  return jsKernels;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}
