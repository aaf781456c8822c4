/**
 * The decomposable aggregation behind the `aggregate` stage: partial → merge → finalize.
 *
 * ```ts
 * const plan = planAggregate(options, inputSchema, ctx);        // plain data
 * // per split (a worker, say): one partial per split of the input
 * const a = new GroupedAggregation(plan);
 * for (const batch of split) a.update(batch);
 * const partial = a.toPartial();                                 // plain data: typed arrays, strings
 * // on the main thread: merge in split order, then finalize
 * const total = new GroupedAggregation(plan);
 * for (const p of partialsInSplitOrder) total.merge(p);
 * const result = total.finish();                                 // one RecordBatch, key order
 * ```
 *
 * A {@link PartialAggregate} holds no function, Map or class instance: it survives structured
 * clone and its buffers can be transferred. The hash indexes behind the group ids are rebuilt from
 * it ({@link GroupedAggregation.fromPartial}).
 *
 * Determinism: float sums are added in row order within a partial, and `merge` adds a partial's
 * sum to the sum so far. Merging the same partials in the same (split) order therefore gives
 * bit-identical results whatever the number of threads that computed them; the single-threaded
 * stage treats the whole stream as one split. Integer sums, counts, min and max are exact and do
 * not depend on order at all.
 */
import type { Column } from '../../../batch/column.js';
import { RecordBatch } from '../../../batch/record-batch.js';
import type { AggregatePlan } from './plan.js';
import { planSchema } from './plan.js';
import { Grouper, identity, keyColumn, type GroupKeysData } from './keys.js';
import * as k from './kernels.js';
import { jsKernels, type Kernels } from '../../../kernels/index.js';

/** What a slot of the per-group state holds. */
export type SlotKind = 'rows' | 'nulls' | 'sum' | 'sumLo' | 'sumHi' | 'min' | 'max' | 'minWords' | 'maxWords';

/** Slot of each accumulator of one value column; -1 when the plan does not need it. */
export interface ValueSlots {
  /** Null rows (the non-null count is rows − nulls). */
  readonly nulls: number;
  /** float64 sum in row order, starting from -0 (the identity of IEEE addition). */
  readonly sum: number;
  /** int32/int64 exact sum = sumHi·2^32 + sumLo, both integers held exactly in doubles. */
  readonly sumLo: number;
  readonly sumHi: number;
  /** int32/float64 min and max (from +/-Infinity; a NaN, once met, stays). */
  readonly min: number;
  readonly max: number;
  /** int64/timestamp min and max: the value's two little-endian words, read through an Int32Array. */
  readonly minWords: number;
  readonly maxWords: number;
}

/** Where each accumulator lives: `stride` slots per group, slot 0 the row count. */
export interface StateLayout {
  readonly stride: number;
  readonly kinds: readonly SlotKind[];
  /** One per {@link AggregatePlan.values}. */
  readonly values: readonly ValueSlots[];
}

/** The plain-data state of an aggregation: what a worker hands back for its split. */
export interface PartialAggregate {
  readonly keys: GroupKeysData;
  readonly layout: StateLayout;
  /** `keys.groups × layout.stride` slots: group g's slot o at g·stride + o. */
  readonly state: Float64Array;
  /** Per value column: rows added into its integer sum since the sum was last normalised. */
  readonly pending: readonly number[];
}

/** The state layout for `plan`. */
export function stateLayout(plan: AggregatePlan): StateLayout {
  const kinds: SlotKind[] = ['rows'];
  const slot = (kind: SlotKind, wanted: boolean) => (wanted ? kinds.push(kind) - 1 : -1);
  const values = plan.values.map((v): ValueSlots => {
    const float = v.type === 'float64';
    const int = v.type === 'int32' || v.type === 'int64';
    const words = v.type === 'int64' || v.type === 'timestamp';
    return {
      nulls: slot('nulls', true),
      sum: slot('sum', v.sum && float),
      sumLo: slot('sumLo', v.sum && int),
      sumHi: slot('sumHi', v.sum && int),
      min: slot('min', v.min && !words),
      max: slot('max', v.max && !words),
      minWords: slot('minWords', v.min && words),
      maxWords: slot('maxWords', v.max && words),
    };
  });
  return { stride: kinds.length, kinds, values };
}

