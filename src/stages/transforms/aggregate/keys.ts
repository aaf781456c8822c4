/**
 * Group keys: the id of each row's group, computed column by column with no allocation per row.
 *
 * Each key column has an index that gives every distinct value (null included: a null key is its
 * own group) a dense local id, in order of first appearance:
 *
 * - utf8 in dictionary layout: each dictionary object is mapped to local ids once (an Int32Array
 *   indexed by dictionary code, cached per dictionary object), so the row loop is one array read
 *   per row — none at all when the codes already are the local ids; small dictionaries are
 *   interned whole, large ones lazily (see Utf8Index); plain utf8 is dictionary-encoded per batch;
 * - int32 and bool: a plain array indexed by value when 0 <= value < 2^20 (the perfect-hash case:
 *   small ids, codes), a {@link PairTable} otherwise;
 * - int64, timestamp, float64: a {@link PairTable} on the value's two 32-bit words (float64 with
 *   -0 folded into 0 and every NaN into one NaN: NaN keys form one group).
 *
 * With one key column the local id is the group id. With several, ids are combined pairwise
 * through PairTables: ((l0, l1) → c1, (c1, l2) → c2, …), and the last id is the group id. Each
 * pairwise step is one call of the run's `internPairs` kernel (native or its twin) over the
 * batch, on the PairTable's own words; every table also keeps the pair of each of its ids, from
 * which a new group's local ids are decoded (no per-row pass to find the new groups).
 *
 * The distinct values ({@link KeyDictionary}) and the local ids of each group are plain data: the
 * indexes themselves are rebuilt from them ({@link Grouper.fromData}).
 */
import { encodeStrings } from '../../../batch/builder.js';
import { dictionaryStrings, utf8At, type Column, type Utf8Column } from '../../../batch/column.js';
import type { DataType } from '../../../batch/schema.js';
import { jsKernels, type Kernels } from '../../../kernels/index.js';
import { PairTable } from './hash.js';
import { compareCodePoints, compareNumbersNaNLast } from './order.js';
import { dictionaryEncode } from './strings.js';

/** The distinct values of one key column, in local-id order; slot `nullId` (if >= 0) is the null. */
export type KeyDictionary =
  | { readonly type: 'utf8'; readonly size: number; readonly nullId: number; readonly values: readonly string[] }
  | { readonly type: 'int32'; readonly size: number; readonly nullId: number; readonly values: Int32Array }
  | { readonly type: 'bool'; readonly size: number; readonly nullId: number; readonly values: Uint8Array }
  | { readonly type: 'float64'; readonly size: number; readonly nullId: number; readonly values: Float64Array }
  | { readonly type: 'int64' | 'timestamp'; readonly size: number; readonly nullId: number; readonly values: BigInt64Array };

/** The plain-data form of a {@link Grouper}: what a partial aggregate carries for its keys. */
export interface GroupKeysData {
  readonly groups: number;
  readonly dictionaries: readonly KeyDictionary[];
  /** With two or more key columns: per column, the local id of each group. Empty otherwise. */
  readonly groupKeys: readonly Int32Array[];
}

/** A utf8 dictionary up to this size (or up to its batch's rows) is interned whole on first sight. */
const EAGER_DICTIONARY = 4096;

/** Values in 0..DIRECT_LIMIT-1 of an int32/bool key go through a plain array. */
const DIRECT_LIMIT = 1 << 20;

abstract class KeyIndex {
  size = 0;
  nullId = -1;
  /**
   * The local ids of rows 0..n-1 of `column`: written into `out` and returned, or (when the
   * column's own codes are the local ids) that array returned as is.
   */
  abstract localIds(column: Column, n: number, out: Int32Array): Int32Array;
  /** The distinct values so far, viewing the index's buffers (copy before handing out). */
  abstract view(): KeyDictionary;

  /** Takes the values of `d` (a fresh index): each gets the same local id as in `d`. */
  load(d: KeyDictionary): void {
    // Lazy indexes give ids in order of first appearance, so reading the values in order works.
    this.localIds(keyColumn(d, identity(d.size), d.size), d.size, new Int32Array(d.size));
  }

