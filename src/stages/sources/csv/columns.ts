/**
 * The second pass: tokenized fields into typed columns, one tight loop per column type. Each
 * column converts every row of a segment and reports its first bad row (or -1), so the caller can
 * raise the error that comes first in the file whichever column it is in.
 *
 * Nulls: an empty unquoted field is null in every type. A quoted empty field (`""`) is the empty
 * string in a utf8 column and null in any other (the empty string is no number or bool, and
 * writers that quote every field write their nulls that way). A null's value slot is written 0:
 * the columns are allocated uninitialised, as the native parser's are (../native-columns.ts), so
 * every slot of every row read is written and no batch depends on what the memory held.
 */
import { isUtf8 } from 'node:buffer';
import { allValid } from '../../../batch/bitmap.js';
import type { Column, Utf8Column } from '../../../batch/column.js';
import type { DataType } from '../../../batch/schema.js';
import { uninitialised } from '../native-columns.js';
import { QUOTE } from './dialect.js';
import { ESCAPED, type Tokens } from './tokenizer.js';
import { OK, OUT_OF_RANGE, parseBoolInto, parseFloat64Into, parseInt32Into, parseInt64Into } from './values.js';

/** Why a field could not be read, for the error message. */
export type Reason = 'syntax' | 'range' | 'utf8';

export abstract class ColumnReader {
  protected capacity = 0;
  protected validity: Uint8Array | null = null;
  /** Why the last reported row failed. */
  reason: Reason = 'syntax';

  /** Makes room for `rows` rows in the batch under construction. */
  abstract reserve(rows: number): void;
  /**
   * Converts field `col` of every tokenized row into batch rows [at, at + t.rows); returns the
   * index (in `t`) of the first row that cannot be read, or -1. `checkUtf8` asks for each text
   * field to be validated (the segment was not valid UTF-8 as a whole).
   */
  abstract read(buf: Buffer, t: Tokens, col: number, at: number, checkUtf8: boolean): number;
  /** The column of the first `rows` rows; the reader starts over empty. */
  abstract finish(rows: number): Column;

  protected setNull(row: number): void {
    if (this.validity === null) this.validity = allValid(this.capacity);
    this.validity[row >>> 3]! &= ~(1 << (row & 7));
  }

  protected growValidity(capacity: number): void {
    if (this.validity === null) return;
    const grown = allValid(capacity);
    grown.set(this.validity);
    this.validity = grown;
  }

  protected takeValidity(rows: number): Uint8Array | null {
    const validity = this.validity;
    this.validity = null;
    if (validity === null) return null;
    const bytes = (rows + 7) >>> 3;
    const out = validity.length === bytes ? validity : validity.slice(0, bytes);
    // Bits past the last row are 1 in the scratch bitmap; clear them so the bitmap is canonical.
    if (rows & 7) out[bytes - 1]! &= (1 << (rows & 7)) - 1;
    return out;
  }
}

type TypedArray = Float64Array | Int32Array | BigInt64Array | Uint8Array;

function grown<T extends TypedArray>(array: T, capacity: number): T {
  const out = new (array.constructor as new (n: number) => T)(capacity);
  out.set(array as never);
  return out;
}

/** As `grown`, for a column's values: the slots past `array`'s are left uninitialised. */
function grownColumn<T extends TypedArray>(array: T, capacity: number): T {
  const out = new (array.constructor as new (buffer: ArrayBuffer) => T)(uninitialised(capacity * array.BYTES_PER_ELEMENT));
  out.set(array as never);
  return out;
}

function fitted<T extends TypedArray>(array: T, rows: number): T {
  return (array.length === rows ? array : array.slice(0, rows)) as T;
}

class Float64Reader extends ColumnReader {
  private values = new Float64Array(0);
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.values = grownColumn(this.values, rows);
    this.growValidity(rows);
    this.capacity = rows;
  }
  read(buf: Buffer, t: Tokens, col: number, at: number): number {
    const { starts, ends, width, rows } = t;
    const values = this.values;
    for (let r = 0, i = col; r < rows; r++, i += width) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (s === e) {
        values[at + r] = 0;
        this.setNull(at + r);
        continue;
      }
      if (parseFloat64Into(buf, s, e, values, at + r) !== OK) {
        this.reason = 'syntax';
        return r;
      }
    }
    return -1;
  }
  finish(rows: number): Column {
    const column: Column = { layout: 'float64', values: fitted(this.values, rows), validity: this.takeValidity(rows) };
    this.values = new Float64Array(0);
    this.capacity = 0;
    return column;
  }
}