/** Rows summed between normalisations of integer sums: keeps every partial sum below 2^53. */
const PENDING_LIMIT = 1 << 20;
const TWO_32 = 4294967296;
/** |sumHi| beyond this would stop being exact. */
const HI_LIMIT = 2 ** 52;


export class GroupedAggregation {
  readonly plan: AggregatePlan;
  readonly layout: StateLayout;
  private readonly grouper: Grouper;
  /** Groups the state has room for. */
  private capacity = 0;
  private state = new Float64Array(0);
  /** The same buffer as 32-bit words, for the int64 min/max slots. */
  private words = new Int32Array(0);
  /** One group's slots at their identity values. */
  private readonly empty: Float64Array;
  private readonly pending: number[];

  /** The kernels of the run (native or twins): both give bit-identical states. */
  private readonly kernels: Kernels;

  constructor(plan: AggregatePlan, kernels: Kernels = jsKernels) {
    this.plan = plan;
    this.kernels = kernels;
    this.layout = stateLayout(plan);
    this.grouper = new Grouper(plan.keys.map((key) => key.type), kernels);
    this.pending = plan.values.map(() => 0);
    this.empty = emptyGroup(this.layout);
    this.reserve(Math.max(16, this.grouper.groups));
  }

  /** An aggregation continuing from `partial` (same plan). */
  static fromPartial(plan: AggregatePlan, partial: PartialAggregate, kernels: Kernels = jsKernels): GroupedAggregation {
    const aggregation = new GroupedAggregation(plan, kernels);
    aggregation.merge(partial);
    return aggregation;
  }

  /** Number of groups so far. */
  get groups(): number {
    return this.grouper.groups;
  }

  /** Adds the rows of `batch` (of the plan's input schema). */
  update(batch: RecordBatch): void {
    const n = batch.numRows;
    if (n === 0) return;
    const plan = this.plan;
    const keyColumns = plan.keys.map((key) => columnOf(batch, key.index, key.name));
    const gids = this.grouper.assign(keyColumns, n);
    this.reserve(this.grouper.groups);
    const st = this.state;
    const stride = this.layout.stride;
    let rowsCounted = false;
    for (let v = 0; v < plan.values.length; v++) {
      const vp = plan.values[v]!;
      const slots = this.layout.values[v]!;
      const column = columnOf(batch, vp.index, vp.name);
      const validity = column.validity;
      switch (column.layout) {
        case 'float64':
          if (validity === null && slots.sum >= 0 && slots.min >= 0 && slots.max >= 0) {
            // The common summary (count, sum/mean, min, max of one column) in one pass.
            this.kernels.groupedStatsF64(column.values, gids.subarray(0, n), st, stride, rowsCounted ? -1 : 0, slots.sum, slots.min, slots.max);
          } else {
            // Nulls, or only some of sum/min/max: one pass that also counts rows and nulls.
            this.kernels.groupedStatsValidF64(column.values, validity, gids.subarray(0, n), st, stride, rowsCounted ? -1 : 0, slots.nulls, slots.sum, slots.min, slots.max);
          }
          rowsCounted = true;
          break;
        case 'int32':
        case 'int64':
        case 'timestamp': {
          // Chunks of at most PENDING_LIMIT rows (a multiple of 8: each chunk's validity starts on
          // a byte) keep the integer sums exact between normalisations.
          const rowsSlot = rowsCounted ? -1 : 0;
          for (let start = 0; start < n; start += PENDING_LIMIT) {
            const end = Math.min(n, start + PENDING_LIMIT);
            if (slots.sumLo >= 0 && this.pending[v]! + (end - start) > PENDING_LIMIT) this.normalize(v);
            const bits = validity === null ? null : validity.subarray(start >>> 3);
            const g = gids.subarray(start, end);
            if (column.layout === 'int32') {
              this.kernels.groupedStatsI32(column.values.subarray(start, end), bits, g, st, stride, rowsSlot, slots.nulls, slots.sumLo, slots.min, slots.max);
            } else {
              this.kernels.groupedStatsI64(column.values.subarray(start, end), bits, g, st, stride, rowsSlot, slots.nulls, slots.sumLo, slots.sumHi, slots.minWords, slots.maxWords);
            }
            if (slots.sumLo >= 0) this.pending[v]! += end - start;
          }
          rowsCounted = true;
          break;
        }
        default:
          // count(column) of any other type only needs the null count.
          if (validity !== null) k.countNulls(validity, gids, 0, n, st, stride, slots.nulls);
          break;
      }
    }
    if (!rowsCounted) k.countRows(gids, 0, n, st, stride, 0);
  }