  protected nullLocal(): number {
    if (this.nullId < 0) {
      this.nullId = this.size;
      this.pushNull();
    }
    return this.nullId;
  }
  protected abstract pushNull(): void;
}

class Utf8Index extends KeyIndex {
  private readonly byString = new Map<string, number>();
  private readonly values = emptyStrings();
  /** Per dictionary object met: dictionary code → local id, and whether that is the identity. */
  private readonly maps = new WeakMap<Utf8Column, { map: Int32Array; identity: boolean }>();

  private intern(value: string): number {
    let id = this.byString.get(value);
    if (id === undefined) {
      id = this.size++;
      this.values.push(value);
      this.byString.set(value, id);
    }
    return id;
  }

  protected pushNull(): void {
    this.size++;
    this.values.push('');
  }

  override load(d: KeyDictionary): void {
    const values = d.values as readonly string[];
    for (let i = 0; i < d.size; i++) {
      if (i === d.nullId) this.nullLocal();
      else this.intern(values[i]!);
    }
  }

  localIds(column: Column, n: number, out: Int32Array): Int32Array {
    if (column.layout === 'utf8') column = dictionaryEncode(column);
    if (column.layout !== 'dictionary') throw new TypeError(`aggregate: expected a utf8 key column, got ${column.layout}`);
    const dictionary = column.dictionary;
    const size = dictionary.offsets.length - 1;
    let entry = this.maps.get(dictionary);
    if (entry === undefined) {
      const map = new Int32Array(size);
      let identity = false;
      if (size <= Math.max(n, EAGER_DICTIONARY)) {
        // A dictionary no larger than its batch is interned whole, in dictionary order, once per
        // dictionary object: the first one gets ids 0..d-1, so its codes are the local ids and the
        // row loop disappears. Entries no row uses become groups of zero rows, left out by `finish`.
        const strings = dictionaryStrings(dictionary);
        identity = true;
        for (let c = 0; c < size; c++) {
          map[c] = this.intern(strings[c]!);
          if (map[c] !== c) identity = false;
        }
      } else {
        // A larger one (a big shared dictionary under a filtered batch, say) is mapped lazily:
        // only the codes rows use are decoded and interned.
        map.fill(-1);
      }
      entry = { map, identity };
      this.maps.set(dictionary, entry);
    }
    const { map, identity } = entry;
    const codes = column.codes;
    const validity = column.validity;
    if (validity === null) {
      if (identity) return codes;
      for (let i = 0; i < n; i++) {
        const code = codes[i]!;
        let id = map[code]!;
        if (id < 0) id = map[code] = this.intern(utf8At(dictionary, code));
        out[i] = id;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if ((validity[i >>> 3]! & (1 << (i & 7))) === 0) {
          out[i] = this.nullLocal();
          continue;
        }
        const code = codes[i]!;
        let id = map[code]!;
        if (id < 0) id = map[code] = this.intern(utf8At(dictionary, code));
        out[i] = id;
      }
    }
    return out;
  }

  view(): KeyDictionary {
    return { type: 'utf8', size: this.size, nullId: this.nullId, values: this.values };
  }
}

/** int32 and bool keys. */
class IntIndex extends KeyIndex {
  private values = new Int32Array(16);
  /** value → local id for 0 <= value < direct.length; -1 when not met yet. */
  private direct = new Int32Array(0);
  private readonly table = new PairTable();

  constructor(private readonly type: 'int32' | 'bool') {
    super();
  }

  private push(value: number): number {
    if (this.size === this.values.length) this.values = grown(this.values, this.size * 2);
    this.values[this.size] = value;
    return this.size++;
  }

  protected pushNull(): void {
    this.push(0);
  }

  /** The local id of `value` when it misses the direct array's fast path. */
  private slow(value: number): number {
    if (value >= 0 && value < DIRECT_LIMIT) {
      if (value >= this.direct.length) {
        let length = Math.max(256, this.direct.length * 2);
        while (length <= value) length *= 2;
        const direct = new Int32Array(Math.min(length, DIRECT_LIMIT)).fill(-1);
        direct.set(this.direct);
        this.direct = direct;
      }
      let id = this.direct[value]!;
      if (id < 0) id = this.direct[value] = this.push(value);
      return id;
    }
    const id = this.table.intern(value, 0, this.size);
    if (id === this.size) this.push(value);
    return id;
  }