class Int32Reader extends ColumnReader {
  private values = new Int32Array(0);
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.values = grownColumn(this.values, rows);
    this.growValidity(rows);
    this.capacity = rows;
  }
  read(buf: Buffer, t: Tokens, col: number, at: number): number {
    const { starts, ends, width, rows } = t;
    const values = this.values;
    for (let r = 0, i = col; r < rows; r++, i += width) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (s === e) {
        values[at + r] = 0;
        this.setNull(at + r);
        continue;
      }
      const status = parseInt32Into(buf, s, e, values, at + r);
      if (status !== OK) {
        this.reason = status === OUT_OF_RANGE ? 'range' : 'syntax';
        return r;
      }
    }
    return -1;
  }
  finish(rows: number): Column {
    const column: Column = { layout: 'int32', values: fitted(this.values, rows), validity: this.takeValidity(rows) };
    this.values = new Int32Array(0);
    this.capacity = 0;
    return column;
  }
}

class Int64Reader extends ColumnReader {
  private values = new BigInt64Array(0);
  private words = new Int32Array(0);
  constructor(private readonly layout: 'int64' | 'timestamp') {
    super();
  }
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.values = grownColumn(this.values, rows);
    this.words = new Int32Array(this.values.buffer);
    this.growValidity(rows);
    this.capacity = rows;
  }
  read(buf: Buffer, t: Tokens, col: number, at: number): number {
    const { starts, ends, width, rows } = t;
    const values = this.values;
    const words = this.words;
    for (let r = 0, i = col; r < rows; r++, i += width) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (s === e) {
        words[2 * (at + r)] = 0;
        words[2 * (at + r) + 1] = 0;
        this.setNull(at + r);
        continue;
      }
      const status = parseInt64Into(buf, s, e, values, words, at + r);
      if (status !== OK) {
        this.reason = status === OUT_OF_RANGE ? 'range' : 'syntax';
        return r;
      }
    }
    return -1;
  }
  finish(rows: number): Column {
    const column: Column = { layout: this.layout, values: fitted(this.values, rows), validity: this.takeValidity(rows) };
    this.values = new BigInt64Array(0);
    this.words = new Int32Array(0);
    this.capacity = 0;
    return column;
  }
}

class BoolReader extends ColumnReader {
  private values = new Uint8Array(0);
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.values = grownColumn(this.values, rows);
    this.growValidity(rows);
    this.capacity = rows;
  }
  read(buf: Buffer, t: Tokens, col: number, at: number): number {
    const { starts, ends, width, rows } = t;
    const values = this.values;
    for (let r = 0, i = col; r < rows; r++, i += width) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (s === e) {
        values[at + r] = 0;
        this.setNull(at + r);
        continue;
      }
      if (parseBoolInto(buf, s, e, values, at + r) !== OK) {
        this.reason = 'syntax';
        return r;
      }
    }
    return -1;
  }
  finish(rows: number): Column {
    const column: Column = { layout: 'bool', values: fitted(this.values, rows), validity: this.takeValidity(rows) };
    this.values = new Uint8Array(0);
    this.capacity = 0;
    return column;
  }
}

/**
 * utf8 columns are dictionary-encoded per batch. Fields are looked up by their bytes in an
 * open-addressing hash table, so no JavaScript string is made while reading: a new value's bytes
 * are copied once into the dictionary, a repeated one costs a hash and a compare.
 */
