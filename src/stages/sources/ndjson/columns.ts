/**
 * Column writers for the NDJSON parser: typed arrays filled by row index, one writer per column,
 * a validity bitmap allocated only once a null arrives. Unlike the general builders
 * (`builderFor`), an int64 or timestamp value that a double holds exactly is written as two 32-bit
 * words, with no BigInt made per value; larger ones arrive as BigInts. utf8 uses the shared
 * dictionary-encoding builder.
 *
 * Each column receives exactly one write (a value or a null) per row, in row order.
 */
import { bitmapBytes } from '../../../batch/bitmap.js';
import { builderFor, type ColumnBuilder } from '../../../batch/builder.js';
import type { Column } from '../../../batch/column.js';

const TWO_32 = 0x1_0000_0000;

abstract class Writer {
  protected validity: Uint8Array | null = null;
  constructor(protected readonly capacity: number) {}

  /** Row `row` is null (its value slot keeps 0). */
  setNull(row: number): void {
    if (this.validity === null) this.validity = new Uint8Array(bitmapBytes(this.capacity)).fill(0xff);
    this.validity[row >>> 3]! &= ~(1 << (row & 7));
  }

  protected finishValidity(rows: number): Uint8Array | null {
    const validity = this.validity;
    if (validity === null) return null;
    this.validity = null;
    const bitmap = validity.slice(0, bitmapBytes(rows));
    if ((rows & 7) !== 0) bitmap[bitmap.length - 1]! &= (1 << (rows & 7)) - 1;
    return bitmap;
  }

  abstract finish(rows: number): Column;
}

/** Grows `values` to hold index `row` (doubling, up to the batch size). */
function grown<T extends Float64Array | Int32Array | Uint8Array | BigInt64Array>(values: T, row: number, capacity: number): T {
  const bigger = new (values.constructor as new (n: number) => T)(Math.min(capacity, Math.max(row + 1, values.length * 2)));
  bigger.set(values as never);
  return bigger;
}

/** The first allocation: a batch's worth, within reason (columns grow if a batch is larger). */
function initial(capacity: number): number {
  return Math.min(capacity, 65_536);
}

export class Float64Writer extends Writer {
  values = new Float64Array(initial(this.capacity));
  set(row: number, value: number): void {
    if (row >= this.values.length) this.values = grown(this.values, row, this.capacity);
    this.values[row] = value;
  }
  finish(rows: number): Column {
    const values = this.values;
    this.values = new Float64Array(initial(this.capacity));
    return { layout: 'float64', values: values.length === rows ? values : values.slice(0, rows), validity: this.finishValidity(rows) };
  }
}

export class Int32Writer extends Writer {
  values = new Int32Array(initial(this.capacity));
  set(row: number, value: number): void {
    if (row >= this.values.length) this.values = grown(this.values, row, this.capacity);
    this.values[row] = value;
  }
  finish(rows: number): Column {
    const values = this.values;
    this.values = new Int32Array(initial(this.capacity));
    return { layout: 'int32', values: values.length === rows ? values : values.slice(0, rows), validity: this.finishValidity(rows) };
  }
}

export class BoolWriter extends Writer {
  values = new Uint8Array(initial(this.capacity));
  set(row: number, value: boolean): void {
    if (row >= this.values.length) this.values = grown(this.values, row, this.capacity);
    this.values[row] = value ? 1 : 0;
  }
  finish(rows: number): Column {
    const values = this.values;
    this.values = new Uint8Array(initial(this.capacity));
    return { layout: 'bool', values: values.length === rows ? values : values.slice(0, rows), validity: this.finishValidity(rows) };
  }
}

export class Int64Writer extends Writer {
  private values = new BigInt64Array(initial(this.capacity));
  /** The same memory as 32-bit words, little-endian (low word first), as the synthetic source writes it. */
  private words = new Int32Array(this.values.buffer);
  constructor(
    private readonly layout: 'int64' | 'timestamp',
    capacity: number,
  ) {
    super(capacity);
  }
  private grow(row: number): void {
    this.values = grown(this.values, row, this.capacity);
    this.words = new Int32Array(this.values.buffer);
  }
  /** `value` must be an integer with |value| ≤ 2^53. */
  setSafe(row: number, value: number): void {
    if (row >= this.values.length) this.grow(row);
    this.words[2 * row] = value % TWO_32 | 0;
    this.words[2 * row + 1] = Math.floor(value / TWO_32);
  }
  setBig(row: number, value: bigint): void {
    if (row >= this.values.length) this.grow(row);
    this.values[row] = value;
  }
  finish(rows: number): Column {
    const values = this.values;
    this.values = new BigInt64Array(initial(this.capacity));
    this.words = new Int32Array(this.values.buffer);
    return { layout: this.layout, values: values.length === rows ? values : values.slice(0, rows), validity: this.finishValidity(rows) };
  }
}

export class Utf8Writer {
  private builder: ColumnBuilder<string>;
  constructor(private readonly capacity: number) {
    this.builder = builderFor('utf8', initial(capacity));
  }
  set(_row: number, value: string): void {
    this.builder.append(value);
  }
  setNull(_row: number): void {
    this.builder.appendNull();
  }
  finish(_rows: number): Column {
    const column = this.builder.finish();
    this.builder = builderFor('utf8', initial(this.capacity));
    return column;
  }
}

export type ColumnWriter = Float64Writer | Int32Writer | BoolWriter | Int64Writer | Utf8Writer;