  /** Moves the carries of value column v's sumLo into sumHi, leaving sumLo in [0, 2^32). */
  private normalize(v: number): void {
    const { sumLo, sumHi } = this.layout.values[v]!;
    if (sumLo < 0) return;
    const st = this.state;
    const stride = this.layout.stride;
    for (let g = 0; g < this.grouper.groups; g++) {
      const at = g * stride;
      const carry = Math.floor(st[at + sumLo]! / TWO_32);
      if (carry === 0) continue;
      st[at + sumLo]! -= carry * TWO_32;
      const hi = (st[at + sumHi]! += carry);
      if (hi > HI_LIMIT || hi < -HI_LIMIT) throw new RangeError(`aggregate: the running sum of "${this.plan.values[v]!.name}" is beyond ±2^84`);
    }
    this.pending[v] = 0;
  }

  /** Adds `partial` (a later split than everything merged so far) into this aggregation. */
  merge(partial: PartialAggregate): void {
    const plan = this.plan;
    const layout = this.layout;
    if (partial.layout.stride !== layout.stride || partial.layout.kinds.some((kind, s) => kind !== layout.kinds[s])) {
      throw new TypeError('aggregate: cannot merge a partial made by another plan');
    }
    const groups = partial.keys.groups;
    if (groups === 0) return;
    const keyColumns = plan.keys.map((_, j) => {
      const locals = plan.keys.length === 1 ? identity(groups) : partial.keys.groupKeys[j]!;
      return keyColumn(partial.keys.dictionaries[j]!, locals, groups);
    });
    const map = this.grouper.assign(keyColumns, groups).slice(0, groups);
    this.reserve(this.grouper.groups);
    plan.values.forEach((_, v) => this.normalize(v));
    const st = this.state;
    const sw = this.words;
    const from = partial.state;
    const fw = new Int32Array(from.buffer, from.byteOffset, from.length * 2);
    const stride = layout.stride;
    const kinds = layout.kinds;
    for (let g = 0; g < groups; g++) {
      const a = g * stride;
      const b = map[g]! * stride;
      for (let s = 0; s < stride; s++) {
        const kind = kinds[s]!;
        if (kind === 'minWords' || kind === 'maxWords') {
          // Only through the word views: a double load/store could canonicalise the bit pattern.
          const p = 2 * (a + s);
          const q = 2 * (b + s);
          const hi = fw[p + 1]!;
          const lo = fw[p]! >>> 0;
          const qhi = sw[q + 1]!;
          const qlo = sw[q]! >>> 0;
          const replace = kind === 'minWords' ? hi < qhi || (hi === qhi && lo < qlo) : hi > qhi || (hi === qhi && lo > qlo);
          if (replace) {
            sw[q] = fw[p]!;
            sw[q + 1] = hi;
          }
          continue;
        }
        const x = from[a + s]!;
        if (kind === 'min') {
          if (x < st[b + s]! || x !== x) st[b + s] = x;
        } else if (kind === 'max') {
          if (x > st[b + s]! || x !== x) st[b + s] = x;
        } else {
          // rows, nulls, sumLo, sumHi; and sum: this split's sum added after the earlier ones'.
          st[b + s]! += x;
        }
      }
    }
    plan.values.forEach((_, v) => this.normalize(v));
  }

  /** The state as plain data (copied, trimmed to the group count). */
  toPartial(): PartialAggregate {
    const groups = this.grouper.groups;
    return {
      keys: this.grouper.toData(),
      layout: this.layout,
      state: this.state.slice(0, groups * this.layout.stride),
      pending: [...this.pending],
    };
  }