class Utf8Reader extends ColumnReader {
  private codes = new Int32Array(0);
  /** The dictionary under construction: entry i is bytes[offsets[i], offsets[i + 1]). */
  private bytes = new Uint8Array(4096);
  private offsets = new Int32Array(256);
  private hashes = new Int32Array(256);
  private count = 0;
  /** Hash slots holding entry + 1 (0 is free); never more than half full. */
  private slots = new Int32Array(1024);

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.codes = grownColumn(this.codes, rows);
    this.growValidity(rows);
    this.capacity = rows;
  }

  read(buf: Buffer, t: Tokens, col: number, at: number, checkUtf8: boolean): number {
    const { starts, ends, flags, width, rows } = t;
    const codes = this.codes;
    for (let r = 0, i = col; r < rows; r++, i += width) {
      const s = starts[i]!;
      const e = ends[i]!;
      const flag = flags[i]!;
      if (s === e && flag === 0) {
        codes[at + r] = 0;
        this.setNull(at + r);
        continue;
      }
      if (checkUtf8 && !isUtf8(buf.subarray(s, e))) {
        this.reason = 'utf8';
        return r;
      }
      if (flag & ESCAPED) {
        const text = unescapeQuotes(buf, s, e);
        codes[at + r] = this.codeOf(text, 0, text.length);
      } else {
        codes[at + r] = this.codeOf(buf, s, e);
      }
    }
    return -1;
  }

  /** The dictionary code of the bytes src[s, e), adding them when new. */
  private codeOf(src: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 | 0; // FNV-1a, then a finalizer so the low bits (the slot) mix well
    for (let j = s; j < e; j++) h = Math.imul(h ^ src[j]!, 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    const n = e - s;
    const slots = this.slots;
    const mask = slots.length - 1;
    const hashes = this.hashes;
    const offsets = this.offsets;
    const bytes = this.bytes;
    let slot = h & mask;
    for (;;) {
      const entry = slots[slot]!;
      if (entry === 0) break;
      const code = entry - 1;
      if (hashes[code] === h) {
        const from = offsets[code]!;
        if (offsets[code + 1]! - from === n) {
          let j = 0;
          while (j < n && bytes[from + j] === src[s + j]) j++;
          if (j === n) return code;
        }
      }
      slot = (slot + 1) & mask;
    }
    return this.add(src, s, e, h, slot);
  }

  private add(src: Uint8Array, s: number, e: number, hash: number, slot: number): number {
    const code = this.count++;
    if (this.count + 1 > this.offsets.length) {
      this.offsets = grown(this.offsets, this.offsets.length * 2);
      this.hashes = grown(this.hashes, this.hashes.length * 2);
    }
    const from = this.offsets[code]!;
    const size = from + (e - s);
    if (size > this.bytes.length) this.bytes = grown(this.bytes, Math.max(size, this.bytes.length * 2));
    this.bytes.set(src.subarray(s, e), from);
    this.offsets[code + 1] = size;
    this.hashes[code] = hash;
    this.slots[slot] = code + 1;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    return code;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let code = 0; code < this.count; code++) {
      let slot = this.hashes[code]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = code + 1;
    }
    this.slots = slots;
  }

  finish(rows: number): Column {
    const size = this.offsets[this.count]!;
    // As the batch builder does: an all-null column gets one entry so that every code (0 in a
    // null row) is in range of its dictionary.
    const offsets = this.count === 0 && rows > 0 ? new Int32Array(2) : this.offsets.slice(0, this.count + 1);
    const dictionary: Utf8Column = { layout: 'utf8', offsets, bytes: this.bytes.slice(0, size), validity: null };
    const column: Column = { layout: 'dictionary', codes: fitted(this.codes, rows), dictionary, validity: this.takeValidity(rows) };
    this.codes = new Int32Array(0);
    this.capacity = 0;
    this.count = 0;
    this.slots.fill(0);
    return column;
  }
}

/** The bytes of a quoted field with each doubled quote made one. */
function unescapeQuotes(buf: Uint8Array, s: number, e: number): Uint8Array {
  const out = new Uint8Array(e - s);
  let n = 0;
  for (let j = s; j < e; j++) {
    out[n++] = buf[j]!;
    if (buf[j] === QUOTE) j++; // the second quote of a doubled pair
  }
  return out.subarray(0, n);
}

export function columnReader(type: DataType): ColumnReader {
  switch (type) {
    case 'float64':
      return new Float64Reader();
    case 'int32':
      return new Int32Reader();
    case 'int64':
    case 'timestamp':
      return new Int64Reader(type);
    case 'bool':
      return new BoolReader();
    case 'utf8':
      return new Utf8Reader();
  }
}