  localIds(column: Column, n: number, out: Int32Array): Int32Array {
    let values: Int32Array;
    if (column.layout === 'int32') values = column.values;
    else if (column.layout === 'bool') values = Int32Array.from(column.values.subarray(0, n));
    else throw new TypeError(`aggregate: expected an ${this.type} key column, got ${column.layout}`);
    const validity = column.validity;
    let direct = this.direct;
    for (let i = 0; i < n; i++) {
      if (validity !== null && (validity[i >>> 3]! & (1 << (i & 7))) === 0) {
        out[i] = this.nullLocal();
        continue;
      }
      const v = values[i]!;
      let id = v >= 0 && v < direct.length ? direct[v]! : -1;
      if (id < 0) {
        id = this.slow(v);
        direct = this.direct;
      }
      out[i] = id;
    }
    return out;
  }

  view(): KeyDictionary {
    const values = this.values.subarray(0, this.size);
    return this.type === 'bool'
      ? { type: 'bool', size: this.size, nullId: this.nullId, values: Uint8Array.from(values) }
      : { type: 'int32', size: this.size, nullId: this.nullId, values };
  }
}

/** int64, timestamp and float64 keys, by their two little-endian 32-bit words. */
class WordIndex extends KeyIndex {
  /** Two words per local id: the values, little-endian like the typed arrays they came from. */
  private words = new Int32Array(32);
  private readonly table = new PairTable();

  constructor(private readonly type: 'int64' | 'timestamp' | 'float64') {
    super();
  }

  private push(lo: number, hi: number): number {
    if (2 * this.size === this.words.length) this.words = grown(this.words, this.words.length * 2);
    this.words[2 * this.size] = lo;
    this.words[2 * this.size + 1] = hi;
    return this.size++;
  }

  protected pushNull(): void {
    this.push(0, 0);
  }

  localIds(column: Column, n: number, out: Int32Array): Int32Array {
    const validity = column.validity;
    const table = this.table;
    if (column.layout === 'float64') {
      const values = column.values;
      const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
      for (let i = 0; i < n; i++) {
        if (validity !== null && (validity[i >>> 3]! & (1 << (i & 7))) === 0) {
          out[i] = this.nullLocal();
          continue;
        }
        const x = values[i]!;
        let lo = 0;
        let hi = 0;
        // -0 joins 0 (all-zero words); every NaN joins the canonical quiet NaN.
        if (x !== x) hi = 0x7ff80000;
        else if (x !== 0) {
          lo = words[2 * i]!;
          hi = words[2 * i + 1]!;
        }
        const id = table.intern(lo, hi, this.size);
        out[i] = id === this.size ? this.push(lo, hi) : id;
      }
      return out;
    }
    if (column.layout !== 'int64' && column.layout !== 'timestamp') throw new TypeError(`aggregate: expected a ${this.type} key column, got ${column.layout}`);
    const values = column.values;
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = 0; i < n; i++) {
      if (validity !== null && (validity[i >>> 3]! & (1 << (i & 7))) === 0) {
        out[i] = this.nullLocal();
        continue;
      }
      const lo = words[2 * i]!;
      const hi = words[2 * i + 1]!;
      const id = table.intern(lo, hi, this.size);
      out[i] = id === this.size ? this.push(lo, hi) : id;
    }
    return out;
  }

  view(): KeyDictionary {
    const buffer = this.words.buffer;
    if (this.type === 'float64') return { type: 'float64', size: this.size, nullId: this.nullId, values: new Float64Array(buffer, 0, this.size) };
    return { type: this.type, size: this.size, nullId: this.nullId, values: new BigInt64Array(buffer, 0, this.size) };
  }
}

function newIndex(type: DataType): KeyIndex {
  switch (type) {
    case 'utf8':
      return new Utf8Index();
    case 'int32':
    case 'bool':
      return new IntIndex(type);
    case 'int64':
    case 'timestamp':
    case 'float64':
      return new WordIndex(type);
  }
}