  /** The result: one row per group, ordered by the group key ascending. */
  finish(): RecordBatch {
    const plan = this.plan;
    plan.values.forEach((_, v) => this.normalize(v));
    const st = this.state;
    const sw = this.words;
    const stride = this.layout.stride;
    let order = this.grouper.order();
    // Groups of no rows exist only as unused dictionary entries of a single utf8 key (see Grouper.assign).
    if (plan.keys.length === 1 && plan.keys[0]!.type === 'utf8') order = order.filter((g) => st[g * stride]! > 0);
    const count = order.length;
    // Every group's slots copied once into output order (one random access per group, not per
    // slot), as words so that the word slots keep their bit patterns.
    const sorted = new Float64Array(count * stride);
    const sortedWords = new Int32Array(sorted.buffer);
    const width = 2 * stride;
    for (let r = 0; r < count; r++) {
      const from = order[r]! * width;
      const to = r * width;
      for (let w = 0; w < width; w++) sortedWords[to + w] = sw[from + w]!;
    }
    const columns: Column[] = plan.keys.map((_, j) => {
      const locals = this.grouper.localIdsOf(j);
      const codes = new Int32Array(count);
      for (let r = 0; r < count; r++) codes[r] = locals[order[r]!]!;
      return keyColumn(this.grouper.dictionary(j), codes, count);
    });
    /** Slot `o` of every output row's group. */
    const gather = (o: number): Float64Array => {
      const out = new Float64Array(count);
      for (let r = 0; r < count; r++) out[r] = sorted[r * stride + o]!;
      return out;
    };
    const rows = gather(0);
    for (const output of plan.outputs) {
      if (output.value < 0) {
        columns.push({ layout: 'int64', values: int64FromCounts(rows), validity: null });
        continue;
      }
      const vp = plan.values[output.value]!;
      const slots = this.layout.values[output.value]!;
      const valid = gather(slots.nulls);
      for (let r = 0; r < count; r++) valid[r] = rows[r]! - valid[r]!;
      if (output.fn === 'count') {
        columns.push({ layout: 'int64', values: int64FromCounts(valid), validity: null });
        continue;
      }
      // Null where the group has no non-null value; the value slot under a null is left 0.
      const validity = validityWhere(valid);
      switch (output.fn) {
        case 'sum':
          if (slots.sum >= 0) columns.push({ layout: 'float64', values: zeroWhereNull(gather(slots.sum), valid), validity });
          else columns.push({ layout: 'int64', values: int64Sums(gather(slots.sumHi), gather(slots.sumLo), valid, vp.name), validity });
          break;
        case 'mean': {
          const means = slots.sum >= 0 ? gather(slots.sum) : exactSums(gather(slots.sumHi), gather(slots.sumLo));
          for (let r = 0; r < count; r++) means[r] = valid[r]! > 0 ? means[r]! / valid[r]! : 0;
          columns.push({ layout: 'float64', values: means, validity });
          break;
        }
        case 'min':
        case 'max': {
          const slot = output.fn === 'min' ? slots.min : slots.max;
          const wordSlot = output.fn === 'min' ? slots.minWords : slots.maxWords;
          switch (vp.type) {
            case 'float64':
              columns.push({ layout: 'float64', values: zeroWhereNull(gather(slot), valid), validity });
              break;
            case 'int32':
              columns.push({ layout: 'int32', values: Int32Array.from(zeroWhereNull(gather(slot), valid)), validity });
              break;
            case 'int64':
            case 'timestamp': {
              const values = new BigInt64Array(count);
              const out = new Int32Array(values.buffer);
              for (let r = 0; r < count; r++) {
                if (valid[r] === 0) continue;
                const at = 2 * (r * stride + wordSlot);
                out[2 * r] = sortedWords[at]!;
                out[2 * r + 1] = sortedWords[at + 1]!;
              }
              columns.push({ layout: vp.type, values, validity });
              break;
            }
            default:
              throw new TypeError(`aggregate: ${output.fn} of ${vp.type} is not supported`);
          }
          break;
        }
      }
    }
    return new RecordBatch(planSchema(plan), columns, count);
  }

  /** Grows the state to hold `groups` groups, new groups' slots at their identity values. */
  private reserve(groups: number): void {
    if (groups <= this.capacity) return;
    const capacity = Math.max(groups, this.capacity * 2, 16);
    const stride = this.layout.stride;
    const state = new Float64Array(capacity * stride);
    state.set(this.state);
    // New groups from the identity template, as words (so word slots keep their bit patterns),
    // doubling the filled run with copyWithin: a few memmoves, not a loop per group.
    const words = new Int32Array(state.buffer);
    const start = this.capacity * 2 * stride;
    words.set(new Int32Array(this.empty.buffer), start);
    for (let filled = 2 * stride; start + filled < words.length; filled *= 2) words.copyWithin(start + filled, start, start + filled);
    this.state = state;
    this.words = words;
    this.capacity = capacity;
  }
}

/** One group's slots at their identity values (word slots set through a word view). */
function emptyGroup(layout: StateLayout): Float64Array {
  const slots = new Float64Array(layout.stride);
  const words = new Int32Array(slots.buffer);
  layout.kinds.forEach((kind, s) => {
    switch (kind) {
      case 'sum':
        slots[s] = -0;
        break;
      case 'min':
        slots[s] = Infinity;
        break;
      case 'max':
        slots[s] = -Infinity;
        break;
      case 'minWords':
        words[2 * s] = -1; // the int64 maximum, 0x7fffffff_ffffffff
        words[2 * s + 1] = 0x7fffffff;
        break;
      case 'maxWords':
        words[2 * s] = 0; // the int64 minimum, 0x80000000_00000000
        words[2 * s + 1] = -0x80000000;
        break;
      default:
        break;
    }
  });
  return slots;
}

function columnOf(batch: RecordBatch, index: number, name: string): Column {
  const field = batch.schema.fields[index];
  if (field === undefined || field.name !== name) {
    throw new TypeError(`aggregate: expected column "${name}" at position ${index} of the input batch (schema: ${batch.schema})`);
  }
  return batch.columns[index]!;
}

/** Integer counts (< 2^53) as int64 values, written as words: no BigInt per value. */
function int64FromCounts(counts: Float64Array): BigInt64Array {
  const values = new BigInt64Array(counts.length);
  const words = new Int32Array(values.buffer);
  for (let r = 0; r < counts.length; r++) {
    const n = counts[r]!;
    words[2 * r] = n >>> 0;
    words[2 * r + 1] = Math.floor(n / TWO_32);
  }
  return values;
}

/**
 * Exact sums hi·2^32 + lo (lo in [0, 2^32)) as int64 values, written as words; an error naming
 * the column when one does not fit (rows with no value are skipped).
 */
function int64Sums(hi: Float64Array, lo: Float64Array, valid: Float64Array, name: string): BigInt64Array {
  const values = new BigInt64Array(hi.length);
  const words = new Int32Array(values.buffer);
  for (let r = 0; r < hi.length; r++) {
    if (valid[r] === 0) continue;
    const h = hi[r]!;
    if (h < -0x80000000 || h > 0x7fffffff) {
      const exact = BigInt(h) * 4294967296n + BigInt(lo[r]!);
      throw new RangeError(`aggregate: the sum of "${name}" (${exact}) overflows int64`);
    }
    words[2 * r] = lo[r]! >>> 0;
    words[2 * r + 1] = h;
  }
  return values;
}

/** hi·2^32 + lo as doubles: hi·2^32 is exact, so the one addition rounds the exact sum correctly. */
function exactSums(hi: Float64Array, lo: Float64Array): Float64Array {
  const out = new Float64Array(hi.length);
  for (let r = 0; r < hi.length; r++) out[r] = hi[r]! * TWO_32 + lo[r]!;
  return out;
}

/** `values` with 0 where `valid` is 0 (instead of an accumulator's identity, ±Infinity or -0). */
function zeroWhereNull(values: Float64Array, valid: Float64Array): Float64Array {
  for (let r = 0; r < values.length; r++) if (valid[r] === 0) values[r] = 0;
  return values;
}

/** A validity bitmap with row r null where `valid[r]` is 0; null when no row is. */
function validityWhere(valid: Float64Array): Uint8Array | null {
  let validity: Uint8Array | null = null;
  for (let r = 0; r < valid.length; r++) {
    if (valid[r] === 0) {
      validity ??= new Uint8Array((valid.length + 7) >>> 3).fill(0xff);
      validity[r >>> 3]! &= ~(1 << (r & 7));
    }
  }
  return validity;
}