/** Assigns group ids to rows by their key columns. Groups are numbered in order of first appearance. */
export class Grouper {
  /** Number of groups so far. With no key columns there is always exactly one group. */
  groups: number;
  private readonly indexes: KeyIndex[];
  /** For k key columns, k-1 tables combining ids pairwise; the last one yields group ids. */
  private readonly tables: PairTable[] = [];
  /** Per table: the pair (a, b) of each of its ids. With two key columns these are the group keys. */
  private pairKeys: [Int32Array, Int32Array][] = [];
  /** k >= 2: per key column, the local id of each group. */
  private groupKeys: Int32Array[] = [];
  private scratch: Int32Array[] = [];
  private combined = new Int32Array(0);
  private spare = new Int32Array(0);
  private ids = new Int32Array(0);

  constructor(
    readonly types: readonly DataType[],
    private readonly kernels: Pick<Kernels, 'internPairs'> = jsKernels,
  ) {
    this.indexes = types.map(newIndex);
    this.groups = types.length === 0 ? 1 : 0;
    for (let j = 1; j < types.length; j++) {
      this.tables.push(new PairTable());
      this.pairKeys.push([new Int32Array(16), new Int32Array(16)]);
    }
    if (types.length === 2) this.groupKeys = this.pairKeys[0]!;
    else if (types.length > 2) this.groupKeys = types.map(() => new Int32Array(16));
  }

  /** A grouper holding the groups of `data`, with the same ids. */
  static fromData(types: readonly DataType[], data: GroupKeysData, kernels: Pick<Kernels, 'internPairs'> = jsKernels): Grouper {
    const grouper = new Grouper(types, kernels);
    const k = types.length;
    if (k === 0) return grouper;
    data.dictionaries.forEach((dictionary, j) => grouper.indexes[j]!.load(dictionary));
    if (k === 1) grouper.groups = data.dictionaries[0]!.size;
    else grouper.combine(data.groupKeys as Int32Array[], data.groups, new Int32Array(data.groups));
    return grouper;
  }

  /**
   * The group id of rows 0..n-1 of the key `columns` (in key order), in an array valid until the
   * next call (it may be reused or be a column's own codes, and may be longer than n). With one
   * utf8 key, groups may include dictionary entries no row used yet (zero rows).
   */
  assign(columns: readonly Column[], n: number): Int32Array {
    const k = this.indexes.length;
    if (this.ids.length < n) this.ids = new Int32Array(Math.max(n, this.ids.length * 2, 1024));
    if (k === 0) return this.ids; // zero-filled, never written
    if (k === 1) {
      const index = this.indexes[0]!;
      const ids = index.localIds(columns[0]!, n, this.ids);
      this.groups = index.size;
      return ids;
    }
    if (this.scratch.length === 0 || this.scratch[0]!.length < n) this.scratch = this.indexes.map(() => new Int32Array(this.ids.length));
    const locals = this.indexes.map((index, j) => index.localIds(columns[j]!, n, this.scratch[j]!));
    this.combine(locals, n, this.ids);
    return this.ids;
  }

  /** Group ids from per-column local ids, adding new groups (and recording their local ids). */
  private combine(locals: readonly Int32Array[], n: number, out: Int32Array): void {
    const k = locals.length;
    if (this.combined.length < n) {
      this.combined = new Int32Array(Math.max(n, this.combined.length * 2));
      this.spare = new Int32Array(this.combined.length);
    }
    // The intermediate ids alternate between two buffers: a kernel's input and output never overlap.
    let previous = locals[0]!.subarray(0, n);
    let buffer = this.combined;
    let spare = this.spare;
    const groupsBefore = this.groups;
    for (let j = 1; j < k; j++) {
      const table = this.tables[j - 1]!;
      table.reserve(n);
      const before = table.count;
      let keys = this.pairKeys[j - 1]!;
      if (keys[0].length < before + n) {
        const length = Math.max(before + n, keys[0].length * 2);
        keys = this.pairKeys[j - 1] = [grown(keys[0], length), grown(keys[1], length)];
      }
      const target = j === k - 1 ? out : buffer;
      table.count = this.kernels.internPairs(previous, locals[j]!.subarray(0, n), table.slotsArray, before, target, keys[0], keys[1]);
      previous = target.subarray(0, n);
      [buffer, spare] = [spare, buffer];
    }
    const groups = this.tables[k - 2]!.count;
    this.groups = groups;
    if (k === 2) {
      this.groupKeys = this.pairKeys[0]!;
      return;
    }
    // Decode each new group's local ids back through the tables: (c_{k-2}, l_{k-1}) from the last
    // table, then (c_{j-1}, l_j) from table j-1 down to c_0 = l_0.
    if (this.groupKeys[0]!.length < groups) this.groupKeys = this.groupKeys.map((a) => grown(a, Math.max(groups, a.length * 2)));
    const gk = this.groupKeys;
    const [lastA, lastB] = this.pairKeys[k - 2]!;
    for (let g = groupsBefore; g < groups; g++) {
      let c = lastA[g]!;
      gk[k - 1]![g] = lastB[g]!;
      for (let j = k - 2; j >= 1; j--) {
        const [a, b] = this.pairKeys[j - 1]!;
        gk[j]![g] = b[c]!;
        c = a[c]!;
      }
      gk[0]![g] = c;
    }
  }

  /** The local id of each group for key column `j`. */
  localIdsOf(j: number): Int32Array {
    return this.indexes.length === 1 ? identity(this.groups) : this.groupKeys[j]!.subarray(0, this.groups);
  }

  /** The distinct values of key column `j`, viewing the index (valid until the next assign). */
  dictionary(j: number): KeyDictionary {
    return this.indexes[j]!.view();
  }

  /** The keys as plain data, copied. */
  toData(): GroupKeysData {
    return {
      groups: this.groups,
      dictionaries: this.indexes.map((index) => copyDictionary(index.view())),
      groupKeys: this.indexes.length >= 2 ? this.groupKeys.map((a) => a.slice(0, this.groups)) : [],
    };
  }

  /**
   * The order of the groups by key ascending, column by column (strings by code point, NaN after
   * every number, null last).
   */
  order(): Int32Array {
    const k = this.indexes.length;
    if (k === 0) return identity(this.groups);
    const ranks = this.indexes.map((index) => keyRanks(index.view()));
    if (k === 1) {
      const order = new Int32Array(this.groups);
      const rank = ranks[0]!;
      for (let g = 0; g < this.groups; g++) order[rank[g]!] = g;
      return order;
    }
    // LSD radix sort: a stable counting sort of the groups by each key's rank, last key first.
    const groups = this.groups;
    let order: Int32Array = identity(groups);
    let spare: Int32Array = new Int32Array(groups);
    const rankOf = new Int32Array(groups);
    for (let j = k - 1; j >= 0; j--) {
      const rank = ranks[j]!;
      const locals = this.groupKeys[j]!;
      for (let g = 0; g < groups; g++) rankOf[g] = rank[locals[g]!]!;
      const starts = new Int32Array(rank.length + 1);
      for (let g = 0; g < groups; g++) starts[rankOf[g]! + 1]!++;
      for (let r = 1; r < starts.length; r++) starts[r]! += starts[r - 1]!;
      for (let i = 0; i < groups; i++) {
        const g = order[i]!;
        spare[starts[rankOf[g]!]!++] = g;
      }
      [order, spare] = [spare, order];
    }
    return order;
  }
}

/** 0, 1, …, n-1. */
export function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function grown<T extends Int32Array>(array: T, length: number): T {
  const out = new (array.constructor as new (n: number) => T)(length);
  out.set(array);
  return out;
}

function copyDictionary(d: KeyDictionary): KeyDictionary {
  switch (d.type) {
    case 'utf8':
      return { ...d, values: d.values.slice(0, d.size) };
    case 'int32':
      return { ...d, values: d.values.slice(0, d.size) };
    case 'bool':
      return { ...d, values: d.values.slice(0, d.size) };
    case 'float64':
      return { ...d, values: d.values.slice(0, d.size) };
    default:
      return { ...d, values: d.values.slice(0, d.size) };
  }
}

/** Ids below this pack beside an int32 value into one double (2^21). */
const PACK_IDS = 2097152;

/** Rank of each local id of `d` in key order (distinct values: distinct ranks; null last). */
export function keyRanks(d: KeyDictionary): Int32Array {
  const nullId = d.nullId;
  if ((d.type === 'int32' || d.type === 'bool') && d.size <= PACK_IDS) {
    // (value + 2^31)·2^21 + id is exact in a double: one native numeric sort, no comparator.
    const packed = new Float64Array(d.size);
    let m = 0;
    for (let id = 0; id < d.size; id++) if (id !== nullId) packed[m++] = (d.values[id]! + 2147483648) * PACK_IDS + id;
    const sorted = packed.subarray(0, m).sort();
    const ranks = new Int32Array(d.size);
    for (let r = 0; r < m; r++) ranks[sorted[r]! % PACK_IDS] = r;
    if (nullId >= 0) ranks[nullId] = m;
    return ranks;
  }
  let compare: (a: number, b: number) => number;
  switch (d.type) {
    case 'utf8': {
      const v = d.values;
      compare = (a, b) => compareCodePoints(v[a]!, v[b]!);
      break;
    }
    case 'int64':
    case 'timestamp': {
      const v = d.values;
      compare = (a, b) => (v[a]! < v[b]! ? -1 : v[a]! > v[b]! ? 1 : 0);
      break;
    }
    default: {
      const v: ArrayLike<number> = d.values;
      compare = (a, b) => compareNumbersNaNLast(v[a]!, v[b]!);
    }
  }
  const order = Array.from({ length: d.size }, (_, i) => i).sort((a, b) => (a === nullId ? 1 : b === nullId ? -1 : compare(a, b)));
  const ranks = new Int32Array(d.size);
  for (let r = 0; r < order.length; r++) ranks[order[r]!] = r;
  return ranks;
}

/**
 * The key values at local ids `codes[0..count)` as a column (null where the code is the null
 * slot): the output key columns and the input for merging one grouper into another.
 */
export function keyColumn(d: KeyDictionary, codes: Int32Array, count: number): Column {
  let validity: Uint8Array | null = null;
  if (d.nullId >= 0) {
    for (let i = 0; i < count; i++) {
      if (codes[i] === d.nullId) {
        validity ??= new Uint8Array((count + 7) >>> 3).fill(0xff);
        validity[i >>> 3]! &= ~(1 << (i & 7));
      }
    }
  }
  switch (d.type) {
    case 'utf8': {
      if (d.nullId < 0) return { layout: 'dictionary', codes: codes.slice(0, count), dictionary: encodeStrings(d.values.slice(0, d.size)), validity };
      // Leave the null slot's placeholder out of the dictionary.
      const nullId = d.nullId;
      const strings = d.values.slice(0, d.size);
      strings.splice(nullId, 1);
      if (strings.length === 0) strings.push(''); // null rows' code 0 stays in range
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const c = codes[i]!;
        out[i] = c === nullId ? 0 : c > nullId ? c - 1 : c;
      }
      return { layout: 'dictionary', codes: out, dictionary: encodeStrings(strings), validity };
    }
    case 'int32':
      return { layout: 'int32', values: take(d.values, new Int32Array(count), codes, count), validity };
    case 'bool':
      return { layout: 'bool', values: take(d.values, new Uint8Array(count), codes, count), validity };
    case 'float64':
      return { layout: 'float64', values: take(d.values, new Float64Array(count), codes, count), validity };
    case 'int64':
    case 'timestamp': {
      const from = new Int32Array(d.values.buffer, d.values.byteOffset, d.size * 2);
      const out = new BigInt64Array(count);
      const words = new Int32Array(out.buffer);
      for (let i = 0; i < count; i++) {
        words[2 * i] = from[2 * codes[i]!]!;
        words[2 * i + 1] = from[2 * codes[i]! + 1]!;
      }
      return { layout: d.type, values: out, validity };
    }
  }
}

function take<T extends Int32Array | Uint8Array | Float64Array>(from: T, out: T, codes: Int32Array, count: number): T {
  for (let i = 0; i < count; i++) out[i] = from[codes[i]!]!;
  return out;
}

/**
 * An empty array already of the elements kind strings need. A `[]` starts as an array of small
 * integers, and the first string pushed into each new index changed its map under optimised
 * code: `localIds` (which inlines `intern`) was thrown away and recompiled 7–9 times in a fresh
 * CSV Q2 run, ~10 ms of compiling each time.
 */
function emptyStrings(): string[] {
  const strings = [''];
  strings.length = 0;
  return strings;
}
